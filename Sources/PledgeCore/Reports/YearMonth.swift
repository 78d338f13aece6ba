/// A calendar month (Asia/Shanghai, like every programme date): the unit of the monthly series.
public struct YearMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    public init(_ date: CivilDate) {
        year = date.year
        month = date.month
    }

    /// Parses `YYYY-MM` and nothing else.
    public init?(iso: String) {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        guard iso.utf8.count == 7, parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    /// Months since year 0, so differences and offsets are plain integers.
    public var index: Int { year * 12 + month - 1 }

    /// Clamped to 0001-01…9999-12, the months CivilDate has, so `firstDay` and `lastDay` always exist.
    public init(index: Int) {
        let i = min(max(index, 12), 9_999 * 12 + 11)
        year = i / 12
        month = i % 12 + 1
    }

    public var firstDay: CivilDate { CivilDate(year: year, month: month, day: 1)! }
    public var lastDay: CivilDate { CivilDate(year: year, month: month, day: CivilDate.daysIn(month: month, year: year))! }

    public func adding(months: Int) -> YearMonth {
        let (i, overflow) = index.addingReportingOverflow(months)
        return YearMonth(index: overflow ? (months < 0 ? .min : .max) : i)
    }

    /// The months from `self` through `last`, both included (empty when `last` is earlier).
    public func through(_ last: YearMonth) -> [YearMonth] {
        last.index < index ? [] : (index...last.index).map(YearMonth.init(index:))
    }

    public var description: String {
        (year < 1000 ? String(repeating: "0", count: 4 - String(year).count) : "") + "\(year)-\(month < 10 ? "0" : "")\(month)"
    }

    public static func < (a: YearMonth, b: YearMonth) -> Bool { a.index < b.index }
}
