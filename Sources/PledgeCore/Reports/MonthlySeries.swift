/// Sums of ledger entries for one breakdown key and month, as the ledger held them on the as-of day.
public struct FlowSums: Sendable, Equatable {
    public var loans: Int64
    public var principalFen: Fen
    public var repaidFen: Fen
    public var defaultedFen: Fen
    public var newFirms: Int64
    /// Distinct firms with a disbursement in the month. Rows of one key and month add up to it; months
    /// and keys do not (a firm financed in two months, or under two banks, counts in each).
    public var financedFirms: Int64

    public init(loans: Int64 = 0, principalFen: Fen = 0, repaidFen: Fen = 0, defaultedFen: Fen = 0, newFirms: Int64 = 0,
                financedFirms: Int64 = 0) {
        self.loans = loans
        self.principalFen = principalFen
        self.repaidFen = repaidFen
        self.defaultedFen = defaultedFen
        self.newFirms = newFirms
        self.financedFirms = financedFirms
    }

    public static func + (a: FlowSums, b: FlowSums) -> FlowSums {
        FlowSums(loans: a.loans + b.loans, principalFen: a.principalFen + b.principalFen, repaidFen: a.repaidFen + b.repaidFen,
                 defaultedFen: a.defaultedFen + b.defaultedFen, newFirms: a.newFirms + b.newFirms,
                 financedFirms: a.financedFirms + b.financedFirms)
    }

    public static func += (a: inout FlowSums, b: FlowSums) { a = a + b }
}

/// One month of a series. Flows are the month's own; cumulative figures and the outstanding balance
/// are at the month's end and count everything since the ledger began.
public struct MonthFigures: Sendable, Equatable {
    public let month: YearMonth
    public let newLoans: Int64
    public let newPrincipalFen: Fen
    /// First-time borrowers (首贷户): firms whose first loan in the ledger is in this month.
    public let newFirms: Int64
    /// Firms financed in the month (当月融资企业): distinct firms with a disbursement in it.
    public let financedFirms: Int64
    public let repaidFen: Fen
    public let defaultedFen: Fen
    public let cumulativePrincipalFen: Fen
    /// First-time borrowers since the ledger began.
    public let cumulativeFirms: Int64
    /// Distinct firms financed from the series' first month through this one (the total only; nil in
    /// breakdown groups).
    public let financedFirmsSinceFrom: Int64?
    /// Principal lent and neither repaid nor written off as defaulted.
    public let outstandingFen: Fen
}

/// The series of one breakdown key (or of the whole programme).
public struct SeriesGroup: Sendable, Equatable {
    public let key: String
    public let label: Label
    public let months: [MonthFigures]

    public init(key: String, label: Label, months: [MonthFigures]) {
        self.key = key
        self.label = label
        self.months = months
    }
}

public struct Breakdown: Sendable {
    public let dimension: ReportDimension
    public let groups: [SeriesGroup]
}

extension Label: Equatable {
    public static func == (a: Label, b: Label) -> Bool { a.zh == b.zh && a.en == b.en }
}

public enum MonthlySeries {
    /// Builds the months `from` through `to` from the sums before `from` and each month's sums.
    /// Cumulative figures are running sums, so the months always add up to them exactly.
    /// `firstFinanced`, when given, holds per month the firms financed in it and in no earlier month
    /// of the series; their running sum is the distinct firms financed since `from`.
    public static func figures(before: FlowSums, byMonth: [YearMonth: FlowSums], from: YearMonth, to: YearMonth,
                               firstFinanced: [YearMonth: Int64]? = nil) -> [MonthFigures] {
        var running = before
        var since: Int64 = 0
        return from.through(to).map { month in
            let flow = byMonth[month] ?? FlowSums()
            running += flow
            since += firstFinanced?[month] ?? 0
            return MonthFigures(month: month, newLoans: flow.loans, newPrincipalFen: flow.principalFen, newFirms: flow.newFirms,
                                financedFirms: flow.financedFirms, repaidFen: flow.repaidFen, defaultedFen: flow.defaultedFen,
                                cumulativePrincipalFen: running.principalFen, cumulativeFirms: running.newFirms,
                                financedFirmsSinceFrom: firstFinanced == nil ? nil : since,
                                outstandingFen: running.principalFen - running.repaidFen - running.defaultedFen)
        }
    }
}

/// A row of the monthly rollup as a store reads it: a key's sums for one month, or (month nil)
/// for everything before the series' first month.
public struct FlowRow: Sendable, Equatable {
    /// nil for the programme total.
    public let dimension: ReportDimension?
    public let key: String
    public let month: YearMonth?
    public let sums: FlowSums

    public init(dimension: ReportDimension?, key: String, month: YearMonth?, sums: FlowSums) {
        self.dimension = dimension
        self.key = key
        self.month = month
        self.sums = sums
    }
}

extension MonthlyReport {
    /// Assembles the report from rollup rows. Groups are ordered by their label; a key the labels do
    /// not know (a deleted bank, say) is shown as its raw value.
    /// `firstFinanced`: per month of the series, the firms financed in it and in no earlier month of
    /// the series (for the total).
    public static func build(range: ReportRange, dimensions: [ReportDimension], rows: [FlowRow], firstFinanced: [YearMonth: Int64],
                             labels: [ReportDimension: [String: Label]], laterChanges: LaterChanges) -> MonthlyReport {
        struct GroupKey: Hashable { let dimension: ReportDimension?; let key: String }
        var before: [GroupKey: FlowSums] = [:]
        var months: [GroupKey: [YearMonth: FlowSums]] = [:]
        for row in rows {
            let g = GroupKey(dimension: row.dimension, key: row.key)
            if let m = row.month { months[g, default: [:]][m, default: FlowSums()] += row.sums }
            else { before[g, default: FlowSums()] += row.sums }
        }
        func group(_ g: GroupKey, label: Label) -> SeriesGroup {
            SeriesGroup(key: g.key, label: label, months: MonthlySeries.figures(
                before: before[g] ?? FlowSums(), byMonth: months[g] ?? [:], from: range.from, to: range.to,
                firstFinanced: g.dimension == nil ? firstFinanced : nil))
        }
        let total = group(GroupKey(dimension: nil, key: ""), label: Label("合计", "Total"))
        let keys = Set(before.keys).union(months.keys)
        let breakdowns = dimensions.map { d in
            let groups = keys.filter { $0.dimension == d }.map { g in
                group(g, label: labels[d]?[g.key] ?? ReportDimension.fixedLabel(dimension: d, key: g.key) ?? Label(g.key, g.key))
            }
            return Breakdown(dimension: d, groups: groups.sorted { ($0.label.zh, $0.key) < ($1.label.zh, $1.key) })
        }
        return MonthlyReport(asOf: range.asOf, from: range.from, to: range.to, total: total, breakdowns: breakdowns,
                             laterChanges: laterChanges)
    }
}
