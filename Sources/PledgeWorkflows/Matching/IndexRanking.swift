import Foundation
import PledgeCore

/// A candidate key in 12 bytes: the score and capacity in one 64-bit word that orders as they
/// do (centiPoints < 2^14 above capacity < 2^50), and the firm id in 32 bits. 200 products over
/// 500,000 firms are 100 million keys; as `CandidateKey`s with a firm-to-key map beside them
/// they would not fit in memory.
struct PackedKey: Comparable, Sendable {
    private let high: UInt32
    private let low: UInt32
    let firm: UInt32

    static let capacityBits: UInt64 = 50

    /// nil when the key is out of range: scores are at most 10,000 and capacities at most a
    /// product's maximum amount (≤ Money.maxAmount < 2^50), so only a firm id past 2^32 can be.
    init?(_ k: CandidateKey) {
        guard (0..<(1 << 14)).contains(k.centiPoints), (0..<(Int64(1) << Self.capacityBits)).contains(k.capacityFen),
              let firm = UInt32(exactly: k.firmId) else { return nil }
        let score = UInt64(k.centiPoints) << Self.capacityBits | UInt64(k.capacityFen)
        high = UInt32(truncatingIfNeeded: score >> 32)
        low = UInt32(truncatingIfNeeded: score)
        self.firm = firm
    }

    private var score: UInt64 { UInt64(high) << 32 | UInt64(low) }

    var key: CandidateKey {
        CandidateKey(centiPoints: Int(score >> Self.capacityBits),
                     capacityFen: Fen(score & ((1 << Self.capacityBits) - 1)), firmId: Int64(firm))
    }

    /// As `CandidateKey`: higher score first, then larger capacity, then lower firm id.
    static func < (a: PackedKey, b: PackedKey) -> Bool {
        let x = a.score, y = b.score
        return x != y ? x > y : a.firm < b.firm
    }
}

/// Ranking firms under products: every key the index holds is made here.
enum IndexRanking {
    static func key(for basis: MatchEngine.RankBasis, under plan: MatchEngine.RankPlan) throws -> PackedKey? {
        guard let entry = MatchEngine.eligibleRank(basis, plan: plan) else { return nil }
        guard let key = PackedKey(CandidateKey(centiPoints: entry.centiPoints, capacityFen: entry.capacityFen, firmId: basis.firm.id))
        else { throw MatchIndexError.keyOutOfRange(firmId: basis.firm.id, productId: plan.product.id) }
        return key
    }

    /// The firm in `slot` ready to be ranked; nil for an empty slot.
    static func basis(_ store: FirmStore, _ slot: Int32, asOf: CivilDate) -> MatchEngine.RankBasis? {
        guard let firm = store.firms[Int(slot)] else { return nil }
        return MatchEngine.RankBasis(firm: firm, assets: store.assets(slot), asOf: asOf)
    }

    /// Every product's ranking over every firm, on all cores. Work is split by firms, not products:
    /// a firm's assets are unpacked once and ranked under every product while they are at hand.
    /// Each part sorts its own keys; the parts are then merged product by product, each part's
    /// keys freed as soon as they are merged, so the build needs little beyond the rankings.
    static func rankAll(_ store: FirmStore, plans: [MatchEngine.RankPlan], asOf: CivilDate) async throws -> [Int64: SortedBlocks<PackedKey>] {
        let parts = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let per = (store.slotCount + parts - 1) / max(1, parts)
        var runs = try await withThrowingTaskGroup(of: (Int, [[PackedKey]]).self) { group in
            for part in 0..<parts {
                let range = min(store.slotCount, part * per)..<min(store.slotCount, (part + 1) * per)
                group.addTask { (part, try rank(store, slots: range, under: plans, asOf: asOf)) }
            }
            var result = [[[PackedKey]]](repeating: [], count: parts)
            for try await (part, keys) in group { result[part] = keys }
            return result
        }
        var rankings: [Int64: SortedBlocks<PackedKey>] = [:]
        for (j, plan) in plans.enumerated() {
            var productRuns: [[PackedKey]] = []
            for part in runs.indices {
                productRuns.append(runs[part][j])
                runs[part][j] = []
            }
            rankings[plan.product.id] = SortedBlocks(mergingSorted: productRuns)
        }
        return rankings
    }

    /// One product's ranking over every firm (a changed product).
    static func rank(_ store: FirmStore, under plan: MatchEngine.RankPlan, asOf: CivilDate) throws -> SortedBlocks<PackedKey> {
        SortedBlocks(mergingSorted: try rank(store, slots: 0..<store.slotCount, under: [plan], asOf: asOf))
    }

    /// The sorted keys of the firms in `slots` under each product, in the products' order.
    static func rank(_ store: FirmStore, slots: Range<Int>, under plans: [MatchEngine.RankPlan], asOf: CivilDate) throws -> [[PackedKey]] {
        var keys = [[PackedKey]](repeating: [], count: plans.count)
        for j in keys.indices { keys[j].reserveCapacity(slots.count) }
        for slot in slots {
            guard let basis = basis(store, Int32(slot), asOf: asOf) else { continue }
            for j in plans.indices {
                if let key = try key(for: basis, under: plans[j]) { keys[j].append(key) }
            }
        }
        for j in keys.indices { keys[j].sort() }
        return keys
    }
}
