@testable import PledgeTooling
import Testing
@testable import PledgeCore

private typealias F = MatchFixture
private func d(_ s: String) -> CivilDate { F.d(s) }

/// One row of an asset-gate table: an asset, the day, and what the gate must say.
struct AssetGateCase: Sendable, CustomTestStringConvertible {
    let name: String
    let gate: GateCode
    let passes: Bool
    /// Text that both the zh and the en reason must contain (the number or date that decided it).
    let mentions: String?
    var asset: MatchAsset
    var asOf: CivilDate = F.today
    var term: Int? = nil
    var testDescription: String { name }

    init(_ name: String, _ gate: GateCode, _ passes: Bool, mentions: String? = nil, asOf: CivilDate = F.today,
         term: Int? = nil, _ asset: MatchAsset = F.invention(), _ change: (inout MatchAsset) -> Void = { _ in }) {
        self.name = name; self.gate = gate; self.passes = passes; self.mentions = mentions
        self.asOf = asOf; self.term = term
        var a = asset
        change(&a)
        self.asset = a
    }
}

/// One row of a firm-gate table.
struct FirmGateCase: Sendable, CustomTestStringConvertible {
    let name: String
    let gate: GateCode
    let passes: Bool
    let mentions: String?
    var firm: MatchFirm = F.firm()
    var product: MatchProduct = F.product()
    var assets: [MatchAsset] = [F.invention()]
    var asOf: CivilDate = F.today
    var amount: Fen? = nil
    var term: Int? = nil
    var testDescription: String { name }

    init(_ name: String, _ gate: GateCode, _ passes: Bool, mentions: String? = nil,
         _ change: (inout FirmGateCase) -> Void = { _ in }) {
        self.name = name; self.gate = gate; self.passes = passes; self.mentions = mentions
        change(&self)
    }
}

