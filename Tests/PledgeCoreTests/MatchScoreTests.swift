@testable import PledgeTooling
import Testing
@testable import PledgeCore

private typealias F = MatchFixture
private func d(_ s: String) -> CivilDate { F.d(s) }

@Suite("Matching: asset value points")
struct MatchAssetValueTests {
    @Test func invention() {
        // 173 of 240 months left: 40 × 173 / 240 = 28; claims 10 → 7; 3 citations; family 2 → 4;
        // 1 licence → 2; no litigation → 5.
        #expect(AssetValue.points(F.invention(), asOf: F.today) == 49)
        var a = F.invention()
        a.expiryDate = F.today.adding(months: 120)
        a.indicators = .init(claims: 10, forwardCitations: 25, familySize: 3, licences: 1, litigations: nil)
        #expect(AssetValue.points(a, asOf: F.today) == 20 + 7 + 20 + 6 + 2 + 5)
        a.indicators.litigations = 1
        #expect(AssetValue.points(a, asOf: F.today) == 20 + 7 + 20 + 6 + 2)
        a.indicators = .init()
        #expect(AssetValue.points(a, asOf: F.today) == 20 + 5, "missing indicators count 0, unknown litigation as none")
    }

    @Test("Design patents: 180 statutory months from the 2021-06-01 rule, 120 before")
    func designStatutoryTerm() {
        func design(_ filed: String) -> MatchAsset {
            var a = F.invention(); a.type = .design; a.filingDate = d(filed); a.indicators = .init(litigations: 1)
            a.expiryDate = ProtectionTerm.expiry(type: .design, filing: a.filingDate, registration: nil, renewals: 0)
            return a
        }
        #expect(AssetValue.statutoryMonths(design("2021-06-01")) == 180)
        #expect(AssetValue.statutoryMonths(design("2021-05-31")) == 120)
        #expect(AssetValue.points(design("2021-06-01"), asOf: F.today) == 40 * 127 / 180)  // to 2036-05-31
        #expect(AssetValue.points(design("2021-05-31"), asOf: F.today) == 40 * 67 / 120)   // to 2031-05-30
    }

    @Test func trademark() {
        var a = F.trademark(registered: d("2013-10-15"))
        a.firstUseDate = d("2010-10-15")
        a.indicators.litigations = 2
        // 12 years registered → 24; 1 renewal → 5; 3 classes → 6; 15 years in use, capped at 10 → 20.
        #expect(AssetValue.points(a, asOf: F.today) == 24 + 5 + 6 + 20)
        a.registrationDate = d("2013-10-16")  // a day short of 12 years
        #expect(AssetValue.points(a, asOf: F.today) == 22 + 5 + 6 + 20)
        a.renewalCount = 9; a.niceClassCount = 45; a.indicators.litigations = 0
        a.registrationDate = d("1990-01-01")
        #expect(AssetValue.points(a, asOf: F.today) == 100)
    }

    @Test func copyright() {
        var a = F.invention(); a.type = .copyright
        a.expiryDate = F.today.adding(months: 300)
        a.indicators = .init(licences: 2)
        #expect(AssetValue.points(a, asOf: F.today) == 30 + 12 + 10)
        a.expiryDate = nil
        #expect(AssetValue.points(a, asOf: F.today) == 12 + 10)
    }

    @Test("Always within 0…100")
    func bounded() {
        var r = MatchRandom(seed: 3)
        for i in 0..<5_000 {
            var a = r.asset(id: Int64(i), firm: 1)
            if r.rng.chance(percent: 20) {
                a.indicators = .init(claims: 100_000, forwardCitations: 100_000, familySize: 100_000, licences: 100_000, litigations: 0)
                a.renewalCount = 20; a.niceClassCount = 45
                a.expiryDate = d("2199-12-31")
            }
            let p = AssetValue.points(a, asOf: r.date("2000-01-01", "2040-01-01"))
            #expect((0...100).contains(p))
        }
    }
}

