/// A programme target as the progress report needs it.
public struct TargetTerms: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let baselineDate: CivilDate
    public let deadline: CivilDate
    public let amountFen: Fen
    public let firmCount: Int64

    public init(id: Int64, name: String, baselineDate: CivilDate, deadline: CivilDate, amountFen: Fen, firmCount: Int64) {
        self.id = id; self.name = name; self.baselineDate = baselineDate; self.deadline = deadline
        self.amountFen = amountFen; self.firmCount = firmCount
    }
}

/// One effective day's principal and new beneficiary firms, as the ledger held them on the as-of day.
public struct DayTotals: Sendable, Equatable {
    public let day: CivilDate
    public let principalFen: Fen
    public let newFirms: Int64

    public init(day: CivilDate, principalFen: Fen, newFirms: Int64) {
        self.day = day
        self.principalFen = principalFen
        self.newFirms = newFirms
    }
}

/// A target's sums as of a day: since the baseline, and over the pace window (the last 12 months,
/// not before the baseline).
public struct TargetSums: Sendable, Equatable {
    public let achievedFen: Fen
    /// 惠及企业: distinct firms financed from the baseline to the as-of day.
    public let achievedFirms: Int64
    /// 首贷户: firms whose first financed day in the whole ledger falls from the baseline to the as-of day.
    public let firstTimeFirms: Int64
    public let paceFen: Fen
    /// How much achievedFirms grew over the pace window: the firms financed in it and not earlier in the period.
    public let paceFirms: Int64

    public init(achievedFen: Fen, achievedFirms: Int64, firstTimeFirms: Int64, paceFen: Fen, paceFirms: Int64) {
        self.achievedFen = achievedFen
        self.achievedFirms = achievedFirms
        self.firstTimeFirms = firstTimeFirms
        self.paceFen = paceFen
        self.paceFirms = paceFirms
    }
}

public enum ProgressStatus: String, Sendable, CaseIterable {
    case achieved           // both figures reached
    case onTrack = "on_track"
    case behind
    case missed             // the deadline has passed without reaching them
    case notStarted = "not_started"

    public var label: Label {
        switch self {
        case .achieved: Label("已完成", "achieved")
        case .onTrack: Label("按当前进度可按期完成", "on track")
        case .behind: Label("按当前进度无法按期完成", "behind")
        case .missed: Label("期限已过，未完成", "deadline passed, not achieved")
        case .notStarted: Label("尚未开始（测算日早于基准日）", "not started (as-of date before the baseline)")
        }
    }
}

public struct TargetProgress: Sendable, Equatable {
    public let target: TargetTerms
    public let asOf: CivilDate
    public let achievedFen: Fen
    /// 惠及企业: distinct firms with a loan disbursed from the baseline to the as-of day (each firm once).
    public let achievedFirms: Int64
    /// 首贷户: of those, the firms whose first loan in the whole ledger falls in the period.
    public let firstTimeFirms: Int64
    public let remainingFen: Fen
    public let remainingFirms: Int64
    /// Done, in basis points of the target (10000 = 100%; may exceed it).
    public let amountDoneBp: Int64
    public let firmsDoneBp: Int64
    /// Calendar months after the as-of month, through the deadline's month.
    public let monthsLeft: Int
    public let neededPerMonthFen: Fen
    public let neededFirmsPerMonth: Int64
    /// The pace window: the last 12 months up to the as-of day, not before the baseline.
    public let paceFrom: CivilDate
    public let pacePrincipalFen: Fen
    public let paceFirms: Int64
    public let paceMonthlyFen: Fen
    /// Achieved plus the window's pace carried on to the deadline.
    public let projectedFen: Fen
    public let projectedFirms: Int64
    public let status: ProgressStatus
}

/// Progress to a target, from the day totals known on the as-of day.
///
/// Beneficiary firms (惠及企业) are the distinct firms financed from the baseline to the as-of day: a firm
/// that borrowed before the baseline and again after it counts, once. First-time borrowers (首贷户) are
/// reported beside them: the firms whose first loan in the whole ledger falls in the period.
public enum ProgressCalculator {
    public static func paceFrom(_ t: TargetTerms, asOf: CivilDate) -> CivilDate {
        max(t.baselineDate, asOf.adding(months: -12).adding(days: 1))
    }