@Suite("Matching: asset gates (D = 2025-10-15, E = 2028-10-15 unless stated)")
struct MatchAssetGateTests {
    static let cases: [AssetGateCase] = [
        // asset_type_accepted
        .init("invention accepted", .assetTypeAccepted, true, mentions: "30%"),
        .init("design not accepted by this product", .assetTypeAccepted, false, F.invention()) { $0.type = .design },
        // asset_in_force: measured on D; the expiry date is the last protected day
        .init("in force, far from expiry", .assetInForce, true, mentions: "2040-04-09"),
        .init("frozen", .assetInForce, false) { $0.legalStatus = .frozen },
        .init("lapsed for unpaid annuities", .assetInForce, false) { $0.legalStatus = .lapsed },
        .init("in dispute", .assetInForce, false) { $0.legalStatus = .disputed },
        .init("boundary: expires on D itself, still in force", .assetInForce, true, mentions: "2025-10-15") {
            $0.expiryDate = d("2025-10-15")
        },
        .init("boundary: expired the day before D", .assetInForce, false, mentions: "2025-10-14") {
            $0.expiryDate = d("2025-10-14")
        },
        // asset_ownership
        .init("sole holder", .assetOwnership, true),
        .init("two co-owners, both consented", .assetOwnership, true, mentions: "2") { $0.coOwners = 2 },
        .init("three co-owners, two without consent", .assetOwnership, false, mentions: "2") {
            $0.coOwners = 3; $0.coOwnersWithoutConsent = 2
        },
        .init("boundary: one co-owner missing consent", .assetOwnership, false, mentions: "1") {
            $0.coOwners = 1; $0.coOwnersWithoutConsent = 1
        },
        .init("registered to another firm", .assetOwnership, false, mentions: "#9") { $0.firmId = 9 },
        // asset_not_pledged
        .init("not pledged", .assetNotPledged, true),
        .init("already in pledge #55", .assetNotPledged, false, mentions: "#55") { $0.pledgedBy = 55 },
        // asset_outlives_loan: measured at E, strictly before expiry
        .init("expiry long after the loan", .assetOutlivesLoan, true, mentions: "2040-04-09"),
        .init("boundary: expiry the day after E", .assetOutlivesLoan, true, mentions: "2028-10-16") {
            $0.expiryDate = d("2028-10-16")
        },
        .init("boundary: expiry on E fails", .assetOutlivesLoan, false, mentions: "2028-10-15") {
            $0.expiryDate = d("2028-10-15")
        },
        .init("shorter term moves E earlier", .assetOutlivesLoan, true, mentions: "2026-10-15", term: 12) {
            $0.expiryDate = d("2028-10-15")
        },
        .init("boundary: E clamped to 2024-02-29 equals expiry", .assetOutlivesLoan, false, mentions: "2024-02-29",
              asOf: d("2023-11-30"), term: 3) { $0.expiryDate = d("2024-02-29") },
        .init("boundary: expiry 2024-03-01 outlives E 2024-02-29", .assetOutlivesLoan, true, mentions: "2024-02-29",
              asOf: d("2023-11-30"), term: 3) { $0.expiryDate = d("2024-03-01") },
        .init("patent with unknown expiry", .assetOutlivesLoan, false, mentions: "2028-10-15") { $0.expiryDate = nil },
        .init("mark with unknown expiry", .assetOutlivesLoan, false, F.trademark()) { $0.expiryDate = nil },
        .init("copyright with unknown expiry", .assetOutlivesLoan, true, F.invention()) {
            $0.type = .copyright; $0.expiryDate = nil
        },
        // asset_remaining_life: whole months from D to expiry ≥ the type's minimum (invention: 60)
        .init("173 months left", .assetRemainingLife, true, mentions: "173"),
        .init("boundary: exactly 60 months left", .assetRemainingLife, true, mentions: "60") {
            $0.expiryDate = d("2030-10-15")
        },
        .init("boundary: a day short of 60 months", .assetRemainingLife, false, mentions: "59") {
            $0.expiryDate = d("2030-10-14")
        },
        .init("boundary: D 2024-02-29 + 60 months clamps to 2029-02-28", .assetRemainingLife, true, mentions: "2029-02-28",
              asOf: d("2024-02-29")) { $0.expiryDate = d("2029-02-28") },
        .init("boundary: 2029-02-27 is a day short", .assetRemainingLife, false, mentions: "59",
              asOf: d("2024-02-29")) { $0.expiryDate = d("2029-02-27") },
        .init("expired: none left", .assetRemainingLife, false, mentions: "2025-10-14") { $0.expiryDate = d("2025-10-14") },
        .init("unknown expiry", .assetRemainingLife, false, mentions: "60") { $0.expiryDate = nil },
        .init("utility model uses its own minimum (48)", .assetRemainingLife, true, mentions: "48") {
            $0.type = .utilityModel; $0.expiryDate = d("2029-10-15")
        },
        // trademark_in_use: start (first use, else registration) + 2 years ≤ D
        .init("registered 2016, in use for years", .trademarkInUse, true, mentions: "2016-05-07", F.trademark()),
        .init("boundary: registered exactly two years before D", .trademarkInUse, true, mentions: "2025-10-15",
              F.trademark(registered: d("2023-10-15"))),
        .init("boundary: registered a day later", .trademarkInUse, false, mentions: "2025-10-16",
              F.trademark(registered: d("2023-10-16"))),
        .init("first use before registration counts", .trademarkInUse, true, mentions: "2020-01-01",
              F.trademark(registered: d("2024-06-01"))) { $0.firstUseDate = d("2020-01-01") },
        .init("first use recorded later than two years ago", .trademarkInUse, false, mentions: "2024-01-01",
              F.trademark()) { $0.firstUseDate = d("2024-01-01") },
        .init("no dates recorded", .trademarkInUse, false, mentions: "2", F.trademark()) {
            $0.registrationDate = nil; $0.firstUseDate = nil
        },
        .init("GI collective marks are measured too", .trademarkInUse, false, mentions: "2025-10-16",
              F.trademark(type: .giCollectiveMark, registered: d("2023-10-16"))),
        // valuation_current: validUntil ≥ D and valuation date + 12 months ≥ D
        .init("valued 2025-06-01", .valuationCurrent, true, mentions: "2026-05-31"),
        .init("no valuation", .valuationCurrent, false) { $0.valuation = nil },
        .init("boundary: report valid until D", .valuationCurrent, true, mentions: "2025-10-15") {
            $0.valuation = MatchValuation(id: 5, valueFen: 1_000, valuationDate: d("2025-01-01"), validUntil: d("2025-10-15"))
        },
        .init("boundary: report expired the day before D", .valuationCurrent, false, mentions: "2025-10-14") {
            $0.valuation = MatchValuation(id: 5, valueFen: 1_000, valuationDate: d("2025-01-01"), validUntil: d("2025-10-14"))
        },
        .init("boundary: dated exactly 12 months before D", .valuationCurrent, true, mentions: "2025-10-15") {
            $0.valuation = MatchValuation(id: 5, valueFen: 1_000, valuationDate: d("2024-10-15"), validUntil: d("2026-10-14"))
        },
        .init("boundary: dated 12 months and a day before D", .valuationCurrent, false, mentions: "2025-10-14") {
            $0.valuation = MatchValuation(id: 5, valueFen: 1_000, valuationDate: d("2024-10-14"), validUntil: d("2026-10-14"))
        },
    ]

