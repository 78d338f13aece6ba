import Foundation
import Hummingbird

/// A `multipart/form-data` upload from a console form: its text fields and its one file.
struct ConsoleMultipart: Sendable {
    var fields: [String: String] = [:]
    var fileName: String?
    var file: [UInt8] = []

    /// Nil when the body is not the multipart its Content-Type declares.
    init?(_ request: Request, maxBytes: Int) async throws {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data"),
              let range = type.range(of: "boundary="), !type[range.upperBound...].isEmpty else { return nil }
        let boundary = Array(("--" + type[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))).utf8)
        var request = request
        let body = Array(try await request.collectBody(upTo: maxBytes).readableBytesView)
        var parts = Self.split(body, on: boundary)
        guard !parts.isEmpty else { return nil }
        parts.removeAll { $0.isEmpty }
        for part in parts {
            guard let headerEnd = Self.find([13, 10, 13, 10], in: part, from: 0) else { continue }
            let headers = String(decoding: part[..<headerEnd], as: UTF8.self)
            var content = Array(part[(headerEnd + 4)...])
            if content.suffix(2) == [13, 10] { content.removeLast(2) }
            guard let name = Self.parameter("name", in: headers) else { continue }
            if let file = Self.parameter("filename", in: headers) {
                fileName = (file as NSString).lastPathComponent
                self.file = content
            } else if content.count <= 4096 {
                fields[name] = String(decoding: content, as: UTF8.self)
            }
        }
    }

    private static func parameter(_ key: String, in headers: String) -> String? {
        guard let r = headers.range(of: "\(key)=\"") else { return nil }
        let rest = headers[r.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count, start <= haystack.count - needle.count else { return nil }
        var i = start
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    /// The parts between boundary lines (the preamble and the closing `--` left out).
    static func split(_ body: [UInt8], on boundary: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        guard var at = find(boundary, in: body, from: 0) else { return [] }
        while true {
            var start = at + boundary.count
            if body.count >= start + 2, body[start] == UInt8(ascii: "-"), body[start + 1] == UInt8(ascii: "-") { break }
            if body.count >= start + 2, body[start] == 13, body[start + 1] == 10 { start += 2 }
            guard let next = find(boundary, in: body, from: start) else { break }
            parts.append(Array(body[start..<next]))
            at = next
        }
        return parts
    }
}
