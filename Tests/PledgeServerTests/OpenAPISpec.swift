import Foundation

/// The operations of openapi.yaml as the access tests need them: path, method, operationId, tags,
/// whether it is open (`security: []`) and its `x-roles`. A line reader is enough for the spec's
/// fixed layout and keeps the tests free of a YAML dependency.
struct SpecOperation: Sendable, CustomStringConvertible {
    var path: String
    var method: String
    var operationId: String
    var tags: [String] = []
    var open = false
    var roles: [String]?
    /// "required", "optional" or nil: which Idempotency-Key parameter the operation lists, if any.
    var idempotencyKey: String?

    var description: String { "\(method.uppercased()) \(path) (\(operationId))" }
}

enum OpenAPISpec {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("openapi.yaml")

    static func operations() throws -> [SpecOperation] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var result: [SpecOperation] = []
        var path: String?
        var current: SpecOperation?
        var inTags = false
        func flush() { if let op = current { result.append(op) }; current = nil }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == "components:" { break }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                flush(); path = String(line.dropFirst(2).dropLast()); continue
            }
            if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "put", "post", "delete", "patch"].contains(String(method)) {
                    flush(); current = SpecOperation(path: path, method: String(method), operationId: "")
                    continue
                }
            }
            guard current != nil, line.hasPrefix("      "), !line.hasPrefix("       ") || (inTags && line.hasPrefix("      -")) else {
                if line.hasPrefix("      ") && !line.hasPrefix("      -") { inTags = false }
                continue
            }
            let body = line.dropFirst(6)
            if inTags, body.hasPrefix("- ") { current!.tags.append(String(body.dropFirst(2))); continue }
            inTags = false
            if body.hasPrefix("operationId: ") { current!.operationId = String(body.dropFirst("operationId: ".count)) }
            else if body == "security: []" { current!.open = true }
            else if body == "tags:" { inTags = true }
            else if body == "- $ref: '#/components/parameters/IdempotencyKey'" { current!.idempotencyKey = "required" }
            else if body == "- $ref: '#/components/parameters/IdempotencyKeyOptional'" { current!.idempotencyKey = "optional" }
            else if body.hasPrefix("x-roles: [") {
                current!.roles = body.dropFirst("x-roles: [".count).dropLast().split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
        }
        flush()
        return result
    }
}
