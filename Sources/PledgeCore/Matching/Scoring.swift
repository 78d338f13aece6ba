/// What the score reads of a firm–product pair once the asset gates are decided.
struct ScoreBasis {
    var eligibleCount: Int
    var bestPoints: Int
    /// Σ lendable over eligible assets, before the product's maximum.
    var uncappedFen: Fen
    /// The amount coverage is measured against: the requested amount, else the product's maximum.
    var coverageBaseFen: Fen
}

/// The five factors, each a quality q in 0…100 times the product's weight, so every factor's points
/// are exact hundredths of the final 0–100 score. Only integers and floor division: the SQL
/// reference copies these lines.
enum Scoring {
    /// floor(a × b / c) for a, b ≥ 0 and c > 0 in 128-bit arithmetic, saturating at `Fen.max`. Validated
    /// inputs never come near the limit; this keeps an unvalidated caller from trapping the process.
    static func mulDiv(_ a: Fen, _ b: Fen, _ c: Fen) -> Fen {
        precondition(a >= 0 && b >= 0 && c > 0)
        let wide = a.magnitude.multipliedFullWidth(by: b.magnitude)
        if wide.high >= c.magnitude { return .max }
        let q = c.magnitude.dividingFullWidth(wide).quotient
        return q > UInt64(Fen.max) ? .max : Fen(q)
    }