    @Test(arguments: cases)
    func gate(_ c: AssetGateCase) throws {
        let result = F.evaluate([c.asset], asOf: c.asOf, term: c.term)
        let verdict = try #require(result.assets.first)
        let gate = try #require(verdict.gate(c.gate), "gate \(c.gate.rawValue) missing")
        #expect(gate.passed == c.passes, "\(gate.zh) / \(gate.en)")
        #expect(!gate.zh.isEmpty && !gate.en.isEmpty)
        if let m = c.mentions {
            #expect(gate.zh.contains(m), "zh: \(gate.zh)")
            #expect(gate.en.contains(m), "en: \(gate.en)")
        }
        // An asset is eligible exactly when all its gates pass, and only then does it lend anything.
        if !gate.passed { #expect(!verdict.eligible && verdict.lendableFen == 0) }
    }

    @Test func everyGateOfAnEligibleInventionInOrder() throws {
        let verdict = try #require(F.evaluate([F.invention()]).assets.first)
        #expect(verdict.gates.map(\.code) == [.assetTypeAccepted, .assetInForce, .assetOwnership, .assetNotPledged,
                                             .assetOutlivesLoan, .assetRemainingLife, .valuationCurrent])
        #expect(verdict.eligible)
        #expect(verdict.lendableFen == 300_000_000)  // ¥10,000,000 × 30%
    }

    @Test func marksAlsoCarryTheTrademarkUseGate() throws {
        let verdict = try #require(F.evaluate([F.trademark()]).assets.first)
        #expect(verdict.gates.map(\.code) == [.assetTypeAccepted, .assetInForce, .assetOwnership, .assetNotPledged,
                                             .assetOutlivesLoan, .assetRemainingLife, .trademarkInUse, .valuationCurrent])
    }

    @Test("An unaccepted type has no remaining-life gate, since the minimum belongs to the type's term")
    func unacceptedTypeOmitsRemainingLife() throws {
        var a = F.invention(); a.type = .design
        let verdict = try #require(F.evaluate([a]).assets.first)
        #expect(verdict.gate(.assetRemainingLife) == nil)
        #expect(verdict.gate(.assetTypeAccepted)?.passed == false)
        #expect(!verdict.eligible && verdict.lendableFen == 0)
    }

    @Test("The remaining-life rule equals the SQL form D + min months ≤ expiry")
    func remainingLifeMatchesSQLForm() {
        // wholeMonths alone reads an expiry earlier in the same month as 0 months, which a minimum of 0
        // would accept; the rule refuses it, as `D + 0 months ≤ expiry` does.
        var expired = F.invention()
        expired.expiryDate = d("2025-10-10")
        #expect(F.today.wholeMonths(until: d("2025-10-10")) == 0)
        #expect(!GateRule.remainingLife(expired, minMonths: 0, asOf: F.today))
        expired.expiryDate = F.today
        #expect(GateRule.remainingLife(expired, minMonths: 0, asOf: F.today))
        var r = MatchRandom(seed: 42)
        for _ in 0..<20_000 {
            var a = F.invention()
            let asOf = r.date("2020-01-01", "2030-12-31")
            a.expiryDate = r.date("2019-06-01", "2040-12-31")
            let minMonths = r.rng.int(0...120)
            let sqlForm = asOf.adding(months: minMonths) <= a.expiryDate!
            #expect(GateRule.remainingLife(a, minMonths: minMonths, asOf: asOf) == sqlForm,
                    "D \(asOf), expiry \(a.expiryDate!), min \(minMonths)")
        }
    }
}

