import PledgeCore

/// Reads one row's cells through the header map, turning each into what the core validators take
/// and keeping every problem with its column.
struct RowReader {
    let row: SheetRow
    let map: HeaderMap
    let sheet: String
    var issues: [ImportIssue] = []
    /// Fields already reported, so the core's complaint about the same field is not repeated.
    var failed: Set<String> = []

    init(row: SheetRow, map: HeaderMap, sheet: String) {
        self.row = row; self.map = map; self.sheet = sheet
    }

    func has(_ key: String) -> Bool { map[key] != nil }

    func raw(_ key: String) -> String {
        guard let c = map[key] else { return "" }
        return row[c.index]
    }

    func text(_ key: String) -> String { Normalize.text(raw(key)) }

    /// A name, title or number a person wrote, kept as written (see Normalize.freeText).
    func freeText(_ key: String) -> String { Normalize.freeText(raw(key)) }

    func optionalText(_ key: String) -> String? {
        let t = text(key)
        return t.isEmpty ? nil : t
    }

    mutating func fail(_ key: String, _ code: String, zh: String, en: String, value: String? = nil) {
        failed.insert(key)
        let c = map[key]
        issues.append(ImportIssue(sheet: sheet, line: row.line, column: c.map { columnLetter($0.index) }, header: c?.header,
                                  value: value ?? raw(key), code: code, zh: zh, en: en))
    }

    mutating func required(_ key: String, label: Label) {
        if map[key] == nil {
            fail(key, "required", zh: "缺少「\(label.zh)」列", en: "The column \(label.en) is missing")
        } else {
            fail(key, "required", zh: "\(label.zh)不能为空", en: "\(label.en) must not be empty")
        }
    }

    /// A date as `YYYY-MM-DD`, or nil when the cell is empty or not a date (reported).
    mutating func date(_ key: String) -> String? {
        let v = text(key)
        if v.isEmpty { return nil }
        guard let d = Normalize.date(v) else {
            let label = map[key]?.spec.label ?? Label(key, key)
            fail(key, "invalid_date", zh: "\(label.zh)不是可识别的日期（可写 2025-09-22、2025/9/22、2025.9.22、2025年9月22日）",
                 en: "\(label.en) is not a date this importer reads (2025-09-22, 2025/9/22, 2025.9.22, 2025年9月22日)")
            return nil
        }
        return d.description
    }

    /// A required date: the text the core validator checks ("" when missing, which it refuses).
    mutating func requiredDate(_ key: String, label: Label) -> String {
        if text(key).isEmpty { required(key, label: label); return "" }
        return date(key) ?? ""
    }

    mutating func money(_ key: String) -> Fen? {
        guard let c = map[key], let unit = c.unit else { return nil }
        let v = text(key)
        if v.isEmpty { return nil }
        switch Normalize.fen(v, unit: unit) {
        case .success(let fen): return fen
        case .failure(.tooPrecise(let decimals)):
            fail(key, "amount_not_whole_fen",
                 zh: "金额以\(unit.label.zh)为单位最多 \(decimals) 位小数（须为整分），不作四舍五入",
                 en: "In \(unit.label.en) an amount has at most \(decimals) decimals (whole fen); it is not rounded")
        case .failure(.tooLarge):
            fail(key, "amount_too_large", zh: "金额过大", en: "The amount is too large")
        case .failure(.notANumber):
            fail(key, "not_a_number", zh: "不是金额数字", en: "Not an amount")
        }
        return nil
    }

    mutating func integer(_ key: String) -> Int? {
        let v = text(key)
        if v.isEmpty { return nil }
        guard let n = Normalize.integer(v) else {
            fail(key, "not_an_integer", zh: "不是整数", en: "Not a whole number")
            return nil
        }
        return n
    }

    mutating func bool(_ key: String) -> Bool {
        let v = text(key)
        switch Normalize.bool(v) {
        case .some(.some(let b)): return b
        case .some(.none): return false
        case .none:
            fail(key, "not_yes_no", zh: "应填 是/否", en: "Expected yes or no (是/否)")
            return false
        }
    }

    /// The core validator's errors, each put on its column (`indicators.claims` → claims, `niceClasses[2]` → niceClasses).
    mutating func add(_ errors: [FieldError], rename: [String: String] = [:]) {
        for e in errors {
            var root = String(e.field.prefix { $0 != "[" })
            if root.hasPrefix("indicators.") { root.removeFirst("indicators.".count) }
            root = rename[root] ?? root
            if failed.contains(root) { continue }
            let c = map[root]
            issues.append(ImportIssue(sheet: sheet, line: row.line, column: c.map { columnLetter($0.index) }, header: c?.header,
                                      value: c.map { row[$0.index] } ?? "", code: e.code, zh: e.zh, en: e.en))
        }
    }
}
