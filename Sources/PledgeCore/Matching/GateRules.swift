/// The dates a request implies. Every gate reads D (the day of the decision) or E (the loan's end),
/// never a clock, so a result can be recomputed — and checked by SQL — for any day.
struct MatchTerms: Sendable {
    /// D: the day the gates and scores are measured.
    let asOf: CivilDate
    let termMonths: Int
    /// E = D + term months (month-end clamped): the day the loan ends.
    let loanEnd: CivilDate

    /// Terms beyond 0…6000 months fail `term_in_range` anyway; E is computed with the term clamped so an
    /// absurd what-if term cannot run the calendar past year 9999 and trap.
    static let computableMonths = 0...6_000

    init(asOf: CivilDate, termMonths: Int) {
        self.asOf = asOf
        self.termMonths = termMonths
        self.loanEnd = asOf.adding(months: min(max(termMonths, Self.computableMonths.lowerBound),
                                               Self.computableMonths.upperBound))
    }

    init(request: LoanRequest, product: MatchProduct) {
        self.init(asOf: request.asOf, termMonths: request.termMonths ?? product.maxTermMonths)
    }
}

/// The pass/fail predicates behind every gate. `evaluate` (with text) and `rank` (without) both call
/// these and nothing else, so the fast ranking cannot drift from the explained result.
enum GateRule {
    // MARK: Per asset

    static func typeAccepted(_ a: MatchAsset, _ p: MatchProduct) -> Bool { p.terms[a.type] != nil }

    /// Expiry D itself still passes: the expiry date is the last protected day.
    static func inForce(_ a: MatchAsset, asOf d: CivilDate) -> Bool {
        guard a.legalStatus == .inForce else { return false }
        if let expiry = a.expiryDate { return expiry >= d }
        return true
    }

    /// The pledgor must be the registered holder, and every co-owner must have consented.
    static func ownedFreely(_ a: MatchAsset, by ownerId: Int64) -> Bool {
        a.firmId == ownerId && a.coOwnersWithoutConsent == 0
    }

    static func notPledged(_ a: MatchAsset) -> Bool { a.pledgedBy == nil }

    /// A copyright's term is not in doubt when its date is missing (a legal person's work runs 50
    /// years); a patent's or mark's could be anything, so a bank cannot register the pledge.
    static func expiryUnknownPasses(_ a: MatchAsset) -> Bool { a.type == .copyright }

    /// Strict: on the expiry day itself the right is about to end, and the pledge must cover the loan's
    /// last day with a day to spare, so expiry == E fails.
    static func outlivesLoan(_ a: MatchAsset, loanEnd e: CivilDate) -> Bool {
        guard let expiry = a.expiryDate else { return expiryUnknownPasses(a) }
        return e < expiry
    }

    /// Equivalent to `D + min months ≤ expiry` (what SQL computes): whole months from D to expiry ≥ min.
    static func remainingLife(_ a: MatchAsset, minMonths: Int, asOf d: CivilDate) -> Bool {
        guard let expiry = a.expiryDate else { return expiryUnknownPasses(a) }
        return remainingLife(expiry: expiry, minMonths: minMonths, asOf: d)
    }

    static func remainingLife(expiry: CivilDate, minMonths: Int, asOf d: CivilDate) -> Bool {
        expiry >= d && d.wholeMonths(until: expiry) >= minMonths
    }

    /// Use is counted from first use when known, else from registration (a registered mark is
    /// presumed in use); the product's years must be complete on or before D.
    static func useStart(_ a: MatchAsset) -> CivilDate? { a.firstUseDate ?? a.registrationDate }

    static func trademarkInUse(_ a: MatchAsset, years: Int, asOf d: CivilDate) -> Bool {
        guard let start = useStart(a) else { return false }
        return start.adding(years: years) <= d
    }

    /// Two limits apply: the report's own validity, and the bank's acceptance window counted from the
    /// valuation date. Both are inclusive of D.
    static func valuationCurrent(_ a: MatchAsset, validityMonths: Int, asOf d: CivilDate) -> Bool {
        guard let v = a.valuation else { return false }
        return v.validUntil >= d && v.valuationDate.adding(months: validityMonths) >= d
    }

    static func appliesTrademarkUse(_ type: IPType) -> Bool { type.isMark }

    /// value × loan-to-value, floored to the fen; what the asset can secure if it passes its gates.
    static func lendable(_ a: MatchAsset, _ p: MatchProduct) -> Fen {
        guard let term = p.terms[a.type] else { return 0 }
        return lendable(a, term)
    }

    static func lendable(_ a: MatchAsset, _ term: MatchProduct.Term) -> Fen {
        guard let value = a.valuation?.valueFen else { return 0 }
        return Money.apply(basisPoints: BasisPoints(clamping: term.loanToValueBp), to: max(0, value))
    }

    // MARK: Per firm

    static func yearsOperating(_ f: MatchFirm, years: Int, asOf d: CivilDate) -> Bool {
        f.foundedOn.adding(years: years) <= d
    }

    static func creditClean(_ f: MatchFirm) -> Bool { !f.badCredit && f.defaultedLoans == 0 }

    static func industryAccepted(_ f: MatchFirm, _ p: MatchProduct) -> Bool {
        p.eligibleIndustries.isEmpty || p.eligibleIndustries.contains(f.industryCode)
    }

    static func amountInRange(_ amount: Fen, _ p: MatchProduct) -> Bool {
        p.minAmountFen <= amount && amount <= p.maxAmountFen
    }

    static func termInRange(_ months: Int, _ p: MatchProduct) -> Bool {
        p.minTermMonths <= months && months <= p.maxTermMonths
    }

    static func hasEligibleAsset(count: Int, uncappedFen: Fen, amount: Fen) -> Bool {
        count >= 1 && uncappedFen >= amount
    }

    // MARK: GI batch credit

    /// The licence must be this firm's, for this mark, and cover the whole loan: D through E inclusive.
    static func licenceCoversLoan(_ l: MatchLicence, firmId: Int64, markId: Int64, terms t: MatchTerms) -> Bool {
        l.markAssetId == markId && l.licenseeFirmId == firmId && l.validFrom <= t.asOf && l.validUntil >= t.loanEnd
    }
}
