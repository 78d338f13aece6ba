import Foundation
import OpenAPIRuntime
import PledgeCore

extension Date {
    /// Beijing time with its offset, to the second (`2026-11-01T00:30:00+08:00`): the one form a person
    /// reads a time in, in JSON answers, CSV exports and reports alike.
    var beijingText: String { Timestamp(secondsSinceEpoch: Int64(timeIntervalSince1970.rounded(.down))).beijingText }
}

/// Writes every `date-time` of the API in Beijing time with its offset (RFC 3339 allows any offset);
/// reads any RFC 3339 time a client sends, whatever its offset.
struct BeijingDateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String { date.beijingText }
    func decode(_ text: String) throws -> Date { try ISO8601DateTranscoder().decode(text) }
}