    /// Sums the day totals over the target's windows; `financed` counts the firms of a window (both
    /// days in the period) as the ledger stood on the as-of day.
    public static func sums(_ t: TargetTerms, asOf: CivilDate, days: [DayTotals],
                            financed: (_ from: CivilDate, _ through: CivilDate) -> FirmCounts) -> TargetSums {
        var achievedFen: Fen = 0, paceFen: Fen = 0
        let paceFrom = paceFrom(t, asOf: asOf)
        for d in days where d.day >= t.baselineDate && d.day <= asOf {
            achievedFen += d.principalFen
            if d.day >= paceFrom { paceFen += d.principalFen }
        }
        let achieved = asOf < t.baselineDate ? FirmCounts(financed: 0, firstTime: 0) : financed(t.baselineDate, asOf)
        let before = paceFrom > t.baselineDate ? financed(t.baselineDate, paceFrom.adding(days: -1)).financed : 0
        return TargetSums(achievedFen: achievedFen, achievedFirms: achieved.financed, firstTimeFirms: achieved.firstTime,
                          paceFen: paceFen, paceFirms: achieved.financed - before)
    }

    public static func sums(_ t: TargetTerms, asOf: CivilDate, days: [DayTotals], financed: FinancedDays) -> TargetSums {
        sums(t, asOf: asOf, days: days) { financed.counts(from: $0, through: $1) }
    }

    public static func progress(_ t: TargetTerms, asOf: CivilDate, days: [DayTotals], financed: FinancedDays) -> TargetProgress {
        progress(t, asOf: asOf, sums: sums(t, asOf: asOf, days: days, financed: financed))
    }

    public static func progress(_ t: TargetTerms, asOf: CivilDate, sums: TargetSums) -> TargetProgress {
        let (achievedFen, achievedFirms, paceFen, paceFirms) = (sums.achievedFen, sums.achievedFirms, sums.paceFen, sums.paceFirms)
        let paceFrom = paceFrom(t, asOf: asOf)
        let remainingFen = max(0, t.amountFen - achievedFen)
        let remainingFirms = max(0, t.firmCount - achievedFirms)
        let monthsLeft = max(0, YearMonth(t.deadline).index - YearMonth(asOf).index)
        let windowDays = Int64(max(0, paceFrom.days(until: asOf) + 1))
        let daysLeft = Int64(max(0, asOf.days(until: t.deadline)))
        let projectedFen = windowDays == 0 ? achievedFen
            : achievedFen + Ratio.mulDiv(max(0, paceFen), daysLeft, windowDays)
        let projectedFirms = windowDays == 0 ? achievedFirms
            : achievedFirms + Ratio.mulDiv(max(0, paceFirms), daysLeft, windowDays)
        let status: ProgressStatus
        if achievedFen >= t.amountFen && achievedFirms >= t.firmCount {
            status = .achieved
        } else if asOf >= t.deadline {
            status = .missed
        } else if asOf < t.baselineDate {
            status = .notStarted
        } else if projectedFen >= t.amountFen && projectedFirms >= t.firmCount {
            status = .onTrack
        } else {
            status = .behind
        }
        let months = Int64(max(1, monthsLeft))
        return TargetProgress(
            target: t, asOf: asOf, achievedFen: achievedFen, achievedFirms: achievedFirms, firstTimeFirms: sums.firstTimeFirms,
            remainingFen: remainingFen, remainingFirms: remainingFirms,
            amountDoneBp: Ratio.mulDiv(max(0, achievedFen), 10_000, t.amountFen),
            firmsDoneBp: Ratio.mulDiv(max(0, achievedFirms), 10_000, t.firmCount),
            monthsLeft: monthsLeft,
            neededPerMonthFen: asOf >= t.deadline ? 0 : Ratio.ceilDiv(remainingFen, months),
            neededFirmsPerMonth: asOf >= t.deadline ? 0 : Ratio.ceilDiv(remainingFirms, months),
            paceFrom: paceFrom, pacePrincipalFen: paceFen, paceFirms: paceFirms,
            // A month is 365.25 / 12 days on average: 1461 / 48.
            paceMonthlyFen: windowDays == 0 ? 0 : Ratio.mulDiv(max(0, paceFen), 1461, 48 * windowDays),
            projectedFen: projectedFen, projectedFirms: projectedFirms, status: status)
    }
}
