import Foundation
import PledgeCore

/// One JSON Schema of openapi.yaml, reduced to the keywords the contract uses. The server checks
/// every request against it before any handler runs: what the contract forbids is refused, by the
/// name of the field, whatever the handler or the generated decoder would make of it.
final class Schema: @unchecked Sendable {
    var type: String?
    /// `type: [integer, 'null']`: null is allowed besides the type.
    var nullable = false
    var format: String?
    var minimum: Double?
    var maximum: Double?
    /// The bounds as whole numbers, for integer fields (money in fen among them): compared exactly.
    var minimumWhole: Int64?
    var maximumWhole: Int64?
    var minLength: Int?
    var maxLength: Int?
    var pattern: NSRegularExpression?
    var enumValues: [String]?
    var minItems: Int?
    var maxItems: Int?
    var items: Schema?
    var properties: [String: Schema] = [:]
    var required: Set<String> = []
    var closed = false

    /// Builds the schema at `node`, resolving `#/components/schemas/…` references through `refs`.
    static func build(_ node: Any?, refs: SchemaTable) -> Schema {
        guard let map = node as? [String: Any] else { return Schema() }
        if let ref = map["$ref"] as? String { return refs.schema(named: String(ref.split(separator: "/").last ?? "")) }
        let s = Schema()
        s.fill(from: map, refs: refs)
        return s
    }

    func fill(from map: [String: Any], refs: SchemaTable) {
        if let types = map["type"] as? [Any] {
            let names = types.map { "\($0)" }
            nullable = names.contains("null")
            type = names.first { $0 != "null" }
        } else {
            type = map["type"] as? String
        }
        format = map["format"] as? String
        minimum = Self.number(map["minimum"])
        maximum = Self.number(map["maximum"])
        minimumWhole = map["minimum"] as? Int64 ?? (map["minimum"] as? Int).map(Int64.init)
        maximumWhole = map["maximum"] as? Int64 ?? (map["maximum"] as? Int).map(Int64.init)
        minLength = map["minLength"] as? Int
        maxLength = map["maxLength"] as? Int
        if let p = map["pattern"] as? String { pattern = try? NSRegularExpression(pattern: p) }
        enumValues = (map["enum"] as? [Any])?.map { "\($0)" }
        minItems = map["minItems"] as? Int
        maxItems = map["maxItems"] as? Int
        if let i = map["items"] { items = Schema.build(i, refs: refs) }
        for (name, sub) in (map["properties"] as? [String: Any]) ?? [:] { properties[name] = Schema.build(sub, refs: refs) }
        required = Set((map["required"] as? [String]) ?? [])
        closed = (map["additionalProperties"] as? Bool) == false
    }

    static func number(_ v: Any?) -> Double? {
        switch v {
        case let i as Int: return Double(i)
        case let d as Double: return d
        case let s as String: return Double(s)
        default: return nil
        }
    }
}

/// The named schemas of the contract, built once each (a reference may be met before its schema).
final class SchemaTable: @unchecked Sendable {
    private let source: [String: Any]
    private var built: [String: Schema] = [:]

    init(source: [String: Any]) { self.source = source }

    func schema(named name: String) -> Schema {
        if let s = built[name] { return s }
        let s = Schema()
        built[name] = s
        if let map = source[name] as? [String: Any] {
            if let ref = map["$ref"] as? String {
                let target = schema(named: String(ref.split(separator: "/").last ?? ""))
                built[name] = target
                return target
            }
            s.fill(from: map, refs: self)
        }
        return s
    }
}

/// Checks a value against a schema and collects every problem with the path of its field.
struct SchemaCheck {
    var errors: [FieldError] = []
    /// True when a value has the wrong type (a 400, as an undecodable body); otherwise the problems
    /// are broken limits (a 422, as the core's own checks).
    var malformed = false

    mutating func check(_ value: JSONValue, _ schema: Schema, at path: String) {
        if value == .null, schema.nullable { return }
        switch (schema.type, value) {
        case (nil, _): return
        case ("object", .object(let members)): checkObject(members, schema, at: path)
        case ("array", .array(let items)): checkArray(items, schema, at: path)
        case ("string", .string(let text)): checkString(text, schema, at: path)
        case ("integer", .number(let text)): checkInteger(text, schema, at: path)
        case ("number", .number(let text)): checkNumber(text, schema, at: path)
        case ("boolean", .bool): return
        default: wrongType(schema.type!, at: path)
        }
    }

    private mutating func wrongType(_ type: String, at path: String) {
        malformed = true
        let zh = ["object": "对象", "array": "数组", "string": "字符串", "integer": "整数", "number": "数字", "boolean": "布尔值"][type] ?? type
        add("wrong_type", path, zh: "应为\(zh)", en: "must be \(type == "integer" ? "an" : "a") \(type)")
    }

    private mutating func add(_ code: String, _ path: String, zh: String, en: String) {
        let field = path.isEmpty ? "body" : path
        errors.append(FieldError(code, field: field, zh: "字段 \(field) \(zh)", en: "Field \(field) \(en)"))
    }

