extension MatchEngine {
    /// A product prepared for ranking every firm on one day. The gates' calendar arithmetic
    /// (a valuation's acceptance window, a right's remaining life, years of use or of operation)
    /// becomes one date each to compare against, and the terms are found by the type's position
    /// instead of a dictionary lookup: ranking 100 million firm–product pairs spent most of its
    /// time hashing the IP type and adding months. Each date is the boundary of the `GateRule`
    /// predicate itself, found by bisection, so the two cannot disagree (held by a test).
    /// A class, immutable and shared: as a struct each firm–product pair copied the product's
    /// dictionaries and arrays (retain and release of every reference in it), a fifth of the
    /// national tier's build.
    public final class RankPlan: Sendable {
        public let product: MatchProduct
        let asOf: CivilDate
        let terms: MatchTerms
        /// By `IPType.position`.
        let typeTerms: [MatchProduct.Term?]
        /// By `IPType.position`: the earliest expiry that leaves the type's minimum remaining life.
        let lifeFrom: [CivilDate?]
        /// The earliest valuation date the product still accepts.
        let valuedFrom: CivilDate?
        /// The latest start of use that completes the product's years of trademark use.
        let usedSince: CivilDate?
        /// The latest founding date that completes the product's years of operation.
        let foundedBy: CivilDate?
        let termFits: Bool

        public init(_ product: MatchProduct, asOf d: CivilDate) {
            self.product = product
            asOf = d
            terms = MatchTerms(asOf: d, termMonths: product.maxTermMonths)
            typeTerms = IPType.allCases.map { product.terms[$0] }
            lifeFrom = typeTerms.map { term in
                term.flatMap { t in Bisect.firstDay { GateRule.remainingLife(expiry: $0, minMonths: t.minRemainingLifeMonths, asOf: d) } }
            }
            valuedFrom = Bisect.firstDay { $0.adding(months: product.valuationValidityMonths) >= d }
            usedSince = Bisect.lastDay { $0.adding(years: product.minTrademarkUseYears) <= d }
            foundedBy = Bisect.lastDay { $0.adding(years: product.minYearsOperating) <= d }
            termFits = GateRule.termInRange(terms.termMonths, product)
        }

        /// `GateRule.yearsOperating`, `creditClean`, `industryAccepted` and `termInRange`: what the
        /// firm alone decides, before any asset is looked at.
        func firmPasses(_ f: MatchFirm) -> Bool {
            guard termFits, let foundedBy, f.foundedOn <= foundedBy, GateRule.creditClean(f) else { return false }
            return GateRule.industryAccepted(f, product)
        }

        /// The asset gates that read the product (`outlivesLoan`, `remainingLife`, `trademarkInUse`,
        /// `valuationCurrent`), for an asset whose other gates (`RankBasis.free`) passed.
        func assetPasses(_ a: MatchAsset, position: Int) -> Bool {
            if let expiry = a.expiryDate {
                guard terms.loanEnd < expiry, let from = lifeFrom[position], expiry >= from else { return false }
            } else if !GateRule.expiryUnknownPasses(a) {
                return false
            }
            if GateRule.appliesTrademarkUse(a.type) {
                guard let start = GateRule.useStart(a), let usedSince, start <= usedSince else { return false }
            }
            guard let v = a.valuation, v.validUntil >= asOf, let valuedFrom else { return false }
            return v.valuationDate >= valuedFrom
        }
    }
}

extension IPType {
    /// By the case, not the raw string (which a raw-valued enum hashes by default): the engine
    /// looks a product's terms up by type for every asset it judges.
    public func hash(into hasher: inout Hasher) { hasher.combine(position) }

    /// The type's place in `allCases`, for tables indexed by type.
    public var position: Int {
        switch self {
        case .invention: 0
        case .utilityModel: 1
        case .design: 2
        case .trademark: 3
        case .giCollectiveMark: 4
        case .copyright: 5
        }
    }
}

/// The boundary day of a rule that flips once as the day moves forward, over the whole calendar.
enum Bisect {
    private static let first = CivilDate.earliest.daysSinceEpoch, last = CivilDate.latest.daysSinceEpoch

    /// The first day from which `holds` is true for good; nil when it never is.
    static func firstDay(where holds: (CivilDate) -> Bool) -> CivilDate? {
        guard holds(.latest) else { return nil }
        var lo = first, hi = last   // holds(hi); the answer is in lo...hi
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if holds(CivilDate(daysSinceEpoch: mid)) { hi = mid } else { lo = mid + 1 }
        }
        return CivilDate(daysSinceEpoch: lo)
    }

    /// The last day up to which `holds` is true, false after; nil when it never is.
    static func lastDay(where holds: (CivilDate) -> Bool) -> CivilDate? {
        guard holds(.earliest) else { return nil }
        guard let end = firstDay(where: { !holds($0) }) else { return .latest }
        return end.adding(days: -1)
    }
}
