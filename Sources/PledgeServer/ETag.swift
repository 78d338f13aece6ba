import Foundation
import PledgeCore
import PledgeWorkflows

/// Versions as HTTP sends them (VersionTag reads and writes the text).
enum ETag {
    static func make(_ version: Int) -> String { VersionTag.make(version) }

    /// Reads `"3"`, `W/"3"` or `3`; anything else is a client error.
    static func version(from header: String?) throws -> Int? { try VersionTag.version(from: header) }
}

extension Date {
    /// Timestamps go out in RFC 3339 with fractional seconds dropped, as the spec's date-time.
    var apiTimestamp: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}

extension CivilDate {
    var api: String { description }
}
