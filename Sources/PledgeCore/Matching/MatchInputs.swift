/// What the matching engine knows of a firm: enough to decide gates and score, nothing else.
public struct MatchFirm: Sendable, Equatable {
    public var id: Int64
    /// For people reading a candidate list; plays no part in any decision.
    public var name: String
    public var industryCode: String
    /// The district plan names this industry a priority (industries.priority).
    public var priorityIndustry: Bool
    public var town: String
    public var size: FirmSize
    public var foundedOn: CivilDate
    public var annualRevenueFen: Fen?
    public var rdExpenseFen: Fen?
    public var totalAssetsFen: Fen?
    public var totalLiabilitiesFen: Fen?
    public var highTech: Bool
    public var specialized: Bool
    public var ipDemonstration: Bool
    public var badCredit: Bool
    /// Loans of this firm that ended in default (0 until the lifecycle records loans).
    public var defaultedLoans: Int

    public init(id: Int64, industryCode: String, priorityIndustry: Bool, town: String, size: FirmSize,
                foundedOn: CivilDate, annualRevenueFen: Fen? = nil, rdExpenseFen: Fen? = nil,
                totalAssetsFen: Fen? = nil, totalLiabilitiesFen: Fen? = nil, highTech: Bool = false,
                specialized: Bool = false, ipDemonstration: Bool = false, badCredit: Bool = false,
                defaultedLoans: Int = 0, name: String = "") {
        self.id = id; self.name = name; self.industryCode = industryCode; self.priorityIndustry = priorityIndustry; self.town = town
        self.size = size; self.foundedOn = foundedOn; self.annualRevenueFen = annualRevenueFen
        self.rdExpenseFen = rdExpenseFen; self.totalAssetsFen = totalAssetsFen
        self.totalLiabilitiesFen = totalLiabilitiesFen; self.highTech = highTech; self.specialized = specialized
        self.ipDemonstration = ipDemonstration; self.badCredit = badCredit; self.defaultedLoans = defaultedLoans
    }
}

/// The valuation the engine uses for an asset: its latest, not archived.
public struct MatchValuation: Sendable, Equatable {
    public var id: Int64
    public var valueFen: Fen
    public var valuationDate: CivilDate
    public var validUntil: CivilDate
    public init(id: Int64, valueFen: Fen, valuationDate: CivilDate, validUntil: CivilDate) {
        self.id = id; self.valueFen = valueFen; self.valuationDate = valuationDate; self.validUntil = validUntil
    }
}

public struct MatchAsset: Sendable, Equatable {
    public var id: Int64
    public var firmId: Int64
    public var type: IPType
    public var legalStatus: LegalStatus
    public var filingDate: CivilDate?
    public var grantDate: CivilDate?
    public var registrationDate: CivilDate?
    public var firstUseDate: CivilDate?
    public var expiryDate: CivilDate?
    public var renewalCount: Int
    public var niceClassCount: Int
    public var indicators: ValueIndicators
    /// Co-owners recorded for the asset, and how many of them have not consented to a pledge.
    public var coOwners: Int
    public var coOwnersWithoutConsent: Int
    public var valuation: MatchValuation?
    /// The active pledge that holds this asset, if any.
    public var pledgedBy: Int64?

    public init(id: Int64, firmId: Int64, type: IPType, legalStatus: LegalStatus, filingDate: CivilDate? = nil,
                grantDate: CivilDate? = nil, registrationDate: CivilDate? = nil, firstUseDate: CivilDate? = nil,
                expiryDate: CivilDate? = nil, renewalCount: Int = 0, niceClassCount: Int = 0,
                indicators: ValueIndicators = .init(), coOwners: Int = 0, coOwnersWithoutConsent: Int = 0,
                valuation: MatchValuation? = nil, pledgedBy: Int64? = nil) {
        self.id = id; self.firmId = firmId; self.type = type; self.legalStatus = legalStatus
        self.filingDate = filingDate; self.grantDate = grantDate; self.registrationDate = registrationDate
        self.firstUseDate = firstUseDate; self.expiryDate = expiryDate; self.renewalCount = renewalCount
        self.niceClassCount = niceClassCount; self.indicators = indicators; self.coOwners = coOwners
        self.coOwnersWithoutConsent = coOwnersWithoutConsent; self.valuation = valuation; self.pledgedBy = pledgedBy
    }
}

