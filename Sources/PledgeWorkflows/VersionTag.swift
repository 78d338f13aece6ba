import Foundation

/// The version a client read, as it sends it back (an HTTP ETag, a form's hidden field):
/// `"3"`, `W/"3"` or `3`.
public enum VersionTag {
    public static func make(_ version: Int) -> String { "\"\(version)\"" }

    /// The version in `text`; nil when no text was sent; anything else is a client error.
    public static func version(from text: String?) throws(WorkflowError) -> Int? {
        guard let text else { return nil }
        var tag = text.trimmingCharacters(in: .whitespaces)
        if tag.hasPrefix("W/") { tag.removeFirst(2) }
        tag = tag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard let version = Int(tag), version >= 1 else {
            throw WorkflowError(.badRequest, code: "invalid_if_match", zh: "If-Match 头应为读取时得到的 ETag，如 \"3\"",
                                en: "If-Match must be the ETag you read, e.g. \"3\"", field: "If-Match")
        }
        return version
    }
}