    /// a + b saturating at `Fen.max`, for sums of amounts an unvalidated caller might make absurd.
    static func add(_ a: Fen, _ b: Fen) -> Fen {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    /// The best asset carries most of the weight (a bank lends against its strongest right); the count
    /// rewards a spread of eligible rights, up to ten. More or better eligible assets never lower q.
    static func ipValue(count: Int, best: Int) -> Int {
        count == 0 ? 0 : (7 * best + 3 * min(count, 10) * 10) / 10
    }

    static func coverage(uncapped: Fen, base: Fen) -> Int {
        if base <= 0 || uncapped >= base { return 100 }
        return Int(mulDiv(max(0, uncapped), 100, base))
    }

    struct FirmStrength {
        var rdBp: Fen?
        var rd = 0
        var years = 0
        var yearsPoints = 0
        var revenue = 0
        var flags = 0
        var q = 0

        init(_ f: MatchFirm, asOf d: CivilDate) {
            if let spend = f.rdExpenseFen, let revenueFen = f.annualRevenueFen, revenueFen > 0 {
                let bp = mulDiv(max(0, spend), 10_000, revenueFen)
                rdBp = bp
                rd = Int(min(bp / 20, 30))
            }
            years = AssetValue.wholeYears(from: f.foundedOn, to: d)
            yearsPoints = min(years, 10) * 2
            if let r = f.annualRevenueFen {
                revenue = r >= 10_000_000_000 ? 20 : r >= 2_000_000_000 ? 14 : r >= 500_000_000 ? 8 : 3
            }
            flags = (f.highTech ? 10 : 0) + (f.specialized ? 10 : 0) + (f.ipDemonstration ? 10 : 0)
            q = min(rd + yearsPoints + revenue + flags, 100)
        }
    }

    /// Industries whose firms produce under the 涪陵榨菜 GI mark or grow its mustard tuber.
    static let giIndustries: Set<String> = ["food_processing", "characteristic_agriculture"]

    static func strategicFit(_ f: MatchFirm) -> Int {
        min((f.priorityIndustry ? 50 : 0) + (giIndustries.contains(f.industryCode) ? 20 : 0)
            + (f.highTech ? 15 : 0) + (f.specialized ? 15 : 0), 100)
    }

    struct Risk {
        var blocked = false
        /// Liabilities as a whole percentage of assets, floored; nil when either is unknown or assets are 0.
        var debtRatio: Int?
        var q = 50

        init(_ f: MatchFirm) {
            if f.badCredit || f.defaultedLoans > 0 { blocked = true; q = 0; return }
            guard let assets = f.totalAssetsFen, let liabilities = f.totalLiabilitiesFen, assets > 0 else { return }
            // Capped: beyond 90% the quality is 0 anyway, and Int(…) must not trap on absurd ratios.
            let r = Int(min(mulDiv(max(0, liabilities), 100, assets), 1_000))
            debtRatio = r
            q = r <= 40 ? 100 : r >= 90 ? 0 : 100 - (r - 40) * 2
        }
    }

    /// The score's centi-points without any text, for `rank`, from the firm's qualities computed
    /// once per firm (`MatchEngine.RankBasis`).
    static func centiPoints(_ w: ScoreWeights, basis b: ScoreBasis, firmStrength: Int, strategicFit: Int, risk: Int) -> Int {
        w.ipValue * ipValue(count: b.eligibleCount, best: b.bestPoints)
            + w.coverage * coverage(uncapped: b.uncappedFen, base: b.coverageBaseFen)
            + w.firmStrength * firmStrength
            + w.strategicFit * strategicFit
            + w.risk * risk
    }

    /// The same score with every factor explained. What it says of the firm and of an asset is the
    /// same under every product, so `memo` words it once per answer.
    static func score(_ w: ScoreWeights, firm f: MatchFirm, basis b: ScoreBasis, best: MatchAsset?, asOf d: CivilDate,
                      memo: GateMemo = GateMemo()) -> Score {
        func factor(_ code: ScoreFactorCode, _ weight: Int, _ q: Int, _ text: Label) -> ScoreFactor {
            let centi = weight * q
            return ScoreFactor(code: code, weight: weight, centiPoints: centi,
                               zh: "\(text.zh)；质量 \(q)/100 × 权重 \(weight) = \(MatchText.points(centi: centi)) 分",
                               en: "\(text.en); quality \(q)/100 × weight \(weight) = \(MatchText.points(centi: centi)) points")
        }

        let ipQ = ipValue(count: b.eligibleCount, best: b.bestPoints)
        let ip: ScoreFactor
        if let best, b.eligibleCount > 0 {
            let parts = memo.explanation(best, asOf: d)
            let best = MatchText.asset(best)
            ip = factor(.ipValue, w.ipValue, ipQ,
                        Label("合格资产 \(b.eligibleCount) 项，最高价值分 \(b.bestPoints)（\(best.zh)：\(parts.zh)）",
                              "\(b.eligibleCount) eligible asset\(b.eligibleCount == 1 ? "" : "s"); best value \(b.bestPoints) (\(best.en): \(parts.en))"))
        } else {
            ip = factor(.ipValue, w.ipValue, ipQ, Label("没有合格资产", "No eligible asset"))
        }

        let covQ = coverage(uncapped: b.uncappedFen, base: b.coverageBaseFen)
        let cov = factor(.coverage, w.coverage, covQ,
                         Label("合格押品可贷 \(MatchText.yuan(b.uncappedFen))，为 \(MatchText.yuan(b.coverageBaseFen)) 的 \(covQ)%（封顶 100%）",
                               "Eligible collateral supports \(MatchText.yuan(b.uncappedFen)), \(covQ)% of \(MatchText.yuan(b.coverageBaseFen)) (capped at 100%)"))
        let strength = factor(.firmStrength, w.firmStrength, FirmStrength(f, asOf: d).q,
                              memo.firmText(.strength) { strengthText(f, asOf: d) })
        let fit = factor(.strategicFit, w.strategicFit, strategicFit(f), memo.firmText(.strategicFit) { fitText(f) })
        let risk = factor(.risk, w.risk, Risk(f).q, memo.firmText(.risk) { riskText(f) })
        return Score(factors: [ip, cov, strength, fit, risk])
    }

    static func strengthText(_ f: MatchFirm, asOf d: CivilDate) -> Label {
        let s = FirmStrength(f, asOf: d)
        var p = Phrases()
        if let bp = s.rdBp {
            p.add("研发投入强度 \(MatchText.percent(bp: Int(bp))) 得 \(s.rd) 分", "R&D intensity \(MatchText.percent(bp: Int(bp))) \(s.rd)")
        } else {
            p.add("研发投入强度未知 0 分", "R&D intensity unknown 0")
        }
        p.add("经营 \(s.years) 年 \(s.yearsPoints) 分", "\(s.years) years operating \(s.yearsPoints)")
        if let r = f.annualRevenueFen {
            p.add("营业收入 \(MatchText.yuan(r)) \(s.revenue) 分", "revenue \(MatchText.yuan(r)) \(s.revenue)")
        } else {
            p.add("营业收入未知 0 分", "revenue unknown 0")
        }
        if f.highTech { p.add("高新技术企业 10 分", "high-tech enterprise 10") }
        if f.specialized { p.add("专精特新 10 分", "specialised SME (专精特新) 10") }
        if f.ipDemonstration { p.add("知识产权示范企业 10 分", "IP demonstration enterprise 10") }
        return p.label
    }

    static func fitText(_ f: MatchFirm) -> Label {
        var p = Phrases()
        if f.priorityIndustry { p.add("方案重点产业 50 分", "priority industry of the plan 50") }
        if giIndustries.contains(f.industryCode) {
            let industry = IndustryNames.label(f.industryCode)
            p.add("地理标志产品相关产业（\(industry.zh)）20 分", "GI-product industry (\(industry.en)) 20")
        }
        if f.highTech { p.add("高新技术企业 15 分", "high-tech enterprise 15") }
        if f.specialized { p.add("专精特新 15 分", "specialised SME 15") }
        if p.isEmpty { p.add("不在重点产业，无相关资质", "Not in a priority industry, no qualifying status") }
        return p.label
    }

    /// A factor's reasons in both languages, joined as each language lists them.
    struct Phrases {
        private var zh: [String] = [], en: [String] = []
        var isEmpty: Bool { zh.isEmpty }
        mutating func add(_ zh: String, _ en: String) { self.zh.append(zh); self.en.append(en) }
        var label: Label { Label(zh.joined(separator: "，"), en.joined(separator: ", ")) }
    }

    static func riskText(_ f: MatchFirm) -> Label {
        let r = Risk(f)
        if r.blocked { return Label("有不良信用记录或违约贷款", "A bad-credit record or defaulted loan") }
        if let ratio = r.debtRatio {
            return Label("资产负债率 \(ratio)%（≤40% 满分，≥90% 为 0）", "Debt ratio \(ratio)% (≤40% full marks, ≥90% none)")
        }
        return Label("资产负债率未知，按中性 50 计", "Debt ratio unknown, taken as a neutral 50")
    }
}
