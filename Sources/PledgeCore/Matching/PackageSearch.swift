extension MatchEngine {
    /// The pledge package for `amountFen`: among eligible assets with something to lend, the subset whose
    /// Σ lendable ≥ amount that has (1) the fewest assets, then (2) the least Σ appraised value — so the
    /// firm keeps its other rights free for later loans — then (3) the lexicographically smallest sorted
    /// asset ids, so the answer is one and the same on every run.
    ///
    /// nil when the eligible assets together cannot cover the amount, and for an amount ≤ 0 (there is
    /// nothing to secure). `values` gives each asset's appraised value; a missing one counts as 0.
    public static func package(for amountFen: Fen, among verdicts: [AssetVerdict], values: [Int64: Fen]) -> PledgePackage? {
        guard amountFen > 0 else { return nil }
        var items: [PackageSearch.Item] = []
        var seen = Set<Int64>()
        for v in verdicts where v.lendableFen > 0 && v.eligible && seen.insert(v.assetId).inserted {
            items.append(.init(id: v.assetId, lendable: v.lendableFen, value: max(0, values[v.assetId] ?? 0)))
        }
        guard var search = PackageSearch(items: items, amount: amountFen) else { return nil }
        return search.run()
    }
}

/// Exact branch and bound. The minimum count k is known up front (the shortest prefix of the assets by
/// lendable, largest first); only subsets of exactly k assets are searched. They are visited in
/// ascending-id lexicographic order, so the first subset found at a given value is the tie-break winner,
/// and a branch is cut as soon as it cannot reach the amount or cannot beat the best value so far.
struct PackageSearch {
    struct Item { var id: Int64; var lendable: Fen; var value: Fen }

    let items: [Item]
    let amount: Fen
    let k: Int
    /// maxLend[i * (k + 1) + r]: Σ of the r largest lendables among items[i...]; minValue likewise for
    /// the r smallest values. Optimistic bounds for what the rest of a branch can add.
    let maxLend: [Fen]
    let minValue: [Fen]
    /// A branch survives only when its value can still be strictly below this.
    var bound: Fen
    var chosen: [Int] = []
    var best: [Int] = []

    init?(items unsorted: [Item], amount: Fen) {
        let byLendable = unsorted.map(\.lendable).sorted(by: >)
        var k = 0, acc: Fen = 0
        while acc < amount, k < byLendable.count { acc = Scoring.add(acc, byLendable[k]); k += 1 }
        guard acc >= amount else { return nil }
        let items = unsorted.sorted { $0.id < $1.id }
        let n = items.count
        var maxLend = [Fen](repeating: 0, count: (n + 1) * (k + 1))
        var minValue = [Fen](repeating: 0, count: (n + 1) * (k + 1))
        for i in 0..<n {
            let lend = items[i...].map(\.lendable).sorted(by: >)
            let vals = items[i...].map(\.value).sorted()
            var l: Fen = 0, v: Fen = 0
            for r in 1...k where r <= lend.count {
                l = Scoring.add(l, lend[r - 1]); v = Scoring.add(v, vals[r - 1])
                maxLend[i * (k + 1) + r] = l
                minValue[i * (k + 1) + r] = v
            }
        }
        // Seed the bound with the k largest lendables (feasible by the choice of k): everything at least
        // as good as it is still searched, and everything worse is cut from the start.
        let seed = items.sorted { ($0.lendable, -$0.value, -$0.id) > ($1.lendable, -$1.value, -$1.id) }.prefix(k)
        self.items = items
        self.amount = amount
        self.k = k
        self.maxLend = maxLend
        self.minValue = minValue
        self.bound = Scoring.add(seed.reduce(0) { Scoring.add($0, $1.value) }, 1)
    }

    mutating func run() -> PledgePackage {
        dfs(0, k, 0, 0)
        let picked = best.map { items[$0] }
        return PledgePackage(assetIds: picked.map(\.id),
                             lendableFen: picked.reduce(0) { Scoring.add($0, $1.lendable) },
                             pledgedValueFen: picked.reduce(0) { Scoring.add($0, $1.value) })
    }

    private mutating func dfs(_ i: Int, _ left: Int, _ lend: Fen, _ value: Fen) {
        if left == 0 {
            if lend >= amount && value < bound { bound = value; best = chosen }
            return
        }
        if items.count - i < left { return }
        let cell = i * (k + 1) + left
        if Scoring.add(lend, maxLend[cell]) < amount || Scoring.add(value, minValue[cell]) >= bound { return }
        chosen.append(i)
        dfs(i + 1, left - 1, Scoring.add(lend, items[i].lendable), Scoring.add(value, items[i].value))
        chosen.removeLast()
        dfs(i + 1, left, lend, value)
    }
}