@Suite("Matching: score factors")
struct MatchScoreFactorTests {
    @Test("A worked example: every factor's points, the sum, and the text")
    func workedExample() throws {
        let result = F.evaluate([F.invention()])
        let f = Dictionary(uniqueKeysWithValues: result.score.factors.map { ($0.code, $0) })
        #expect(result.score.factors.map(\.code) == ScoreFactorCode.allCases)
        #expect(f[.ipValue]?.centiPoints == 30 * ((7 * 49 + 3 * 1 * 10) / 10))  // q 37
        #expect(f[.coverage]?.centiPoints == 25 * 10)                            // ¥3M of ¥30M
        #expect(f[.firmStrength]?.centiPoints == 20 * (25 + 20 + 14 + 10))       // R&D 5%, 10 years, ¥80M, high-tech
        #expect(f[.strategicFit]?.centiPoints == 15 * (50 + 15))                 // priority industry, high-tech
        #expect(f[.risk]?.centiPoints == 10 * 80)                                // debt ratio 50%
        #expect(result.score.centiPoints == 4_515)
        #expect(result.summaryZh.contains("评分 45.15 分"))
        let ip = try #require(f[.ipValue])
        #expect(ip.zh.contains("发明专利 #11") && ip.zh.contains("49") && ip.zh.contains("11.10 分"))
        #expect(ip.en.contains("invention patent #11") && ip.en.contains("11.10 points"))
        #expect(f[.firmStrength]!.zh.contains("5%") && f[.firmStrength]!.en.contains("5%"))
        #expect(f[.risk]!.zh.contains("50%"))
    }

    @Test("Coverage measures against the requested amount when there is one")
    func coverageBase() {
        let asked = F.evaluate([F.invention()], amount: 400_000_000)
        #expect(asked.score.factors[1].centiPoints == 25 * 75)  // ¥3M of ¥4M
        let covered = F.evaluate([F.invention()], amount: 200_000_000)
        #expect(covered.score.factors[1].centiPoints == 25 * 100)
        #expect(Scoring.coverage(uncapped: Fen.max / 2, base: 3) == 100)
        #expect(Scoring.coverage(uncapped: 5, base: 0) == 100)
    }

    @Test("IP value: the best eligible asset, then how many, up to ten")
    func ipValueQuality() {
        #expect(Scoring.ipValue(count: 0, best: 0) == 0)
        #expect(Scoring.ipValue(count: 1, best: 100) == 73)
        #expect(Scoring.ipValue(count: 10, best: 100) == 100)
        #expect(Scoring.ipValue(count: 25, best: 100) == 100)
        #expect(Scoring.ipValue(count: 3, best: 55) == (385 + 90) / 10)
    }

    @Test(arguments: [
        (Fen?(100), Fen?(40), 100), (100, 41, 98), (100, 65, 50), (100, 89, 2), (100, 90, 0), (100, 250, 0),
        (100, 0, 100), (nil, 40, 50), (100, nil, 50), (0, 10, 50), (3, 2, 48),
    ] as [(Fen?, Fen?, Int)])
    func riskByDebtRatio(assets: Fen?, liabilities: Fen?, q: Int) {
        var firm = F.firm(); firm.totalAssetsFen = assets; firm.totalLiabilitiesFen = liabilities
        // 2 of 3 is 66% after flooring: 100 − (66 − 40) × 2 = 48.
        #expect(Scoring.Risk(firm).q == q)
    }

    @Test func riskZeroWithBadCredit() {
        var firm = F.firm(); firm.badCredit = true
        #expect(Scoring.Risk(firm).q == 0)
        firm.badCredit = false; firm.defaultedLoans = 1
        #expect(Scoring.Risk(firm).q == 0)
        #expect(Scoring.Risk(F.firm()).q == 80)
    }

    @Test(arguments: [
        (Fen?(10_000_000_000), 20), (9_999_999_999, 14), (2_000_000_000, 14), (1_999_999_999, 8),
        (500_000_000, 8), (499_999_999, 3), (0, 3), (nil, 0),
    ] as [(Fen?, Int)])
    func revenueTiers(revenue: Fen?, points: Int) {
        var firm = F.firm(); firm.annualRevenueFen = revenue; firm.rdExpenseFen = nil
        #expect(Scoring.FirmStrength(firm, asOf: F.today).revenue == points)
    }

    @Test func firmStrengthParts() {
        var firm = F.firm(revenue: 1_000_000, rd: 100_000)  // 10% = 1000 bp → 50, capped at 30
        #expect(Scoring.FirmStrength(firm, asOf: F.today).rd == 30)
        firm.rdExpenseFen = 59_999                          // 599 bp → 29
        #expect(Scoring.FirmStrength(firm, asOf: F.today).rd == 29)
        firm.annualRevenueFen = 0
        #expect(Scoring.FirmStrength(firm, asOf: F.today).rdBp == nil)
        firm.foundedOn = d("2020-10-16")                    // 4 whole years on 2025-10-15
        #expect(Scoring.FirmStrength(firm, asOf: F.today).yearsPoints == 8)
        firm.specialized = true; firm.ipDemonstration = true
        firm.foundedOn = d("2000-01-01"); firm.annualRevenueFen = 20_000_000_000; firm.rdExpenseFen = 2_000_000_000
        #expect(Scoring.FirmStrength(firm, asOf: F.today).q == 100)
    }

