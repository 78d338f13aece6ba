/// A calendar date without time or zone: business dates (filing, grant, valuation, maturity).
/// Kept free of Foundation so the core stays pure and the arithmetic is exact.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Year, month and day in one word (year << 9 | month << 5 | day): four bytes instead of 24, as
    /// the matching index holds seven dates for each of millions of assets, and the packed words
    /// order as the dates do.
    private let ymd: UInt32

    public var year: Int { Int(ymd >> 9) }
    public var month: Int { Int((ymd >> 5) & 0xF) }
    public var day: Int { Int(ymd & 0x1F) }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...CivilDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.init(checkedYear: year, month: month, day: day)
    }

    /// The parts are in range (1...9999, 1...12, 1...31): every caller has checked or computed them so.
    private init(checkedYear year: Int, month: Int, day: Int) {
        ymd = UInt32(truncatingIfNeeded: year) << 9 | UInt32(truncatingIfNeeded: month) << 5 | UInt32(truncatingIfNeeded: day)
    }

    /// The packed word, for compact stores (the matching index); `init(packed:)` reads it back.
    public var packed: UInt32 { ymd }

    /// A word from `packed`, and nothing else: its parts are not checked again.
    public init(packed: UInt32) { ymd = packed }

    /// Parses the ISO 8601 calendar form `YYYY-MM-DD` and nothing else.
    public init?(iso: String) {
        // Read from the bytes: an import checks millions of dates.
        let u = iso.utf8
        guard u.count == 10 else { return nil }
        var year = 0, month = 0, day = 0
        for (i, b) in u.enumerated() {
            if i == 4 || i == 7 {
                guard b == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            let d = Int(b - UInt8(ascii: "0"))
            if i < 4 { year = year * 10 + d } else if i < 7 { month = month * 10 + d } else { day = day * 10 + d }
        }
        self.init(year: year, month: month, day: day)
    }

    /// The range every date lives in: arithmetic past either end stops there instead of trapping.
    public static let earliest = CivilDate(daysSinceEpoch: -719_162)   // 0001-01-01
    public static let latest = CivilDate(daysSinceEpoch: 2_932_896)    // 9999-12-31

    /// Days since 1970-01-01 (proleptic Gregorian), after H. Hinnant's `days_from_civil`; a day
    /// outside 0001-01-01...9999-12-31 is clamped to that range, so no input can overflow below.
    public init(daysSinceEpoch z0: Int) {
        let z = min(max(z0, -719_162), 2_932_896) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(checkedYear: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `YYYY-MM-DD`, written byte by byte: explanations print thousands of dates.
    public var description: String {
        // The initialisers keep the year in 1...9999, so four digits always suffice.
        String(unsafeUninitializedCapacity: 10) { buffer in
            func put(_ value: Int, width: Int, at end: Int) {
                var v = value
                for i in stride(from: end, to: end - width, by: -1) {
                    buffer[i] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
            }
            put(year, width: 4, at: 3)
            buffer[4] = UInt8(ascii: "-")
            put(month, width: 2, at: 6)
            buffer[7] = UInt8(ascii: "-")
            put(day, width: 2, at: 9)
            return 10
        }
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.ymd < b.ymd }

    /// Clamped to `earliest...latest`: a term of any length gives a date, never a trap.
    public func adding(days: Int) -> CivilDate {
        let (sum, overflow) = daysSinceEpoch.addingReportingOverflow(days)
        return overflow ? (days < 0 ? .earliest : .latest) : CivilDate(daysSinceEpoch: sum)
    }

    /// Same day `months` later; a day that does not exist in the target month falls to its last day
    /// (2024-02-29 plus 12 months is 2025-02-28), as terms counted in months are read in practice.
    /// Clamped to `earliest...latest` like `adding(days:)`.
    public func adding(months: Int) -> CivilDate {
        let (total, overflow) = (year * 12 + (month - 1)).addingReportingOverflow(months)
        guard !overflow, total >= 12, total < 10_000 * 12 else { return months < 0 ? .earliest : .latest }
        let y = total / 12, m = total % 12 + 1
        let d = min(day, CivilDate.daysIn(month: m, year: y))
        return CivilDate(year: y, month: m, day: d) ?? .latest
    }

    public func adding(years: Int) -> CivilDate {
        let (months, overflow) = years.multipliedReportingOverflow(by: 12)
        return overflow ? (years < 0 ? .earliest : .latest) : adding(months: months)
    }

    /// Whole months from `self` to `later` (negative when `later` is earlier).
    public func wholeMonths(until later: CivilDate) -> Int {
        var months = (later.year - year) * 12 + (later.month - month)
        if months > 0, adding(months: months) > later { months -= 1 }
        if months < 0, adding(months: months) < later { months += 1 }
        return months
    }

    public func days(until later: CivilDate) -> Int { later.daysSinceEpoch - daysSinceEpoch }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
