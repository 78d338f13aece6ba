/// One firm–product pair in the fast path: what a ranking of many firms needs, and nothing to read.
public struct RankEntry: Sendable, Equatable {
    public var firmId: Int64
    public var eligible: Bool
    public var capacityFen: Fen
    public var centiPoints: Int
    public init(firmId: Int64, eligible: Bool, capacityFen: Fen, centiPoints: Int) {
        self.firmId = firmId; self.eligible = eligible; self.capacityFen = capacityFen; self.centiPoints = centiPoints
    }
}

/// The matching engine: pure functions of the firm, its assets, the product and the request.
/// Integer arithmetic only, so the result is exact and the SQL reference (docs/matching.md) can agree
/// with it to the fen and the hundredth of a point.
public enum MatchEngine {
    /// Full evaluation of one firm–product pair, with every gate's verdict and text, capacity, package, score.
    /// `memo` may be shared by the calls for one firm, its assets and one request day (`GateMemo`).
    public static func evaluate(firm: MatchFirm, assets: [MatchAsset], product: MatchProduct, request: LoanRequest,
                                memo: GateMemo = GateMemo()) -> MatchResult {
        let t = MatchTerms(request: request, product: product)
        let sorted = assets.sorted { $0.id < $1.id }
        let verdicts = sorted.map { AssetGates.judge($0, ownerId: firm.id, product: product, terms: t, memo: memo) }

        var count = 0, uncapped: Fen = 0, bestPoints = 0
        var best: MatchAsset?
        var values: [Int64: Fen] = [:]
        for (asset, verdict) in zip(sorted, verdicts) where verdict.eligible {
            count += 1
            uncapped = Scoring.add(uncapped, verdict.lendableFen)
            values[asset.id] = asset.valuation?.valueFen ?? 0
            // Strictly greater: among equally valued assets the lowest id explains the score.
            if best == nil || verdict.valuePoints > bestPoints { best = asset; bestPoints = verdict.valuePoints }
        }
        let capacity = min(uncapped, product.maxAmountFen)
        let amount = request.amountFen ?? capacity

        let firmGates = [
            FirmGates.yearsOperating(firm, years: product.minYearsOperating, t),
            FirmGates.creditRecord(firm),
            FirmGates.industry(firm, product),
            FirmGates.amountInRange(amount, defaulted: request.amountFen == nil, product),
            FirmGates.termInRange(t, product),
            FirmGates.hasEligibleAsset(count: count, uncappedFen: uncapped, amount: amount),
        ]
        let eligible = firmGates.allSatisfy(\.passed)
        let package = package(for: amount, among: verdicts, values: values)
        let shortfall = package == nil && amount > uncapped ? amount - uncapped : 0

        let basis = ScoreBasis(eligibleCount: count, bestPoints: bestPoints, uncappedFen: uncapped,
                               coverageBaseFen: request.amountFen ?? product.maxAmountFen)
        let score = Scoring.score(product.weights, firm: firm, basis: basis, best: best, asOf: t.asOf, memo: memo)
        let summary = summarize(eligible: eligible, firmGates: firmGates, amount: amount, capacity: capacity,
                                package: package, shortfall: shortfall, score: score.centiPoints, terms: t)
        return MatchResult(firmId: firm.id, productId: product.id, request: request, amountFen: amount,
                           termMonths: t.termMonths, firmGates: firmGates, assets: verdicts, capacityFen: capacity,
                           package: package, shortfallFen: shortfall, score: score, eligible: eligible,
                           summaryZh: summary.zh, summaryEn: summary.en)
    }

    /// The same decision without building any text, for ranking 100,000 firms quickly. Agrees with
    /// `evaluate(…, request: LoanRequest(asOf: asOf))` on eligible, capacity and score.
    public static func rank(firm: MatchFirm, assets: [MatchAsset], product: MatchProduct, asOf: CivilDate) -> RankEntry {
        rank(RankBasis(firm: firm, assets: assets, asOf: asOf), product: product)
    }

    /// What ranking a firm needs that no product changes: each asset's value points, whether it
    /// passes the gates no product changes, and the firm's score qualities. Computed once, a firm
    /// is ranked under 200 products without redoing them.
    public struct RankBasis: Sendable {
        public let firm: MatchFirm
        public let assets: [MatchAsset]
        public let asOf: CivilDate
        let points: [Int]
        /// In force, held freely by the firm and not pledged (`GateRule`), whatever the product.
        let free: [Bool]
        let firmStrength: Int
        let strategicFit: Int
        let risk: Int

