@testable import PledgeTooling
import Testing
@testable import PledgeCore

/// Properties over random small firms, from fixed seeds so every failure reproduces.
@Suite("Matching: properties on random firms")
struct MatchPropertyTests {
    struct Case {
        var firm: MatchFirm
        var assets: [MatchAsset]
        var product: MatchProduct
        var asOf: CivilDate
    }

    static func cases(seed: UInt64, count: Int) -> [Case] {
        var r = MatchRandom(seed: seed)
        return (0..<count).map { i in
            let asOf = r.date("2024-01-01", "2026-12-31")
            let firm = r.firm(id: Int64(i + 1))
            return Case(firm: firm, assets: r.portfolio(firm: firm.id, count: 0...8),
                        product: r.product(id: Int64(i % 5 + 1)), asOf: asOf)
        }
    }

    @Test("rank() agrees with evaluate() on eligibility, capacity and score")
    func rankAgreesWithEvaluate() {
        var eligible = 0
        for c in Self.cases(seed: 1, count: 4_000) {
            let full = MatchEngine.evaluate(firm: c.firm, assets: c.assets, product: c.product, request: LoanRequest(asOf: c.asOf))
            let fast = MatchEngine.rank(firm: c.firm, assets: c.assets, product: c.product, asOf: c.asOf)
            #expect(fast == RankEntry(firmId: c.firm.id, eligible: full.eligible, capacityFen: full.capacityFen,
                                      centiPoints: full.score.centiPoints), "\(full.summaryEn)")
            if full.eligible { eligible += 1 }
        }
        // The generator must exercise both outcomes, or the agreement proves little.
        #expect(eligible > 200)
        #expect(eligible < 3_800)
    }

    @Test("A memo shared by a firm's products words every gate as a fresh evaluation does")
    func sharedMemoChangesNothing() {
        var r = MatchRandom(seed: 11)
        for i in 0..<300 {
            let asOf = r.date("2024-01-01", "2026-12-31")
            let firm = r.firm(id: Int64(i + 1))
            let assets = r.portfolio(firm: firm.id, count: 0...8)
            let products = (1...12).map { r.product(id: Int64($0)) }
            let request = i % 3 == 0 ? LoanRequest(asOf: asOf, termMonths: r.rng.int(1...60)) : LoanRequest(asOf: asOf)
            let memo = GateMemo()
            for product in products {
                #expect(MatchEngine.evaluate(firm: firm, assets: assets, product: product, request: request, memo: memo)
                        == MatchEngine.evaluate(firm: firm, assets: assets, product: product, request: request))
            }
        }
    }

    @Test("The order assets arrive in changes nothing")
    func orderIndependent() {
        var r = MatchRandom(seed: 5)
        for c in Self.cases(seed: 2, count: 500) {
            var shuffled = c.assets
            for i in shuffled.indices.reversed() where i > 0 { shuffled.swapAt(i, r.rng.int(0...i)) }
            let request = LoanRequest(asOf: c.asOf)
            #expect(MatchEngine.evaluate(firm: c.firm, assets: c.assets, product: c.product, request: request)
                    == MatchEngine.evaluate(firm: c.firm, assets: shuffled, product: c.product, request: request))
            #expect(MatchEngine.rank(firm: c.firm, assets: c.assets, product: c.product, asOf: c.asOf)
                    == MatchEngine.rank(firm: c.firm, assets: shuffled, product: c.product, asOf: c.asOf))
        }
    }

    /// `after` must not be worse than `before` in score or capacity, for the default request and an asked amount.
    func expectNoWorse(_ c: Case, _ changed: [MatchAsset], _ what: String) {
        let before = MatchEngine.rank(firm: c.firm, assets: c.assets, product: c.product, asOf: c.asOf)
        let after = MatchEngine.rank(firm: c.firm, assets: changed, product: c.product, asOf: c.asOf)
        #expect(after.capacityFen >= before.capacityFen, "\(what): capacity fell")
        #expect(after.centiPoints >= before.centiPoints, "\(what): score fell")
        if before.eligible { #expect(after.eligible, "\(what): ranking became ineligible") }
        let asked = LoanRequest(asOf: c.asOf, amountFen: c.product.minAmountFen * 3, termMonths: c.product.minTermMonths)
        let b = MatchEngine.evaluate(firm: c.firm, assets: c.assets, product: c.product, request: asked)
        let a = MatchEngine.evaluate(firm: c.firm, assets: changed, product: c.product, request: asked)
        #expect(a.capacityFen >= b.capacityFen, "\(what): capacity fell for an asked amount")
        #expect(a.score.centiPoints >= b.score.centiPoints, "\(what): score fell for an asked amount")
        #expect(a.shortfallFen <= b.shortfallFen, "\(what): shortfall grew")
        if b.eligible { #expect(a.eligible, "\(what): became ineligible") }
    }

    @Test("More remaining life never lowers a score or capacity")
    func moreLifeNeverHurts() {
        var r = MatchRandom(seed: 3)
        for c in Self.cases(seed: 3, count: 1_500) where !c.assets.isEmpty {
            var changed = c.assets
            let i = r.rng.int(0...(changed.count - 1))
            guard let expiry = changed[i].expiryDate else { continue }
            changed[i].expiryDate = r.rng.chance(percent: 50)
                ? expiry.adding(days: r.rng.int(1...40)) : expiry.adding(months: r.rng.int(1...240))
            expectNoWorse(c, changed, "asset \(changed[i].id) expiry \(expiry) → \(changed[i].expiryDate!)")
        }
    }

    @Test("A higher valuation never lowers a score or capacity")
    func higherValueNeverHurts() {
        var r = MatchRandom(seed: 4)
        for c in Self.cases(seed: 4, count: 1_500) where !c.assets.isEmpty {
            var changed = c.assets
            let i = r.rng.int(0...(changed.count - 1))
            guard let v = changed[i].valuation else { continue }
            changed[i].valuation?.valueFen = v.valueFen + r.rng.logUniform(1...10_000_000_000)
            expectNoWorse(c, changed, "asset \(changed[i].id) value \(v.valueFen) → \(changed[i].valuation!.valueFen)")
        }
    }

    @Test("Another asset never lowers a score or capacity")
    func anotherAssetNeverHurts() {
        var r = MatchRandom(seed: 6)
        for c in Self.cases(seed: 6, count: 1_000) {
            let extra = r.asset(id: 999_999, firm: c.firm.id)
            expectNoWorse(c, c.assets + [extra], "adding \(extra.type.rawValue)")
        }
    }

    @Test("Results are the same on every run, and gate texts are never empty")
    func deterministicAndWorded() {
        for c in Self.cases(seed: 8, count: 300) {
            let request = LoanRequest(asOf: c.asOf, amountFen: c.product.minAmountFen)
            let one = MatchEngine.evaluate(firm: c.firm, assets: c.assets, product: c.product, request: request)
            #expect(one == MatchEngine.evaluate(firm: c.firm, assets: c.assets, product: c.product, request: request))
            for g in one.firmGates + one.assets.flatMap(\.gates) { #expect(!g.zh.isEmpty && !g.en.isEmpty) }
            #expect(one.capacityFen == min(one.assets.reduce(0) { $0 + $1.lendableFen }, c.product.maxAmountFen))
        }
    }
}

@Suite("Matching: hostile input does not trap")
struct MatchHostileInputTests {
    @Test("Absurd terms, amounts and firm figures give an answer, not a crash")
    func absurdInputs() {
        var firm = MatchFixture.firm()
        firm.rdExpenseFen = .max; firm.annualRevenueFen = 1
        firm.totalLiabilitiesFen = .max; firm.totalAssetsFen = 1
        var a = MatchFixture.invention(); a.valuation?.valueFen = .max
        var b = MatchFixture.invention(id: 12); b.valuation?.valueFen = .max
        for term in [Int.min, -1, 0, 6_001, 100_000, Int.max] {
            for amount in [Fen.min, -1, 0, Fen.max] {
                let r = MatchEngine.evaluate(firm: firm, assets: [a, b], product: MatchFixture.product(),
                                             request: LoanRequest(asOf: MatchFixture.today, amountFen: amount, termMonths: term))
                #expect(!r.eligible)
                #expect(r.termMonths == term)
            }
        }
        let ranked = MatchEngine.rank(firm: firm, assets: [a, b], product: MatchFixture.product(), asOf: MatchFixture.today)
        #expect(ranked.capacityFen == MatchFixture.product().maxAmountFen)
        #expect(Scoring.mulDiv(.max, .max, 1) == .max)
        #expect(Scoring.mulDiv(.max, 10_000, .max) == 10_000)
        #expect(Scoring.mulDiv(7, 3, 2) == 10)
    }
}
