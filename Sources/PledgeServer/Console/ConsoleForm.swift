import Foundation
import Hummingbird

/// A submitted `application/x-www-form-urlencoded` form.
struct ConsoleForm: Sendable {
    private(set) var values: [String: String] = [:]

    init(_ body: String) {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = URLDecoding.formComponent(parts[0]), value = parts.count > 1 ? URLDecoding.formComponent(parts[1]) : ""
            if values[name] == nil { values[name] = value }
        }
    }

    static func read(_ request: Request, maxBytes: Int = 64 * 1024) async throws -> ConsoleForm {
        var request = request
        let buffer = try await request.collectBody(upTo: maxBytes)
        return ConsoleForm(String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    subscript(_ name: String) -> String? { values[name] }

    /// The field trimmed, or nil when empty.
    func text(_ name: String) -> String? {
        guard let v = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }
}

/// Query parameters of a console page, with the same trimming as forms.
struct ConsoleQuery: Sendable {
    let items: [String: String]
    init(_ request: Request) {
        var items: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { if items[String(k)] == nil { items[String(k)] = String(v) } }
        self.items = items
    }
    func text(_ name: String) -> String? {
        guard let v = items[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }
    /// A whole number in range, or nil (the page then shows everything rather than failing).
    func int(_ name: String, _ range: ClosedRange<Int64>) -> Int64? {
        guard let t = text(name), t.count <= 19, let n = Int64(t), range.contains(n) else { return nil }
        return n
    }

    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#?/")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