    @Test func strategicFit() {
        var firm = F.firm(industry: "food_processing")
        #expect(Scoring.strategicFit(firm) == 50 + 20 + 15)
        firm.specialized = true
        #expect(Scoring.strategicFit(firm) == 100)
        firm = F.firm(industry: "characteristic_agriculture"); firm.priorityIndustry = false; firm.highTech = false
        #expect(Scoring.strategicFit(firm) == 20)
        firm.industryCode = "services"
        #expect(Scoring.strategicFit(firm) == 0)
    }

    @Test("Product weights scale each factor; factors stay within weight × 100")
    func weightsApply() {
        let weights = ScoreWeights(ipValue: 0, coverage: 0, firmStrength: 0, strategicFit: 0, risk: 100)
        let result = F.evaluate([F.invention()], product: F.product(weights: weights))
        #expect(result.score.centiPoints == 8_000)
        var r = MatchRandom(seed: 11)
        for i in 0..<500 {
            let product = r.product(id: 1)
            let firm = r.firm(id: Int64(i))
            let res = MatchEngine.evaluate(firm: firm, assets: r.portfolio(firm: firm.id, count: 0...6),
                                           product: product, request: LoanRequest(asOf: F.today))
            for f in res.score.factors {
                #expect((0...f.weight * 100).contains(f.centiPoints))
                #expect(!f.zh.isEmpty && !f.en.isEmpty)
            }
            #expect((0...10_000).contains(res.score.centiPoints))
        }
    }
}

@Suite("Matching: score weights")
struct MatchWeightsTests {
    @Test func defaultsAreValid() throws {
        #expect(try ScoreWeights.default.validated() == .default)
        #expect(ScoreWeights.default.total == 100)
        _ = try ScoreWeights(ipValue: 100, coverage: 0, firmStrength: 0, strategicFit: 0, risk: 0).validated()
    }

    @Test(arguments: [
        (ScoreWeights(ipValue: 30, coverage: 25, firmStrength: 20, strategicFit: 15, risk: 9), ["weights_sum"], ["weights"]),
        (ScoreWeights(ipValue: 30, coverage: 25, firmStrength: 20, strategicFit: 15, risk: 11), ["weights_sum"], ["weights"]),
        (ScoreWeights(ipValue: 0, coverage: 0, firmStrength: 0, strategicFit: 0, risk: 0), ["weights_sum"], ["weights"]),
        (ScoreWeights(ipValue: 110, coverage: 0, firmStrength: 0, strategicFit: 0, risk: -10), ["out_of_range", "out_of_range"],
         ["weights.ipValue", "weights.risk"]),
        (ScoreWeights(ipValue: 101, coverage: 0, firmStrength: 0, strategicFit: 0, risk: 0), ["out_of_range", "weights_sum"],
         ["weights.ipValue", "weights"]),
        (ScoreWeights(ipValue: Int.max, coverage: Int.max, firmStrength: 0, strategicFit: 0, risk: 0),
         ["out_of_range", "out_of_range", "weights_sum"], ["weights.ipValue", "weights.coverage", "weights"]),
    ])
    func rejected(weights: ScoreWeights, codes: [String], fields: [String]) {
        #expect {
            _ = try weights.validated()
        } throws: { error in
            guard let failure = error as? ValidationFailure else { return false }
            return failure.errors.map(\.code) == codes && failure.errors.map(\.field) == fields
                && failure.errors.allSatisfy { !$0.zh.isEmpty && !$0.en.isEmpty }
        }
    }

    @Test func sumMessageNamesTheTotal() throws {
        let w = ScoreWeights(ipValue: 30, coverage: 25, firmStrength: 20, strategicFit: 15, risk: 9)
        do {
            _ = try w.validated()
            Issue.record("99 must be rejected")
        } catch {
            #expect(error.errors.first?.zh.contains("99") == true)
            #expect(error.errors.first?.en.contains("99") == true)
        }
    }
}
