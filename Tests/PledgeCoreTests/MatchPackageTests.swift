@testable import PledgeTooling
import Testing
@testable import PledgeCore

private let failing = GateResult(code: .assetNotPledged, passed: false, zh: "已出质", en: "pledged")

private func verdict(_ id: Int64, lendable: Fen, eligible: Bool = true) -> AssetVerdict {
    AssetVerdict(assetId: id, type: .invention, gates: eligible ? [] : [failing], lendableFen: lendable, valuePoints: 50)
}

/// The objective spelled out the slow way: every subset, ordered by (count, Σ value, sorted ids).
private func bruteForce(_ amount: Fen, _ vs: [AssetVerdict], _ values: [Int64: Fen]) -> PledgePackage? {
    guard amount > 0 else { return nil }
    let items = vs.filter { $0.eligible && $0.lendableFen > 0 }
    var best: (count: Int, value: Fen, ids: [Int64], lend: Fen)?
    for mask in 0..<(1 << items.count) {
        let picked = items.indices.filter { mask & (1 << $0) != 0 }.map { items[$0] }
        let lend = picked.reduce(0) { $0 + $1.lendableFen }
        guard lend >= amount else { continue }
        let value = picked.reduce(0) { $0 + (values[$1.assetId] ?? 0) }
        let ids = picked.map(\.assetId).sorted()
        if let b = best {
            let better = picked.count != b.count ? picked.count < b.count
                : value != b.value ? value < b.value : ids.lexicographicallyPrecedes(b.ids)
            if !better { continue }
        }
        best = (picked.count, value, ids, lend)
    }
    return best.map { PledgePackage(assetIds: $0.ids, lendableFen: $0.lend, pledgedValueFen: $0.value) }
}

@Suite("Matching: pledge package")
struct MatchPackageTests {
    @Test("Fewest assets first, then the least appraised value, then the smallest ids")
    func objective() {
        let vs = [verdict(1, lendable: 100), verdict(2, lendable: 60), verdict(3, lendable: 50), verdict(4, lendable: 40),
                  verdict(5, lendable: 500, eligible: false)]
        let values: [Int64: Fen] = [1: 400, 2: 150, 3: 120, 4: 200, 5: 10]
        // One asset reaches 90: #1 alone.
        #expect(MatchEngine.package(for: 90, among: vs, values: values) == PledgePackage(assetIds: [1], lendableFen: 100, pledgedValueFen: 400))
        // 150 needs two: {1,3} = 150 lendable at value 520 beats {1,2} (550); {2,3} = 110 is short.
        #expect(MatchEngine.package(for: 150, among: vs, values: values)?.assetIds == [1, 3])
        // 101 needs two; the cheapest pair reaching 101 is {2,3} (110 lendable, value 270).
        #expect(MatchEngine.package(for: 101, among: vs, values: values)?.assetIds == [2, 3])
        // Equal value: ids decide.
        let tied = [verdict(9, lendable: 10), verdict(3, lendable: 10), verdict(7, lendable: 10)]
        #expect(MatchEngine.package(for: 20, among: tied, values: [9: 5, 3: 5, 7: 5])?.assetIds == [3, 7])
    }

    @Test func noPackage() {
        let vs = [verdict(1, lendable: 100), verdict(2, lendable: 900, eligible: false)]
        #expect(MatchEngine.package(for: 101, among: vs, values: [:]) == nil)
        #expect(MatchEngine.package(for: 0, among: vs, values: [:]) == nil)
        #expect(MatchEngine.package(for: -5, among: vs, values: [:]) == nil)
        #expect(MatchEngine.package(for: 1, among: [], values: [:]) == nil)
        #expect(MatchEngine.package(for: 100, among: vs, values: [:])?.assetIds == [1])
    }

    @Test("Exact against brute force on random small portfolios (≤ 12 assets, many ties)")
    func minimalAgainstBruteForce() {
        var r = MatchRandom(seed: 20_251_015)
        for _ in 0..<3_000 {
            let n = r.rng.int(0...12)
            var vs: [AssetVerdict] = [], values: [Int64: Fen] = [:]
            for i in 0..<n {
                let id = Int64(r.rng.int(1...60)) * 100 + Int64(i)
                let lend = r.rng.chance(percent: 10) ? 0 : Fen(r.rng.int(1...12)) * 100
                vs.append(verdict(id, lendable: lend, eligible: r.rng.chance(percent: 85)))
                if r.rng.chance(percent: 95) { values[id] = Fen(r.rng.int(0...8)) * 1_000 }
            }
            let total = vs.filter(\.eligible).reduce(0) { $0 + $1.lendableFen }
            let amount = Fen(r.rng.int(-1...Int(total) + 200))
            let got = MatchEngine.package(for: amount, among: vs, values: values)
            #expect(got == bruteForce(amount, vs, values), "amount \(amount), verdicts \(vs.map { ($0.assetId, $0.lendableFen, $0.eligible, values[$0.assetId]) })")
        }
    }

    @Test("Forty assets: exact and fast enough, including fully tied portfolios")
    func fortyAssets() {
        var r = MatchRandom(seed: 7)
        for round in 0..<200 {
            var vs: [AssetVerdict] = [], values: [Int64: Fen] = [:]
            for i in 0..<40 {
                let lend = round % 4 == 0 ? 1_000 : Fen(r.rng.int(1...50)) * 1_000
                vs.append(verdict(Int64(i + 1), lendable: lend))
                values[Int64(i + 1)] = round % 4 == 0 ? 7_000 : Fen(r.rng.int(1...30)) * 10_000
            }
            let total = vs.reduce(0) { $0 + $1.lendableFen }
            let amount = Fen(r.rng.int(1...Int(total)))
            guard let p = MatchEngine.package(for: amount, among: vs, values: values) else {
                Issue.record("a package must exist for \(amount) ≤ \(total)"); continue
            }
            #expect(p.lendableFen >= amount)
            // No smaller count can reach the amount: the p.count − 1 largest lendables fall short.
            let largest = vs.map(\.lendableFen).sorted(by: >)
            #expect(largest.prefix(p.assetIds.count - 1).reduce(0, +) < amount)
            #expect(p.assetIds == p.assetIds.sorted())
            if round % 4 == 0 { #expect(p.assetIds == Array(1...Int64(p.assetIds.count))) }
        }
    }

    @Test("evaluate's package is the brute-force optimum over its own eligible assets")
    func evaluateUsesTheOptimum() {
        var r = MatchRandom(seed: 99)
        var checked = 0
        for i in 0..<600 {
            let firm = r.firm(id: Int64(i + 1))
            let product = r.product(id: 1)
            let asOf = r.date("2025-01-01", "2025-12-31")
            let assets = r.portfolio(firm: firm.id, count: 0...10)
            let amount: Fen? = r.rng.chance(percent: 50) ? nil : r.rng.logUniform(100_000...2_000_000_000)
            let result = MatchEngine.evaluate(firm: firm, assets: assets, product: product,
                                              request: LoanRequest(asOf: asOf, amountFen: amount))
            let values = Dictionary(uniqueKeysWithValues: assets.map { ($0.id, $0.valuation?.valueFen ?? 0) })
            #expect(result.package == bruteForce(result.amountFen, result.assets, values))
            let uncapped = result.assets.reduce(0) { $0 + $1.lendableFen }
            #expect(result.shortfallFen == (result.package == nil ? max(0, result.amountFen - uncapped) : 0))
            if result.package != nil { checked += 1 }
        }
        #expect(checked > 50)
    }
}
