/// The three reports as the core hands them to the API, the CSV export and the terminal.
public struct ProgressReport: Sendable {
    public let asOf: CivilDate
    public let targets: [TargetProgress]
    public let laterChanges: LaterChanges

    public init(asOf: CivilDate, targets: [TargetProgress], laterChanges: LaterChanges) {
        self.asOf = asOf
        self.targets = targets
        self.laterChanges = laterChanges
    }
}

public struct MonthlyReport: Sendable {
    public let asOf: CivilDate
    public let from: YearMonth
    public let to: YearMonth
    public let total: SeriesGroup
    public let breakdowns: [Breakdown]
    public let laterChanges: LaterChanges

    public init(asOf: CivilDate, from: YearMonth, to: YearMonth, total: SeriesGroup, breakdowns: [Breakdown],
                laterChanges: LaterChanges) {
        self.asOf = asOf; self.from = from; self.to = to; self.total = total
        self.breakdowns = breakdowns; self.laterChanges = laterChanges
    }
}

public struct CostReport: Sendable {
    public let asOf: CivilDate
    public let from: YearMonth
    public let to: YearMonth
    public let months: [CostMonth]
    public let laterChanges: LaterChanges

    public init(asOf: CivilDate, from: YearMonth, to: YearMonth, months: [CostMonth], laterChanges: LaterChanges) {
        self.asOf = asOf; self.from = from; self.to = to; self.months = months; self.laterChanges = laterChanges
    }
}

/// The parameters a client may send, checked together so every problem is reported at once.
public struct ReportRange: Sendable, Equatable {
    public let asOf: CivilDate
    public let from: YearMonth
    public let to: YearMonth

    /// Longest series one request may ask for: ten years.
    public static let maxMonths = 120

    /// Defaults: as of today; the twelve months up to the as-of month.
    public static func check(asOf: String?, from: String?, to: String?, today: CivilDate) throws(ValidationFailure) -> ReportRange {
        var c = Checker()
        let day = asOf.flatMap { c.date($0, field: "asOf", label: Label("统计截止日", "The as-of date")) } ?? today
        func month(_ text: String?, _ field: String, _ label: Label) -> YearMonth? {
            guard let text else { return nil }
            guard let m = YearMonth(iso: text), (1900...2200).contains(m.year) else {
                c.add(.init("invalid_month", field: field, zh: "\(label.zh)必须是 YYYY-MM 格式的月份（1900–2200 年）",
                            en: "\(label.en) must be a month in YYYY-MM form (years 1900–2200)"))
                return nil
            }
            return m
        }
        let parsedTo = month(to, "to", Label("结束月份", "The last month"))
        let parsedFrom = month(from, "from", Label("起始月份", "The first month"))
        try c.finish()
        let last = parsedTo ?? YearMonth(day)
        let first = parsedFrom ?? last.adding(months: -11)
        if first > last {
            c.add(.init("month_order", field: "from", zh: "起始月份不能晚于结束月份", en: "from must not be after to"))
        } else if last.index - first.index + 1 > maxMonths {
            c.add(.init("range_too_long", field: "to", zh: "一次最多查询 \(maxMonths) 个月",
                        en: "A series covers at most \(maxMonths) months"))
        }
        try c.finish()
        return ReportRange(asOf: day, from: first, to: last)
    }

    public init(asOf: CivilDate, from: YearMonth, to: YearMonth) {
        self.asOf = asOf
        self.from = from
        self.to = to
    }
}