@Suite("Matching: firm gates")
struct MatchFirmGateTests {
    static let cases: [FirmGateCase] = [
        // firm_years_operating: founded + 2 years ≤ D
        .init("founded 2015", .firmYearsOperating, true, mentions: "2015-03-01"),
        .init("boundary: founded exactly two years before D", .firmYearsOperating, true, mentions: "2025-10-15") {
            $0.firm.foundedOn = d("2023-10-15")
        },
        .init("boundary: founded a day later", .firmYearsOperating, false, mentions: "2025-10-16") {
            $0.firm.foundedOn = d("2023-10-16")
        },
        .init("boundary: founded 2024-02-29, two years complete 2026-02-28", .firmYearsOperating, true,
              mentions: "2026-02-28") { $0.firm.foundedOn = d("2024-02-29"); $0.asOf = d("2026-02-28") },
        .init("boundary: and not yet on 2026-02-27", .firmYearsOperating, false, mentions: "2026-02-28") {
            $0.firm.foundedOn = d("2024-02-29"); $0.asOf = d("2026-02-27")
        },
        // firm_credit_record
        .init("clean record", .firmCreditRecord, true),
        .init("bad-credit record", .firmCreditRecord, false) { $0.firm.badCredit = true },
        .init("two defaulted loans", .firmCreditRecord, false, mentions: "2") { $0.firm.defaultedLoans = 2 },
        .init("boundary: one defaulted loan", .firmCreditRecord, false, mentions: "1") { $0.firm.defaultedLoans = 1 },
        // firm_industry
        .init("product open to every industry", .firmIndustry, true),
        .init("industry listed", .firmIndustry, true) {
            $0.product.eligibleIndustries = ["advanced_materials", "biomedicine"]
        },
        .init("industry not listed", .firmIndustry, false) {
            $0.product.eligibleIndustries = ["food_processing"]
        },
        // amount_in_range: ¥500,000 – ¥30,000,000 (the invention supports ¥3,000,000)
        .init("capacity by default", .amountInRange, true, mentions: "¥3,000,000.00"),
        .init("boundary: exactly the minimum", .amountInRange, true, mentions: "¥500,000.00") { $0.amount = 50_000_000 },
        .init("boundary: a fen below the minimum", .amountInRange, false, mentions: "¥499,999.99") { $0.amount = 49_999_999 },
        .init("boundary: exactly the maximum", .amountInRange, true, mentions: "¥30,000,000.00") { $0.amount = 3_000_000_000 },
        .init("boundary: a fen above the maximum", .amountInRange, false, mentions: "¥30,000,000.01") {
            $0.amount = 3_000_000_001
        },
        .init("collateral supports less than the minimum", .amountInRange, false, mentions: "¥300,000.00") {
            $0.assets = [F.invention(value: 1_000_000)]
        },
        // term_in_range: 6–36 months
        .init("product's longest term by default", .termInRange, true, mentions: "36"),
        .init("boundary: shortest term", .termInRange, true, mentions: "6") { $0.term = 6 },
        .init("boundary: a month too short", .termInRange, false, mentions: "5") { $0.term = 5 },
        .init("boundary: a month too long", .termInRange, false, mentions: "37") { $0.term = 37 },
        // has_eligible_asset: at least one eligible asset and Σ lendable ≥ amount
        .init("one eligible invention", .hasEligibleAsset, true, mentions: "¥3,000,000.00"),
        .init("boundary: Σ lendable equals the amount", .hasEligibleAsset, true, mentions: "¥3,000,000.00") {
            $0.amount = 300_000_000
        },
        .init("boundary: a fen short, shortfall named", .hasEligibleAsset, false, mentions: "¥0.01") {
            $0.amount = 300_000_001
        },
        .init("no assets", .hasEligibleAsset, false) { $0.assets = [] },
        .init("only an ineligible asset", .hasEligibleAsset, false) { $0.assets = [F.invention()]; $0.assets[0].pledgedBy = 3 },
    ]

