/// A moment, in whole seconds since 1970-01-01T00:00:00Z. Business days and programme months are
/// Beijing days (UTC+8, no daylight saving since 1991), so a moment's day is taken there.
public struct Timestamp: Hashable, Comparable, Sendable {
    public var secondsSinceEpoch: Int64

    public init(secondsSinceEpoch: Int64) { self.secondsSinceEpoch = secondsSinceEpoch }

    static let beijingOffsetSeconds: Int64 = 8 * 3600

    /// The calendar day in Asia/Shanghai: 2026-10-31T16:30:00Z is 2026-11-01 there.
    public var beijingDate: CivilDate {
        let local = secondsSinceEpoch + Self.beijingOffsetSeconds
        return CivilDate(daysSinceEpoch: Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400))
    }

    /// The moment as a person reads it, in the one convention used wherever a time is shown: Beijing
    /// time with its offset, to the second, `2026-11-01T00:30:00+08:00`.
    public var beijingText: String {
        let local = secondsSinceEpoch + Self.beijingOffsetSeconds
        let second = Int(((local % 86_400) + 86_400) % 86_400)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(beijingDate)T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))+08:00"
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.secondsSinceEpoch < b.secondsSinceEpoch }
}
