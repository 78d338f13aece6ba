/// One disbursement entry (an original or a correction) as firm counting needs it.
public struct DisbursementFact: Sendable, Equatable {
    public let firmId: Int64
    public let loanId: Int64
    public let effectiveOn: CivilDate
    /// The Beijing day the ledger recorded it.
    public let knownOn: CivilDate
    /// Signed: a correction may take principal away.
    public let amountFen: Fen

    public init(firmId: Int64, loanId: Int64, effectiveOn: CivilDate, knownOn: CivilDate, amountFen: Fen) {
        self.firmId = firmId; self.loanId = loanId; self.effectiveOn = effectiveOn; self.knownOn = knownOn; self.amountFen = amountFen
    }
}

/// The days each firm was financed on, as the ledger stood at the end of an as-of day: the rule the
/// report rollups (migration 0010) keep and `ReportReference` computes in SQL.
///
/// A loan is disbursed on a day when the net of its disbursement entries dated that day and recorded
/// by the as-of day is positive: an original counts, a renewal is a loan like any other, and a
/// correction that takes the whole amount off a day (or moves it to another day) takes the day away.
/// A firm is financed on the days any of its loans was disbursed.
public struct FinancedDays: Sendable, Equatable {
    /// Each firm's financed days, in order.
    public let days: [Int64: [CivilDate]]

    public init(days: [Int64: [CivilDate]]) {
        self.days = days.mapValues { Array(Set($0)).sorted() }.filter { !$0.value.isEmpty }
    }

    public init(entries: [DisbursementFact], asOf: CivilDate) {
        struct LoanDay: Hashable { let firm: Int64; let loan: Int64; let day: CivilDate }
        var net: [LoanDay: Fen] = [:]
        for e in entries where e.knownOn <= asOf {
            net[LoanDay(firm: e.firmId, loan: e.loanId, day: e.effectiveOn), default: 0] += e.amountFen
        }
        var days: [Int64: [CivilDate]] = [:]
        for (k, amount) in net where amount > 0 { days[k.firm, default: []].append(k.day) }
        self.init(days: days)
    }

    /// 惠及企业: the distinct firms financed on at least one day of [from, through] (0 when the window is empty).
    public func firms(from: CivilDate, through: CivilDate) -> Int64 {
        guard from <= through else { return 0 }
        return Int64(days.values.filter { list in list.contains { $0 >= from && $0 <= through } }.count)
    }


    /// 首贷户: the firms whose first financed day in the whole ledger falls in [from, through].
    public func firstTimeFirms(from: CivilDate, through: CivilDate) -> Int64 {
        guard from <= through else { return 0 }
        return Int64(days.values.filter { list in list.first.map { $0 >= from && $0 <= through } ?? false }.count)
    }

    public func counts(from: CivilDate, through: CivilDate) -> FirmCounts {
        FirmCounts(financed: firms(from: from, through: through), firstTime: firstTimeFirms(from: from, through: through))
    }
}

/// The two firm figures of a period.
public struct FirmCounts: Sendable, Equatable {
    /// 惠及企业: distinct firms financed in the period.
    public let financed: Int64
    /// 首贷户: of those, the firms financed for the first time in the whole ledger.
    public let firstTime: Int64
}
