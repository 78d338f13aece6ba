/// A loan application (贷款申请) as asked for: the assets default to the engine's suggested package.
public struct ApplicationInput: Sendable {
    public var firmId: Int64
    public var productId: Int64
    public var amountFen: Fen
    public var termMonths: Int
    public var assetIds: [Int64]?
    public var note: String?

    public init(firmId: Int64, productId: Int64, amountFen: Fen, termMonths: Int, assetIds: [Int64]?, note: String?) {
        self.firmId = firmId; self.productId = productId; self.amountFen = amountFen; self.termMonths = termMonths
        self.assetIds = assetIds; self.note = note
    }

    public func validated() throws(ValidationFailure) -> ApplicationInput {
        var c = Checker()
        c.range(amountFen, 1...Money.maxLoanAmount, field: "amountFen", label: Label("申请金额（分）", "Amount (fen)"))
        c.range(termMonths, 1...360, field: "termMonths", label: Label("期限（月）", "Term (months)"))
        if let ids = assetIds {
            c.require(!ids.isEmpty && ids.count <= 200, .init("asset_count", field: "assetIds",
                                                              zh: "质押资产须为 1 至 200 项", en: "Pledge 1 to 200 assets"))
            c.require(Set(ids).count == ids.count, .init("duplicate_asset", field: "assetIds",
                                                         zh: "质押资产不能重复", en: "An asset is listed twice"))
        }
        var result = self
        result.note = c.optionalText(note, field: "note", label: Label("备注", "Note"), max: 2000)
        try c.finish()
        return result
    }
}

/// A disbursement (放款) and its pledge registration (质押登记), recorded together.
public struct DisbursementInput: Sendable {
    /// The moment the money left; the loan's day and month are taken in Beijing time.
    public var disbursedAt: Timestamp
    public var maturityOn: String
    public var rateBp: Int
    public var registrationNumber: String
    public var registeredOn: String
    /// Defaults to the principal.
    public var securedAmountFen: Fen?

    public init(disbursedAt: Timestamp, maturityOn: String, rateBp: Int, registrationNumber: String, registeredOn: String,
                securedAmountFen: Fen?) {
        self.disbursedAt = disbursedAt; self.maturityOn = maturityOn; self.rateBp = rateBp
        self.registrationNumber = registrationNumber; self.registeredOn = registeredOn; self.securedAmountFen = securedAmountFen
    }

    public struct Valid: Sendable, Equatable {
        public var disbursedAt: Timestamp
        public var disbursedOn: CivilDate
        public var maturityOn: CivilDate
        public var rateBp: Int
        public var registrationNumber: String
        public var registeredOn: CivilDate
        public var securedAmountFen: Fen?
    }

    public func validated(today: CivilDate) throws(ValidationFailure) -> Valid {
        var c = Checker()
        let day = c.moment(disbursedAt, field: "disbursedAt", label: Label("放款时间", "Disbursement time")) ? disbursedAt.beijingDate : nil
        let maturity = c.date(maturityOn, field: "maturityOn", label: Label("到期日", "Maturity date"))
        let registered = c.date(registeredOn, field: "registeredOn", label: Label("质押登记日", "Registration date"))
        c.range(rateBp, 0...3600, field: "rateBp", label: Label("年利率（基点）", "Annual rate (basis points)"))
        let number = c.text(registrationNumber, field: "registrationNumber", label: Label("质押登记号", "Registration number"), max: 80)
        if let secured = securedAmountFen {
            c.range(secured, 1...Money.maxLoanAmount, field: "securedAmountFen", label: Label("担保金额（分）", "Secured amount (fen)"))
        }
        c.notAfter(today: today, day, field: "disbursedAt", label: Label("放款日", "The disbursement date"))
        c.ordered(day, maturity, field: "maturityOn", earlierLabel: Label("放款日", "the disbursement date"),
                  laterLabel: Label("到期日", "The maturity date"), allowEqual: false)
        c.notAfter(today: today, registered, field: "registeredOn", label: Label("质押登记日", "The registration date"))
        try c.finish()
        return Valid(disbursedAt: disbursedAt, disbursedOn: day!, maturityOn: maturity!, rateBp: rateBp,
                     registrationNumber: number, registeredOn: registered!, securedAmountFen: securedAmountFen)
    }
}

/// A new ledger entry on a loan: a repayment (还款), a default (违约), or a correction of an entry.
public struct EntryInput: Sendable {
    public var kind: LedgerEntry.Kind
    public var amountFen: Fen
    public var effectiveOn: String
    public var interestFen: Fen
    public var correctsId: Int64?
    public var reason: String?

    public init(kind: LedgerEntry.Kind, amountFen: Fen, effectiveOn: String, interestFen: Fen = 0, correctsId: Int64? = nil,
                reason: String? = nil) {
        self.kind = kind; self.amountFen = amountFen; self.effectiveOn = effectiveOn; self.interestFen = interestFen
        self.correctsId = correctsId; self.reason = reason
    }

