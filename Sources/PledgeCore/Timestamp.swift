/// A moment, in whole seconds since 1970-01-01T00:00:00Z. Business days and programme months are
/// Beijing days (UTC+8, no daylight saving since 1991), so a moment's day is taken there.
public struct Timestamp: Hashable, Comparable, Sendable {
    public var secondsSinceEpoch: Int64

    public init(secondsSinceEpoch: Int64) { self.secondsSinceEpoch = secondsSinceEpoch }

    static let beijingOffsetSeconds: Int64 = 8 * 3600

    /// Moments people may record: 1900-01-01 to 2200-12-31 in Beijing time, like the business dates
    /// (Checker.date). A moment outside is a typing error, and refusing it keeps every later date
    /// computation far inside CivilDate's range.
    public static let accepted: ClosedRange<Int64> = -2_208_988_800 - beijingOffsetSeconds ... 7_289_654_399 - beijingOffsetSeconds

    /// A moment from seconds since the epoch as a floating-point number (what Foundation's Date
    /// holds). Values Int64 cannot hold are clamped (NaN to the epoch's far past), so converting never
    /// traps; `isAccepted` then tells the validators to refuse them.
    public init(seconds: Double) {
        let limit = 9.2e18
        let value = seconds.isNaN ? -limit : min(max(seconds.rounded(.down), -limit), limit)
        self.init(secondsSinceEpoch: Int64(value))
    }

    public var isAccepted: Bool { Self.accepted.contains(secondsSinceEpoch) }

    /// The calendar day in Asia/Shanghai: 2026-10-31T16:30:00Z is 2026-11-01 there.
    public var beijingDate: CivilDate {
        let (local, overflow) = secondsSinceEpoch.addingReportingOverflow(Self.beijingOffsetSeconds)
        if overflow { return .latest }
        // Floor division that cannot overflow at Int64.min.
        let days = local >= 0 ? local / 86_400 : (local + 1) / 86_400 - 1
        return CivilDate(daysSinceEpoch: Int(days))
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