/// Score weights of a product (a bank's preferences); they sum to 100.
public struct ScoreWeights: Sendable, Equatable {
    public var ipValue: Int
    public var coverage: Int
    public var firmStrength: Int
    public var strategicFit: Int
    public var risk: Int

    public static let `default` = ScoreWeights(ipValue: 30, coverage: 25, firmStrength: 20, strategicFit: 15, risk: 10)

    public init(ipValue: Int, coverage: Int, firmStrength: Int, strategicFit: Int, risk: Int) {
        self.ipValue = ipValue; self.coverage = coverage; self.firmStrength = firmStrength
        self.strategicFit = strategicFit; self.risk = risk
    }

    /// Wrapping sum: weights come from request bodies and must never trap; validated() rejects overflow.
    public var total: Int { ipValue &+ coverage &+ firmStrength &+ strategicFit &+ risk }
}

public struct MatchProduct: Sendable, Equatable {
    public struct Term: Sendable, Equatable {
        public var loanToValueBp: Int
        public var minRemainingLifeMonths: Int
        public init(loanToValueBp: Int, minRemainingLifeMonths: Int) {
            self.loanToValueBp = loanToValueBp; self.minRemainingLifeMonths = minRemainingLifeMonths
        }
    }

    public var id: Int64
    public var bankId: Int64
    public var terms: [IPType: Term]
    public var minAmountFen: Fen
    public var maxAmountFen: Fen
    public var minTermMonths: Int
    public var maxTermMonths: Int
    /// Empty: any industry.
    public var eligibleIndustries: Set<String>
    public var valuationValidityMonths: Int
    public var minYearsOperating: Int
    public var minTrademarkUseYears: Int
    public var weights: ScoreWeights

    public init(id: Int64, bankId: Int64, terms: [IPType: Term], minAmountFen: Fen, maxAmountFen: Fen,
                minTermMonths: Int, maxTermMonths: Int, eligibleIndustries: Set<String> = [],
                valuationValidityMonths: Int = 12, minYearsOperating: Int = 2, minTrademarkUseYears: Int = 2,
                weights: ScoreWeights = .default) {
        self.id = id; self.bankId = bankId; self.terms = terms; self.minAmountFen = minAmountFen
        self.maxAmountFen = maxAmountFen; self.minTermMonths = minTermMonths; self.maxTermMonths = maxTermMonths
        self.eligibleIndustries = eligibleIndustries; self.valuationValidityMonths = valuationValidityMonths
        self.minYearsOperating = minYearsOperating; self.minTrademarkUseYears = minTrademarkUseYears
        self.weights = weights
    }
}

/// What is asked: as of which day, for how much (nil: as much as the product and the assets allow)
/// and for how long (nil: the product's longest term).
public struct LoanRequest: Sendable, Equatable {
    public var asOf: CivilDate
    public var amountFen: Fen?
    public var termMonths: Int?
    public init(asOf: CivilDate, amountFen: Fen? = nil, termMonths: Int? = nil) {
        self.asOf = asOf; self.amountFen = amountFen; self.termMonths = termMonths
    }
}

/// A licence to use a GI collective mark (地理标志集体商标使用许可), for batch credit.
public struct MatchLicence: Sendable, Equatable {
    public var id: Int64
    public var markAssetId: Int64
    public var licenseeFirmId: Int64
    public var validFrom: CivilDate
    public var validUntil: CivilDate
    public init(id: Int64, markAssetId: Int64, licenseeFirmId: Int64, validFrom: CivilDate, validUntil: CivilDate) {
        self.id = id; self.markAssetId = markAssetId; self.licenseeFirmId = licenseeFirmId
        self.validFrom = validFrom; self.validUntil = validUntil
    }
}
