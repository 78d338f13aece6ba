import Foundation
import HTTPTypes
import OpenAPIRuntime
import PledgeCore

/// Refuses every request the contract forbids, each problem naming its field. Runs after the role
/// check, before the generated decoder. At once: a path or query parameter of the wrong type (400),
/// a body that is not UTF-8 JSON of the declared media type (415), a body field of the wrong type,
/// an integer that is a fraction or beyond 64 bits, an unknown enum value (400). A broken limit (a
/// length, a bound, a count, a pattern) is left for the handler's own checks to report in their
/// words first; if the handler accepts what the contract forbids, the contract's problem is thrown
/// after it, inside the request's transaction, so nothing it wrote is kept.
struct ContractMiddleware: ServerMiddleware {
    let contract: Contract
    let maxBytes: Int

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        guard let operation = contract.operations[operationID] else { return try await next(request, body, metadata) }
        var deferred: (any Error)? = try checkParameters(operation, path: metadata.pathParameters, query: Self.query(request.path))
        var body = body
        if let schema = operation.body, let given = body {
            let bytes = try await [UInt8](collecting: given, upTo: maxBytes)
            body = HTTPBody(bytes)
            if !bytes.isEmpty || operation.bodyRequired {
                try checkMediaType(request.headerFields[.contentType], operation: operation)
                let broken = try Self.checkBody(bytes, schema: schema)
                if deferred == nil { deferred = broken }
            }
        }
        let (response, responseBody) = try await next(request, body, metadata)
        if let deferred, (200..<300).contains(response.status.code) { throw deferred }
        return (response, responseBody)
    }

    /// The query string's parameters, percent-decoded, each name with all its values.
    static func query(_ path: String?) -> [String: [String]] {
        // Split on the bytes: `?`, `&` and `=` are ASCII, and a mark combining with one must not hide it.
        guard let path, let mark = path.utf8.firstIndex(of: UInt8(ascii: "?")) else { return [:] }
        var result: [String: [String]] = [:]
        for pair in path.utf8[path.utf8.index(after: mark)...].split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = URLDecoding.formComponent(Substring(parts[0]))
            result[name, default: []].append(parts.count > 1 ? URLDecoding.formComponent(Substring(parts[1])) : "")
        }
        return result
    }

    /// Throws for a parameter that cannot be read as its type; returns the broken limits, if any.
    func checkParameters(_ operation: Contract.Operation, path: [String: Substring], query: [String: [String]]) throws -> APIProblem? {
        var check = SchemaCheck()
        for parameter in operation.parameters {
            let values: [String] = parameter.inPath ? path[parameter.name].map { [URLDecoding.pathSegment($0)] } ?? []
                                                    : query[parameter.name] ?? []
            if !values.isEmpty { Self.check(values, parameter, &check) }
        }
        guard let first = check.errors.first else { return nil }
        let problem = APIProblem(.badRequest, code: "invalid_parameter", zh: first.zh, en: first.en, field: first.field, errors: check.errors)
        if check.malformed { throw problem }
        return problem
    }

    /// One parameter's values: an array's count and items, or the one value a plain parameter may have.
    private static func check(_ values: [String], _ parameter: Contract.Parameter, _ check: inout SchemaCheck) {
        if parameter.schema.type == "array" {
            if let max = parameter.schema.maxItems, values.count > max {
                check.errors.append(FieldError("too_many", field: parameter.name, zh: "参数 \(parameter.name) 最多 \(max) 个",
                                               en: "\(parameter.name) may be given at most \(max) times"))
            }
            if let item = parameter.schema.items { for v in values { Self.check(v, item, parameter.name, &check) } }
        } else if values.count > 1 {
            check.errors.append(FieldError("repeated_parameter", field: parameter.name, zh: "参数 \(parameter.name) 只能出现一次",
                                           en: "\(parameter.name) may be given only once"))
        } else {
            let before = check.errors.count
            Self.check(values[0], parameter.schema, parameter.name, &check)
            // An id in the path out of its range names no record: refused at once, by its name.
            if parameter.inPath && check.errors.count > before { check.malformed = true }
        }
    }

    private static func check(_ text: String, _ schema: Schema, _ name: String, _ check: inout SchemaCheck) {
        switch schema.type {
        case "integer": check.checkInteger(text, schema, at: name)
        case "number": check.checkNumber(text, schema, at: name)
        case "boolean":
            if text != "true" && text != "false" {
                check.malformed = true
                check.errors.append(FieldError("wrong_type", field: name, zh: "参数 \(name) 应为 true 或 false",
                                               en: "\(name) must be true or false"))
            }
        default:
            if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                check.malformed = true
                check.errors.append(FieldError("control_character", field: name, zh: "参数 \(name) 含有控制字符",
                                               en: "\(name) contains control characters"))
            } else {
                check.checkString(text, schema, at: name)
            }
        }
    }

    private func checkMediaType(_ header: String?, operation: Contract.Operation) throws {
        let parts = (header ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let type = parts.first ?? ""
        let charset = parts.dropFirst().first { $0.hasPrefix("charset=") }?.dropFirst("charset=".count)
            .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard operation.contentTypes.contains(type), charset == nil || charset == "utf-8" else {
            throw APIProblem(.unsupportedMediaType, code: "unsupported_media_type",
                             zh: "请求体必须是 UTF-8 编码的 \(operation.contentTypes.joined(separator: " 或 "))，并在 Content-Type 中声明",
                             en: "The body must be \(operation.contentTypes.joined(separator: " or ")) in UTF-8, declared in Content-Type",
                             field: "Content-Type")
        }
    }

    /// Throws at once for a body that cannot be read as the contract's types; returns the broken
    /// limits, if any, for the handler to be checked against.
    static func checkBody(_ bytes: [UInt8], schema: Schema) throws -> ValidationFailure? {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw APIProblem(.unsupportedMediaType, code: "unsupported_media_type", zh: "请求体必须是 UTF-8 编码的 JSON",
                             en: "The body must be JSON in UTF-8", field: "body")
        }
        let value: JSONValue
        do {
            value = try JSONReader.parse(bytes)
        } catch {
            throw APIProblem(.badRequest, code: "malformed_body", zh: "请求体不是有效的 JSON（第 \(error.offset) 字节：\(error.reason)）",
                             en: "The body is not valid JSON (at byte \(error.offset): \(error.reason))", field: "body")
        }
        var check = SchemaCheck()
        check.check(value, schema, at: "")
        guard let first = check.errors.first else { return nil }
        if check.malformed {
            throw APIProblem(.badRequest, code: "malformed_body", zh: first.zh, en: first.en, field: first.field, errors: check.errors)
        }
        return ValidationFailure(check.errors)
    }
}
