/// Stable codes of the hard gates (准入条件). Raw values are API codes.
public enum GateCode: String, CaseIterable, Sendable {
    // Per asset
    case assetTypeAccepted = "asset_type_accepted"
    case assetInForce = "asset_in_force"
    case assetOwnership = "asset_ownership"
    case assetNotPledged = "asset_not_pledged"
    case assetOutlivesLoan = "asset_outlives_loan"
    case assetRemainingLife = "asset_remaining_life"
    case trademarkInUse = "trademark_in_use"
    case valuationCurrent = "valuation_current"
    // Per firm and product
    case firmYearsOperating = "firm_years_operating"
    case firmCreditRecord = "firm_credit_record"
    case firmIndustry = "firm_industry"
    case amountInRange = "amount_in_range"
    case termInRange = "term_in_range"
    case hasEligibleAsset = "has_eligible_asset"
    // GI batch credit
    case licenceInForce = "licence_in_force"
}

/// One gate's verdict, with the numbers that decided it in both languages.
public struct GateResult: Sendable, Equatable {
    public var code: GateCode
    public var passed: Bool
    public var zh: String
    public var en: String
    public init(code: GateCode, passed: Bool, zh: String, en: String) {
        self.code = code; self.passed = passed; self.zh = zh; self.en = en
    }
}

public struct AssetVerdict: Sendable, Equatable {
    public var assetId: Int64
    public var type: IPType
    public var gates: [GateResult]
    public var eligible: Bool { gates.allSatisfy(\.passed) }
    /// Value × the product's loan-to-value for the type; 0 when not eligible.
    public var lendableFen: Fen
    /// The asset's own value score, 0–100 (GB/T 42748-style legal, technical, economic indicators).
    public var valuePoints: Int
    public init(assetId: Int64, type: IPType, gates: [GateResult], lendableFen: Fen, valuePoints: Int) {
        self.assetId = assetId; self.type = type; self.gates = gates; self.lendableFen = lendableFen
        self.valuePoints = valuePoints
    }
}

public enum ScoreFactorCode: String, CaseIterable, Sendable {
    case ipValue = "ip_value"
    case coverage
    case firmStrength = "firm_strength"
    case strategicFit = "strategic_fit"
    case risk
}

/// One factor's contribution: `points` out of `weight`, in hundredths so sums are exact.
public struct ScoreFactor: Sendable, Equatable {
    public var code: ScoreFactorCode
    public var weight: Int
    /// 0 … weight × 100.
    public var centiPoints: Int
    public var zh: String
    public var en: String
    public init(code: ScoreFactorCode, weight: Int, centiPoints: Int, zh: String, en: String) {
        self.code = code; self.weight = weight; self.centiPoints = centiPoints; self.zh = zh; self.en = en
    }
}

public struct Score: Sendable, Equatable {
    public var factors: [ScoreFactor]
    /// 0 … 10000 (a score of 0–100 in hundredths): the sum of the factors.
    public var centiPoints: Int { factors.reduce(0) { $0 + $1.centiPoints } }
    public init(factors: [ScoreFactor]) { self.factors = factors }
}

/// The assets chosen to secure a loan, and how much they support.
public struct PledgePackage: Sendable, Equatable {
    public var assetIds: [Int64]
    public var lendableFen: Fen
    public var pledgedValueFen: Fen
    public init(assetIds: [Int64], lendableFen: Fen, pledgedValueFen: Fen) {
        self.assetIds = assetIds; self.lendableFen = lendableFen; self.pledgedValueFen = pledgedValueFen
    }
}

/// A firm–product pair, fully explained.
public struct MatchResult: Sendable, Equatable {
    public var firmId: Int64
    public var productId: Int64
    public var request: LoanRequest
    /// The amount and term the result was computed for (request's, or the defaults it implies).
    public var amountFen: Fen
    public var termMonths: Int
    public var firmGates: [GateResult]
    public var assets: [AssetVerdict]
    /// Σ eligible value × loan-to-value, capped by the product's maximum.
    public var capacityFen: Fen
    public var package: PledgePackage?
    /// How much the eligible assets fall short of the amount; 0 when a package covers it.
    public var shortfallFen: Fen
    public var score: Score
    public var eligible: Bool
    public var summaryZh: String
    public var summaryEn: String
    public init(firmId: Int64, productId: Int64, request: LoanRequest, amountFen: Fen, termMonths: Int,
                firmGates: [GateResult], assets: [AssetVerdict], capacityFen: Fen, package: PledgePackage?,
                shortfallFen: Fen, score: Score, eligible: Bool, summaryZh: String, summaryEn: String) {
        self.firmId = firmId; self.productId = productId; self.request = request; self.amountFen = amountFen
        self.termMonths = termMonths; self.firmGates = firmGates; self.assets = assets; self.capacityFen = capacityFen
        self.package = package; self.shortfallFen = shortfallFen; self.score = score; self.eligible = eligible
        self.summaryZh = summaryZh; self.summaryEn = summaryEn
    }
}

/// One licensee's share of a GI batch line (地理标志批量授信).
public struct BatchShare: Sendable, Equatable {
    public var firmId: Int64
    public var licenceId: Int64
    public var gates: [GateResult]
    public var eligible: Bool { gates.allSatisfy(\.passed) }
    public var shareFen: Fen
    public init(firmId: Int64, licenceId: Int64, gates: [GateResult], shareFen: Fen) {
        self.firmId = firmId; self.licenceId = licenceId; self.gates = gates; self.shareFen = shareFen
    }
}

public struct BatchCredit: Sendable, Equatable {
    public var markAssetId: Int64
    public var productId: Int64
    public var markGates: [GateResult]
    /// The mark's value × the product's loan-to-value for GI marks, capped by the product maximum × licensees.
    public var lineFen: Fen
    public var shares: [BatchShare]
    public init(markAssetId: Int64, productId: Int64, markGates: [GateResult], lineFen: Fen, shares: [BatchShare]) {
        self.markAssetId = markAssetId; self.productId = productId; self.markGates = markGates
        self.lineFen = lineFen; self.shares = shares
    }
}