    private mutating func checkObject(_ members: [(key: String, value: JSONValue)], _ schema: Schema, at path: String) {
        var seen = Set<String>()
        for (key, value) in members {
            let sub = path.isEmpty ? key : "\(path).\(key)"
            guard seen.insert(key).inserted else {
                malformed = true
                add("duplicate_field", sub, zh: "重复出现", en: "appears twice")
                continue
            }
            if let property = schema.properties[key] {
                // An optional field given as null is the same as one left out.
                if value == .null, !schema.required.contains(key) { continue }
                check(value, property, at: sub)
            } else if schema.closed {
                malformed = true
                add("unknown_field", sub, zh: "不是该请求的字段", en: "is not a field of this request")
            }
        }
        for key in schema.required.sorted() where !seen.contains(key) {
            malformed = true
            add("required", path.isEmpty ? key : "\(path).\(key)", zh: "为必填项", en: "is required")
        }
    }

    private mutating func checkArray(_ items: [JSONValue], _ schema: Schema, at path: String) {
        if let max = schema.maxItems, items.count > max {
            add("too_many", path, zh: "最多 \(max) 项", en: "may have at most \(max) items")
        }
        if let min = schema.minItems, items.count < min {
            add("too_few", path, zh: "至少 \(min) 项", en: "needs at least \(min) items")
        }
        guard let itemSchema = schema.items else { return }
        for (i, item) in items.enumerated() { check(item, itemSchema, at: "\(path)[\(i)]") }
    }

    mutating func checkString(_ text: String, _ schema: Schema, at path: String) {
        // Lengths in Unicode scalars, as JSON Schema and PostgreSQL's length() count them.
        let length = text.unicodeScalars.count
        if let min = schema.minLength, min > 0, text.allSatisfy(\.isWhitespace) {
            add("required", path, zh: "不能为空或只含空白", en: "must not be empty or blank")
        } else if let min = schema.minLength, length < min {
            add("too_short", path, zh: "至少 \(min) 个字符", en: "needs at least \(min) characters")
        }
        if let max = schema.maxLength, length > max {
            add("too_long", path, zh: "不能超过 \(max) 个字符", en: "must be at most \(max) characters")
        }
        if let values = schema.enumValues, !values.contains(text) {
            malformed = true   // as the decoder would: an unknown value cannot be read at all
            add("invalid_value", path, zh: "取值应为 \(values.joined(separator: "、")) 之一",
                en: "must be one of \(values.joined(separator: ", "))")
        }
        if let pattern = schema.pattern,
           pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
            add("invalid_format", path, zh: "格式不符", en: "does not match the required format")
        }
        checkFormat(text, schema.format, at: path)
    }

    private mutating func checkFormat(_ text: String, _ format: String?, at path: String) {
        switch format {
        case "date":
            if CivilDate(iso: text) == nil {
                add("invalid_date", path, zh: "必须是 YYYY-MM-DD 格式的有效日期", en: "must be a valid date in YYYY-MM-DD form")
            }
        case "date-time":
            if !DateTimeText.isRFC3339(text) {
                malformed = true   // the decoder cannot read it either
                add("invalid_date_time", path, zh: "必须是 RFC 3339 格式的时间，如 2026-01-31T09:30:00+08:00",
                    en: "must be an RFC 3339 date-time such as 2026-01-31T09:30:00+08:00")
            }
        default: return
        }
    }

    mutating func checkInteger(_ text: String, _ schema: Schema, at path: String) {
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }), let value = Int64(text) else {
            malformed = true
            add("not_an_integer", path, zh: "必须是 64 位范围内的整数", en: "must be a whole number within 64 bits")
            return
        }
        if schema.format == "int32", Int32(exactly: value) == nil {
            malformed = true
            add("not_an_integer", path, zh: "必须是 32 位范围内的整数", en: "must be a whole number within 32 bits")
            return
        }
        checkBounds(value, min: schema.minimumWhole, max: schema.maximumWhole, at: path)
    }

    mutating func checkNumber(_ text: String, _ schema: Schema, at path: String) {
        guard let value = Double(text), value.isFinite else {
            malformed = true
            add("not_a_number", path, zh: "必须是有限的数字", en: "must be a finite number")
            return
        }
        // Only `number` fields (a score) come here; money is integer fen and checked above exactly.
        checkBounds(value, min: schema.minimum, max: schema.maximum, at: path)
    }

    /// The contract's inclusive bounds, compared in the field's own number type.
    mutating func checkBounds<N: Comparable>(_ value: N, min: N?, max: N?, at path: String) {
        if let min, value < min { add("out_of_range", path, zh: "不能小于 \(min)", en: "must be at least \(min)") }
        if let max, value > max { add("out_of_range", path, zh: "不能大于 \(max)", en: "must be at most \(max)") }
    }
}

/// RFC 3339 date-times as the contract's `date-time` format: the form only; the years a business
/// accepts are the core's rule (Checker.moment).
enum DateTimeText {
    static func isRFC3339(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count >= 20, b.count <= 35 else { return false }
        func digits(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= b.count, b[r].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return Int(String(decoding: b[r], as: UTF8.self))
        }
        guard let y = digits(0..<4), b[4] == UInt8(ascii: "-"), let m = digits(5..<7), b[7] == UInt8(ascii: "-"),
              let d = digits(8..<10), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              let hh = digits(11..<13), b[13] == UInt8(ascii: ":"), let mm = digits(14..<16), b[16] == UInt8(ascii: ":"),
              let ss = digits(17..<19), CivilDate(year: y, month: m, day: d) != nil, hh < 24, mm < 60, ss < 61 else { return false }
        var i = 19
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            guard i > start, i - start <= 9 else { return false }
        }
        guard i < b.count else { return false }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), i + 6 == b.count,
              let oh = digits(i + 1..<i + 3), b[i + 3] == UInt8(ascii: ":"), let om = digits(i + 4..<i + 6) else { return false }
        return oh < 24 && om < 60
    }
}