        public init(firm: MatchFirm, assets: [MatchAsset], asOf: CivilDate) {
            self.firm = firm
            self.assets = assets
            self.asOf = asOf
            points = assets.map { AssetValue.points($0, asOf: asOf) }
            free = assets.map {
                GateRule.inForce($0, asOf: asOf) && GateRule.ownedFreely($0, by: firm.id) && GateRule.notPledged($0)
            }
            firmStrength = Scoring.FirmStrength(firm, asOf: asOf).q
            strategicFit = Scoring.strategicFit(firm)
            risk = Scoring.Risk(firm).q
        }
    }

    /// `rank` from a prepared basis: the same gates and formulas, in the same order.
    public static func rank(_ basis: RankBasis, product: MatchProduct) -> RankEntry {
        rank(basis, plan: RankPlan(product, asOf: basis.asOf), onlyEligible: false)!
    }

    /// The entry when the firm is eligible, else nil, without looking at its assets when the firm
    /// alone fails: the index keeps only eligible firms. `plan` must be for the basis's day.
    public static func eligibleRank(_ basis: RankBasis, plan: RankPlan) -> RankEntry? {
        rank(basis, plan: plan, onlyEligible: true)
    }

    private static func rank(_ basis: RankBasis, plan: RankPlan, onlyEligible: Bool) -> RankEntry? {
        let firm = basis.firm, product = plan.product
        let firmPasses = plan.firmPasses(firm)
        if onlyEligible && !firmPasses { return nil }
        var count = 0, uncapped: Fen = 0, bestPoints = 0
        for i in basis.assets.indices where basis.free[i] {
            let a = basis.assets[i], position = a.type.position
            guard let term = plan.typeTerms[position], plan.assetPasses(a, position: position) else { continue }
            count += 1
            uncapped = Scoring.add(uncapped, GateRule.lendable(a, term))
            bestPoints = max(bestPoints, basis.points[i])
        }
        let capacity = min(uncapped, product.maxAmountFen)
        // With no amount asked, the amount is the capacity, so `uncapped ≥ amount` holds by construction.
        let eligible = firmPasses
            && GateRule.amountInRange(capacity, product)
            && GateRule.hasEligibleAsset(count: count, uncappedFen: uncapped, amount: capacity)
        if onlyEligible && !eligible { return nil }
        let scoreBasis = ScoreBasis(eligibleCount: count, bestPoints: bestPoints, uncappedFen: uncapped,
                                    coverageBaseFen: product.maxAmountFen)
        let centi = Scoring.centiPoints(product.weights, basis: scoreBasis, firmStrength: basis.firmStrength,
                                        strategicFit: basis.strategicFit, risk: basis.risk)
        return RankEntry(firmId: firm.id, eligible: eligible, capacityFen: capacity, centiPoints: centi)
    }

    static func summarize(eligible: Bool, firmGates: [GateResult], amount: Fen, capacity: Fen, package: PledgePackage?,
                          shortfall: Fen, score: Int, terms t: MatchTerms) -> Label {
        let pts = MatchText.points(centi: score)
        var zh: String, en: String
        if eligible {
            zh = "符合准入条件：可贷额度 \(MatchText.yuan(capacity))"
            en = "Eligible: capacity \(MatchText.yuan(capacity))"
        } else {
            let failed = firmGates.filter { !$0.passed }
            zh = "不符合准入条件：" + failed.map(\.zh).joined(separator: "；")
            en = "Not eligible: " + failed.map(\.en).joined(separator: "; ")
        }
        if let package {
            let n = package.assetIds.count
            zh += "；\(MatchText.yuan(amount))、\(t.termMonths) 个月需质押 \(n) 项资产（\(MatchText.ids(package.assetIds, zh: true))），评估值合计 \(MatchText.yuan(package.pledgedValueFen))，可贷 \(MatchText.yuan(package.lendableFen))"
            en += "; \(MatchText.yuan(amount)) for \(t.termMonths) months needs \(n) asset\(n == 1 ? "" : "s") pledged (\(MatchText.ids(package.assetIds, zh: false))), appraised at \(MatchText.yuan(package.pledgedValueFen)) and supporting \(MatchText.yuan(package.lendableFen))"
        } else if shortfall > 0 {
            zh += "；合格押品不足以覆盖 \(MatchText.yuan(amount))，缺口 \(MatchText.yuan(shortfall))"
            en += "; the eligible collateral falls \(MatchText.yuan(shortfall)) short of \(MatchText.yuan(amount))"
        }
        zh += "；评分 \(pts) 分。"
        en += "; score \(pts)."
        return Label(zh, en)
    }
}
