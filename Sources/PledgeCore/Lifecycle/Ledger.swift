/// One posted entry of a loan's ledger. Never changed: a correction is another entry naming it.
public struct LedgerEntry: Sendable, Equatable {
    public enum Kind: String, CaseIterable, Sendable, Labelled {
        case disbursement, repayment, `default`

        public var label: Label {
            switch self {
            case .disbursement: Label("放款", "Disbursement")
            case .repayment: Label("还款", "Repayment")
            case .default: Label("违约", "Default")
            }
        }
    }

    public var id: Int64
    public var kind: Kind
    /// Positive for originals; a correction's signed change.
    public var amountFen: Fen
    public var effectiveOn: CivilDate
    public var interestFen: Fen
    public var correctsId: Int64?
    public var reason: String?

    public init(id: Int64, kind: Kind, amountFen: Fen, effectiveOn: CivilDate, interestFen: Fen = 0, correctsId: Int64? = nil,
                reason: String? = nil) {
        self.id = id; self.kind = kind; self.amountFen = amountFen; self.effectiveOn = effectiveOn
        self.interestFen = interestFen; self.correctsId = correctsId; self.reason = reason
    }
}

/// A loan's figures, derived from its entries and from nothing else.
public struct LoanFigures: Sendable, Equatable {
    public var principalFen: Fen = 0
    public var repaidFen: Fen = 0
    public var defaultedFen: Fen = 0
    public var interestPaidFen: Fen = 0
    public var outstandingFen: Fen { principalFen - repaidFen }

    public enum Status: String, CaseIterable, Sendable, Labelled {
        case active, repaid, defaulted

        public var label: Label {
            switch self {
            case .active: Label("正常", "Active")
            case .repaid: Label("已结清", "Repaid")
            case .defaulted: Label("已违约", "Defaulted")
            }
        }
    }

    public var status: Status {
        if defaultedFen > 0 { return .defaulted }
        return outstandingFen == 0 && principalFen > 0 ? .repaid : .active
    }

    public init(_ entries: [LedgerEntry]) {
        for e in entries {
            switch e.kind {
            case .disbursement: principalFen += e.amountFen
            case .repayment: repaidFen += e.amountFen; interestPaidFen += e.interestFen
            case .default: defaultedFen += e.amountFen
            }
        }
    }

    /// What makes these totals impossible, if anything (the same rules as loan_entries_check).
    public var problem: FieldError? {
        if principalFen <= 0 {
            return .init("principal_not_positive", field: "amountFen", zh: "更正后本金必须大于 0",
                         en: "The principal must stay positive")
        }
        if repaidFen < 0 || repaidFen > principalFen {
            return .init("overpaid", field: "amountFen",
                         zh: "还款合计 \(Money.yuanText(repaidFen)) 超出本金 \(Money.yuanText(principalFen))或为负",
                         en: "Repayments of \(Money.yuanText(repaidFen)) would exceed the principal of \(Money.yuanText(principalFen)) or be negative")
        }
        if defaultedFen < 0 || defaultedFen > principalFen {
            return .init("default_out_of_range", field: "amountFen", zh: "违约金额超出本金或为负",
                         en: "The defaulted amount would exceed the principal or be negative")
        }
        return nil
    }
}

/// The ledger's rules beyond one entry's own checks (EntryInput.validated): who may record what on
/// which loan, what an entry does to its application, and the two entries a renewal writes. The
/// database checks the totals again (loan_entries_check, 0004_lifecycle.sql) as the last line of defence.
public enum LedgerRules {
    public enum Refusal: Error, Equatable, Sendable {
        /// Only bank officers record repayments, defaults and corrections.
        case notBankOfficer
        /// The principal changes only by a correction.
        case principalByCorrection
        /// A renewed loan takes no more entries: they go on the loan that replaced it.
        case loanRenewed(newLoanId: Int64)
        /// A default is recorded only on a disbursed application.
        case notDisbursed(ApplicationState)
    }

    /// Why `role` may not record an entry of `kind` on the loan, if it may not. Corrections are
    /// judged by EntryInput alone.
    public static func refusal(recording kind: LedgerEntry.Kind, correcting: Bool, by role: Role?, renewedBy: Int64?,
                               applicationState: ApplicationState) -> Refusal? {
        guard role == .bankOfficer else { return .notBankOfficer }
        if correcting { return nil }
        if kind == .disbursement { return .principalByCorrection }
        if let renewedBy { return .loanRenewed(newLoanId: renewedBy) }
        if kind == .default, applicationState != .disbursed { return .notDisbursed(applicationState) }
        return nil
    }

    /// What a new entry does to its application: the repayment that clears the live loan settles it,
    /// a default marks it defaulted. Corrections change figures only, never the state.
    public static func consequence(of entry: LedgerEntry, after entries: [LedgerEntry], renewed: Bool,
                                   applicationState: ApplicationState) -> ApplicationAction? {
        guard entry.correctsId == nil, !renewed, applicationState == .disbursed else { return nil }
        if entry.kind == .default { return .markDefault }
        if entry.kind == .repayment, LoanFigures(entries + [entry]).outstandingFen == 0 { return .settle }
        return nil
    }

    /// Only an active loan that was not renewed yet can be renewed.
    public static func renewable(renewedBy: Int64?, figures: LoanFigures) -> Bool {
        renewedBy == nil && figures.status == .active
    }

    /// A renewal's entries: the old loan's outstanding principal repaid on the renewal day (none when
    /// nothing is outstanding), and the new loan's principal.
    public static func renewalEntries(old entries: [LedgerEntry], principalFen: Fen, on day: CivilDate,
                                      reason: String?) -> (closing: LedgerEntry?, opening: LedgerEntry) {
        let outstanding = LoanFigures(entries).outstandingFen
        let closing = outstanding > 0
            ? LedgerEntry(id: 0, kind: .repayment, amountFen: outstanding, effectiveOn: day, reason: reason ?? "续贷结清 / repaid by renewal")
            : nil
        return (closing, LedgerEntry(id: 0, kind: .disbursement, amountFen: principalFen, effectiveOn: day))
    }
}