    @Test(arguments: cases)
    func gate(_ c: FirmGateCase) throws {
        let result = F.evaluate(c.assets, firm: c.firm, product: c.product, asOf: c.asOf, amount: c.amount, term: c.term)
        let gate = try #require(result.gate(c.gate))
        #expect(gate.passed == c.passes, "\(gate.zh) / \(gate.en)")
        #expect(!gate.zh.isEmpty && !gate.en.isEmpty)
        if let m = c.mentions {
            #expect(gate.zh.contains(m), "zh: \(gate.zh)")
            #expect(gate.en.contains(m), "en: \(gate.en)")
        }
        #expect(result.eligible == result.firmGates.allSatisfy { $0.passed })
        if !c.passes { #expect(!result.eligible) }
    }

    @Test func everyFirmGateOnceInOrder() {
        let result = F.evaluate([F.invention()])
        #expect(result.firmGates.map(\.code) == [.firmYearsOperating, .firmCreditRecord, .firmIndustry,
                                                .amountInRange, .termInRange, .hasEligibleAsset])
        #expect(result.eligible)
        #expect(result.termMonths == 36)
        #expect(result.amountFen == 300_000_000)
        #expect(result.capacityFen == 300_000_000)
        #expect(result.package?.assetIds == [11])
        #expect(result.shortfallFen == 0)
        #expect(result.summaryZh.contains("符合准入条件") && result.summaryZh.contains("¥3,000,000.00"))
        #expect(result.summaryEn.hasPrefix("Eligible"))
    }

    @Test("Capacity is capped by the product's maximum; the uncapped sum still decides the gate")
    func capacityCapped() {
        let assets = (0..<4).map { F.invention(id: 11 + Int64($0), value: 40_000_000) }  // 4 × ¥12M lendable
        let result = F.evaluate(assets)
        #expect(result.capacityFen == 3_000_000_000)
        #expect(result.amountFen == 3_000_000_000)
        #expect(result.eligible)
        #expect(result.package?.assetIds.count == 3)  // ¥36M from three covers ¥30M; two give only ¥24M
    }

    @Test("Nothing covers the amount: no package, the shortfall stated")
    func shortfall() {
        let result = F.evaluate([F.invention(), F.trademark()], amount: 1_000_000_000)
        // invention ¥3M + trademark ¥2M = ¥5M lendable against ¥10M
        #expect(result.package == nil)
        #expect(result.shortfallFen == 500_000_000)
        #expect(!result.eligible)
        #expect(result.summaryZh.contains("缺口 ¥5,000,000.00"))
        #expect(result.summaryEn.contains("¥5,000,000.00 short"))
    }

    @Test("Failing reasons are repeated in the summary")
    func summaryNamesFailures() {
        var firm = F.firm(); firm.badCredit = true
        let result = F.evaluate([F.invention()], firm: firm)
        #expect(!result.eligible)
        #expect(result.summaryZh.contains("不良信用记录"))
        #expect(result.summaryEn.contains("bad-credit record"))
    }
}

@Suite("Matching: codes are shown by their names")
struct MatchTextNamesTests {
    /// Every text of a result, in its language: gates, factors and the summary.
    func texts(_ r: MatchResult) -> (zh: [String], en: [String]) {
        let gates = r.firmGates + r.assets.flatMap(\.gates)
        return (gates.map(\.zh) + r.score.factors.map(\.zh) + [r.summaryZh],
                gates.map(\.en) + r.score.factors.map(\.en) + [r.summaryEn])
    }

    @Test("The industry gate names the firm's industry and the product's, each in the language of its text")
    func industryGateNamesIndustries() throws {
        var product = F.product()
        product.eligibleIndustries = ["food_processing", "characteristic_agriculture"]
        let result = F.evaluate([F.invention()], firm: F.firm(industry: "advanced_materials"), product: product)
        let gate = try #require(result.gate(.firmIndustry))
        #expect(gate.zh == "所属行业「先进材料」不在本产品适用行业（特色农业、食品加工（含涪陵榨菜））内")
        #expect(gate.en == "Its industry, Advanced materials, is not among the product's (Characteristic agriculture; Food processing (incl. Fuling zhacai))")
    }

    @Test("No industry code appears in any text a person reads", arguments: Array(IndustryNames.labels.keys.sorted()))
    func noCodeInTexts(code: String) {
        var product = F.product()
        product.eligibleIndustries = [code, "other"]
        for firmIndustry in [code, "new_energy"] {
            let result = F.evaluate([F.invention()], firm: F.firm(industry: firmIndustry), product: product)
            let (zh, en) = texts(result)
            // A one-word code (services, other) is also an English word; a code with "_" is never prose.
            if code.contains("_") { for text in zh + en { #expect(!text.contains(code), "\(text)") } }
            for text in zh { #expect(!text.contains(code), "\(text)") }
            let name = IndustryNames.label(firmIndustry)
            #expect(zh.contains { $0.contains(name.zh) }, "the Chinese texts name \(name.zh)")
            #expect(en.contains { $0.contains(name.en) }, "the English texts name \(name.en)")
        }
    }

    @Test("The GI-industry score reason reads 特色农业, not characteristic_agriculture")
    func giReasonNamesTheIndustry() throws {
        let result = F.evaluate([F.invention()], firm: F.firm(industry: "characteristic_agriculture"))
        let fit = try #require(result.score.factors.first { $0.code == .strategicFit })
        #expect(fit.zh.contains("地理标志产品相关产业（特色农业）20 分"), "\(fit.zh)")
        #expect(fit.en.contains("GI-product industry (Characteristic agriculture) 20"), "\(fit.en)")
        #expect(!fit.zh.contains("characteristic_agriculture") && !fit.en.contains("characteristic_agriculture"))
    }
}
