import Foundation

/// Query filters get the same limits the spec declares, so a bad filter is a 400, never a database error.
enum QueryCheck {
    static func text(_ value: String?, _ field: String, max: Int) throws -> String? {
        guard let value else { return nil }
        guard (1...max).contains(value.count),
              !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIProblem.badParameter(field, zh: "参数 \(field) 应为 1–\(max) 个字符且不含控制字符",
                                          en: "\(field) must be 1 to \(max) characters without control characters")
        }
        return value
    }

    static func id(_ value: Int64?, _ field: String) throws -> Int64? {
        guard let value else { return nil }
        guard value >= 1 else {
            throw APIProblem.badParameter(field, zh: "参数 \(field) 应为正整数", en: "\(field) must be a positive integer")
        }
        return value
    }
}