    /// Checks the entry on its own and against the loan's entries so far; the database checks the
    /// totals again under the loan's row lock.
    public func validated(against entries: [LedgerEntry], disbursedOn: CivilDate, today: CivilDate) throws(ValidationFailure) -> LedgerEntry {
        var c = Checker()
        let day = c.date(effectiveOn, field: "effectiveOn", label: Label("业务日期", "Effective date"))
        c.ordered(disbursedOn, day, field: "effectiveOn", earlierLabel: Label("放款日", "the disbursement date"),
                  laterLabel: Label("业务日期", "The effective date"))
        c.notAfter(today: today, day, field: "effectiveOn", label: Label("业务日期", "The effective date"))
        c.require(interestFen >= 0 && interestFen <= Money.maxLoanAmount, .init("out_of_range", field: "interestFen",
                                                                          zh: "利息金额超出范围", en: "Interest out of range"))
        let reason = c.optionalText(reason, field: "reason", label: Label("原因", "Reason"), max: 2000)
        if let correctsId {
            c.require(reason != nil, .init("reason_required", field: "reason", zh: "更正必须说明原因", en: "A correction needs a reason"))
            c.require(amountFen != 0 && amountFen.magnitude <= Money.maxLoanAmount.magnitude, .init("out_of_range", field: "amountFen",
                                                                               zh: "更正金额不能为 0 且不能超出范围",
                                                                               en: "A correction's amount must be non-zero and in range"))
            if let target = entries.first(where: { $0.id == correctsId }) {
                c.require(target.kind == kind, .init("correction_kind", field: "kind",
                                                     zh: "更正的类型必须与被更正分录相同", en: "A correction must have the corrected entry's kind"))
            } else {
                c.add(.init("unknown_entry", field: "correctsId", zh: "该贷款没有这笔分录", en: "The loan has no such entry"))
            }
        } else {
            c.range(amountFen, 1...Money.maxLoanAmount, field: "amountFen", label: Label("金额（分）", "Amount (fen)"))
        }
        try c.finish()
        let entry = LedgerEntry(id: 0, kind: kind, amountFen: amountFen, effectiveOn: day!, interestFen: interestFen,
                                correctsId: correctsId, reason: reason)
        if let problem = LoanFigures(entries + [entry]).problem {
            throw ValidationFailure([problem])
        }
        return entry
    }
}

/// A renewal (续贷): a new loan on the same application that repays the old one's outstanding principal.
public struct RenewalInput: Sendable {
    /// The moment the new money left; its day is taken in Beijing time.
    public var disbursedAt: Timestamp
    public var principalFen: Fen
    public var maturityOn: String
    public var rateBp: Int
    public var reason: String?

    public init(disbursedAt: Timestamp, principalFen: Fen, maturityOn: String, rateBp: Int, reason: String?) {
        self.disbursedAt = disbursedAt; self.principalFen = principalFen; self.maturityOn = maturityOn
        self.rateBp = rateBp; self.reason = reason
    }

    public struct Valid: Sendable, Equatable {
        public var disbursedAt: Timestamp
        public var disbursedOn: CivilDate
        public var principalFen: Fen
        public var maturityOn: CivilDate
        public var rateBp: Int
        public var reason: String?
    }

    /// Checks the renewal against the loan it renews: on or after that loan's day, not after today,
    /// maturing after its own day.
    public func validated(renewing oldDisbursedOn: CivilDate, today: CivilDate) throws(ValidationFailure) -> Valid {
        var c = Checker()
        c.range(principalFen, 1...Money.maxLoanAmount, field: "principalFen", label: Label("续贷本金（分）", "Principal (fen)"))
        c.range(rateBp, 0...3600, field: "rateBp", label: Label("年利率（基点）", "Annual rate (basis points)"))
        let maturity = c.date(maturityOn, field: "maturityOn", label: Label("到期日", "Maturity date"))
        let day = c.moment(disbursedAt, field: "disbursedAt", label: Label("续贷放款时间", "Renewal time")) ? disbursedAt.beijingDate : nil
        c.ordered(oldDisbursedOn, day, field: "disbursedAt", earlierLabel: Label("原贷款放款日", "the old loan's disbursement"),
                  laterLabel: Label("续贷放款日", "The renewal date"))
        c.notAfter(today: today, day, field: "disbursedAt", label: Label("续贷放款日", "The renewal date"))
        c.ordered(day, maturity, field: "maturityOn", earlierLabel: Label("续贷放款日", "the renewal date"),
                  laterLabel: Label("到期日", "The maturity date"), allowEqual: false)
        let reason = c.optionalText(reason, field: "reason", label: Label("原因", "Reason"), max: 2000)
        try c.finish()
        guard let day, let maturity else { throw ValidationFailure([]) }
        return Valid(disbursedAt: disbursedAt, disbursedOn: day, principalFen: principalFen, maturityOn: maturity,
                     rateBp: rateBp, reason: reason)
    }
}
