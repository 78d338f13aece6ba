import Testing
@testable import PledgeCore

/// The ranking's prepared product (`RankPlan`) turns each date gate into one boundary day. These
/// tests walk the days where month arithmetic is hardest (month ends, 29 February) and hold every
/// boundary equal to the predicate it stands for.
@Suite("Matching: the ranking's prepared product")
struct MatchRankPlanTests {
    /// Every day of a window around each month end of a leap year and the year after.
    static let days: [CivilDate] = {
        var out: [CivilDate] = []
        var day = MatchFixture.d("2023-12-20")
        while day <= MatchFixture.d("2025-03-10") {
            if day.day >= 26 || day.day <= 3 { out.append(day) }
            day = day.adding(days: 1)
        }
        return out
    }()

    static let months = [0, 1, 2, 11, 12, 13, 24, 59, 60, 61]

    @Test("Each boundary day stands for its predicate on every day around it")
    func boundariesMatchPredicates() {
        for d in Self.days.striding(by: 7) {
            for m in Self.months {
                let valued = Bisect.firstDay { $0.adding(months: m) >= d }
                let life = Bisect.firstDay { GateRule.remainingLife(expiry: $0, minMonths: m, asOf: d) }
                let used = Bisect.lastDay { $0.adding(years: m / 12) <= d }
                for x in Self.days {
                    #expect((valued.map { x >= $0 } ?? false) == (x.adding(months: m) >= d), "valued \(d) \(m) \(x)")
                    let later = x.adding(months: m)
                    #expect((life.map { later >= $0 } ?? false) == GateRule.remainingLife(expiry: later, minMonths: m, asOf: d),
                            "life \(d) \(m) \(later)")
                    #expect((used.map { x <= $0 } ?? false) == (x.adding(years: m / 12) <= d), "used \(d) \(m) \(x)")
                }
            }
        }
    }

    @Test("The index's eligible-only rank is rank() for eligible firms and nil for the rest")
    func eligibleRankAgrees() {
        var r = MatchRandom(seed: 21)
        var seen = (eligible: 0, not: 0)
        for i in 0..<2_000 {
            let asOf = r.date("2024-01-01", "2026-12-31")
            let firm = r.firm(id: Int64(i + 1))
            let basis = MatchEngine.RankBasis(firm: firm, assets: r.portfolio(firm: firm.id, count: 0...8), asOf: asOf)
            let product = r.product(id: Int64(i % 7 + 1))
            let full = MatchEngine.rank(basis, product: product)
            let fast = MatchEngine.eligibleRank(basis, plan: MatchEngine.RankPlan(product, asOf: asOf))
            #expect(fast == (full.eligible ? full : nil))
            if full.eligible { seen.eligible += 1 } else { seen.not += 1 }
        }
        #expect(seen.eligible > 100 && seen.not > 100)
    }

    @Test("Rules that never or always hold have no boundary or the calendar's end")
    func boundaryEdges() {
        #expect(Bisect.firstDay { _ in false } == nil)
        #expect(Bisect.firstDay { _ in true } == .earliest)
        #expect(Bisect.lastDay { _ in false } == nil)
        #expect(Bisect.lastDay { _ in true } == .latest)
        // A term so long no day completes it.
        #expect(Bisect.lastDay { $0.adding(years: 20_000) <= MatchFixture.today } == nil)
    }
}

private extension Array {
    func striding(by step: Int) -> [Element] { stride(from: 0, to: count, by: step).map { self[$0] } }
}
