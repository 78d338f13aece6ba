import Logging
import PledgeCore
import PledgeStore

/// The matching engine's in-memory index: every firm's ranking under every product, kept sorted.
/// PostgreSQL stays the truth: before answering, a reader catches up with the change log
/// (engine_changes), so no answer contradicts a write committed before the question was asked.
/// Catching up reloads only the firms and products that changed; a new day rebuilds everything,
/// because every date-based gate moves with it.
public actor MatchIndex {
    let repository: MatchingRepository
    let logger: Logger
    let today: @Sendable () -> CivilDate

    private var loaded = false
    /// The change number the index includes everything up to.
    package private(set) var clock: Int64 = 0
    public private(set) var asOf: CivilDate
    private var store = FirmStore()
    private var products: [Int64: MatchProduct] = [:]
    /// Each product prepared for ranking on `asOf` (`MatchEngine.RankPlan`), made with the products.
    private var plans: [Int64: MatchEngine.RankPlan] = [:]
    private var licences: [MatchLicence] = []
    /// Each product's eligible firms, best first. A firm's old key is not kept anywhere: it is
    /// ranked again from its old rows to be removed (the key depends on nothing else while the
    /// day and the product stay the same, and a new day or a changed product ranks afresh).
    private var rankings: [Int64: SortedBlocks<PackedKey>] = [:]
    private var catchingUp: Task<Void, any Error>?
    /// The catch-up queued behind the one in progress, not started yet: every caller that comes
    /// meanwhile waits for it, as its read of the change log still begins after their call.
    private var queued: Task<Void, any Error>?
    /// When what a firm's answers are made of last changed, as change numbers: the firm and its
    /// assets (only firms changed since the day's build are listed), any product, any licence; the
    /// build sets the last two to its own clock. A kept answer is good while its firm's stamp stays (`answerStamp`).
    private var firmChangedAt: [Int64: Int64] = [:]
    private var productsChangedAt: Int64 = 0
    private var licencesChangedAt: Int64 = 0
    /// When a ledger entry or a programme target last changed, as a change number: a kept progress
    /// report is good while this stays (`reportStamp`). The build sets it to its own clock.
    private var ledgerChangedAt: Int64 = 0
    /// When a row of the firms table last changed: a kept page of the firm list is good while this stays (`firmListStamp`).
    private var firmRowsChangedAt: Int64 = 0
    /// The last full build's two halves: reading the snapshot, and ranking.
    package private(set) var lastBuild: (read: Duration, rank: Duration)?

    /// Whether a question asked before the day's build is done is refused (`MatchIndexWarming`)
    /// rather than held until the build ends: what `serve` does, so that at the national tier a
    /// restart or a new day answers everything else at once and the engine's questions with 503.
    let refusesWhileWarming: Bool
    private var warming: Task<Void, Never>?

    public init(repository: MatchingRepository, logger: Logger, today: @escaping @Sendable () -> CivilDate,
                refusesWhileWarming: Bool = false) {
        self.repository = repository
        self.logger = logger
        self.today = today
        self.asOf = today()
        self.refusesWhileWarming = refusesWhileWarming
    }

    /// Whether the index holds today's build: until then it has nothing to answer from.
    public var isWarm: Bool { loaded && asOf == today() }

    /// `sync()` for a question. An index that refuses while warming throws `MatchIndexWarming`
    /// until today's build is done (starting one if none is under way) instead of answering from
    /// yesterday's rankings or holding the question for the whole build.
    public func syncForAnswer() async throws {
        if refusesWhileWarming && !isWarm {
            startWarming()
            throw MatchIndexWarming()
        }
        try await sync()
    }

    /// Builds in the background unless a build is under way; `warmUp` waits for it.
    public func startWarming() {
        guard warming == nil else { return }
        warming = Task {
            do {
                try await self.sync()
            } catch {
                // Not fatal: the next question starts another build.
                self.logger.error("Could not build the matching index", metadata: ErrorMetadata.of(error))
            }
            self.warmingEnded()
        }
    }

    public func warmUp() async {
        startWarming()
        await warming?.value
    }

    private func warmingEnded() { warming = nil }

    /// Brings the index up to the database: each call waits for a catch-up that started after it
    /// was called, so it sees every write committed before it, on any instance. Catch-ups run one
    /// after another, and the calls that arrive while one runs share the next: under load one read
    /// of the change log serves every request that came in during the previous one.
    public func sync() async throws {
        if let queued { return try await queued.value }
        let previous = catchingUp
        let task = Task { [previous] in
            _ = try? await previous?.value
            // From here on a new call queues a catch-up of its own: this one's read starts now.
            self.queued = nil
            try await self.catchUp()
        }
        queued = task
        catchingUp = task
        try await task.value
    }

    private func catchUp() async throws {
        let day = today()
        if !loaded || day != asOf {
            try await rebuild(asOf: day)
            return
        }
        try await apply(try await repository.changes(after: clock))
    }

    /// Applies what the change log said. `sync()` is the way in; the benchmark calls this directly
    /// to time the index's own part of a catch-up apart from the database read.
    package func apply(_ changes: EngineChanges) async throws {
        guard !changes.isEmpty, changes.clock > clock else { return }
        if !changes.productIds.isEmpty {
            try await reloadProducts(changes.productIds)
            productsChangedAt = changes.clock
        }
        if changes.licencesChanged {
            licences = try await repository.licences()
            licencesChangedAt = changes.clock
        }
        if changes.ledgerChanged { ledgerChangedAt = changes.clock }
        if changes.firmRowsChanged { firmRowsChangedAt = changes.clock }
        if !changes.firmIds.isEmpty {
            try replaceFirms(changes)
            for id in changes.firmIds { firmChangedAt[id] = changes.clock }
        }
        clock = changes.clock
    }

    /// Loads everything and ranks every firm under every product.
    public func rebuild(asOf day: CivilDate) async throws {
        let started = ContinuousClock.now
        let (fresh, head) = try await Self.load(repository)
        let read = ContinuousClock.now
        let products = Dictionary(uniqueKeysWithValues: head.products.map { ($0.id, $0) })
        let plans = products.mapValues { MatchEngine.RankPlan($0, asOf: day) }
        let rankings = try await IndexRanking.rankAll(fresh, plans: Array(plans.values), asOf: day)
        lastBuild = (read - started, ContinuousClock.now - read)
        // Swapped in whole, so no question sees half a build. Until here the previous build is held
        // too: a new day's rebuild briefly needs twice the index's memory.
        (store, self.products, self.plans, licences, self.rankings) = (fresh, products, plans, head.licences, rankings)
        asOf = day
        clock = head.clock
        (firmChangedAt, productsChangedAt, licencesChangedAt) = ([:], head.clock, head.clock)
        (ledgerChangedAt, firmRowsChangedAt) = (head.clock, head.clock)
        loaded = true
        await pruneChangeLog()
        logger.info("Matching index built", metadata: [
            "firms": "\(store.firmCount)", "assets": "\(store.assetCount)", "products": "\(products.count)",
            "asOf": "\(day)", "took": "\(ContinuousClock.now - started)", "read": "\(read - started)"])
    }

    /// The snapshot packed as it is read: its rows are never all held as `MatchAsset`s at once.
    private static func load(_ repository: MatchingRepository) async throws -> (FirmStore, MatchSnapshotHead) {
        var store = FirmStore()
        var failure: (any Error)?
        var parts: [FirmStore.Arrivals] = []
        let head = try await repository.snapshot(firm: { firm in
            do { try store.put(firm) } catch { failure = failure ?? error }
        }, sinks: { n in
            parts = (0..<n).map { _ in FirmStore.Arrivals(slots: store.slots) }
            return parts
        })
        store.finishLoading(parts.map(\.arriving))
        if let failure { throw failure }
        return (store, head)
    }

    /// Once a day, with the rebuild: the log would otherwise grow by a row per write forever.
    /// Failing is harmless (the rows wait for tomorrow), so it is logged, not thrown.
    private func pruneChangeLog() async {
        do {
            let pruned = try await repository.pruneChanges()
            if pruned > 0 { logger.info("Pruned the engine change log", metadata: ["rows": "\(pruned)"]) }
        } catch {
            logger.warning("Could not prune the engine change log", metadata: ErrorMetadata.of(error))
        }
    }

    private func reloadProducts(_ ids: Set<Int64>) async throws {
        let fresh = try await repository.products(ids)
        for id in ids {
            products[id] = nil
            plans[id] = nil
            rankings[id] = nil
        }
        for product in fresh {
            let plan = MatchEngine.RankPlan(product, asOf: asOf)
            products[product.id] = product
            plans[product.id] = plan
            rankings[product.id] = try IndexRanking.rank(store, under: plan, asOf: asOf)
        }
    }

    private func replaceFirms(_ changes: EngineChanges) throws {
        let reloaded = Dictionary(grouping: changes.assets, by: \.firmId)
        let current = Dictionary(uniqueKeysWithValues: changes.firms.map { ($0.id, $0) })
        let ids = changes.firmIds.sorted()
        let plans = Array(self.plans.values)
        // Old keys first, from the rows they were ranked from.
        for id in ids {
            guard let slot = store.slot(of: id), let basis = IndexRanking.basis(store, slot, asOf: asOf) else { continue }
            for plan in plans {
                if let old = try IndexRanking.key(for: basis, under: plan) { rankings[plan.product.id]?.remove(old) }
            }
            store.forgetMarks(slot)
        }
        var placed: [Int32] = []
        for id in ids {
            guard let firm = current[id] else {
                store.remove(id)   // archived: the firm and its assets leave the index
                continue
            }
            let old = store.slot(of: id).map { store.assets($0) } ?? []
            let slot = try store.put(firm)
            var new = reloaded[id] ?? []
            if !changes.wholeFirmIds.contains(id) {
                new += old.filter { !changes.assetIds.contains($0.id) }
                new.sort { $0.id < $1.id }
            }
            store.setAssets(new, slot: slot)
            placed.append(slot)
        }
        for slot in placed {
            store.noteMarks(slot)
            guard let basis = IndexRanking.basis(store, slot, asOf: asOf) else { continue }
            for plan in plans {
                guard let key = try IndexRanking.key(for: basis, under: plan) else { continue }
                rankings[plan.product.id, default: SortedBlocks()].insert(key)
            }
        }
    }

    // MARK: Reading

    /// One page of a product's eligible firms, filtered, after `cursor`.
    public func candidates(productId: Int64, filter: CandidateFilter, after cursor: CandidateKey?,
                           limit: Int) -> [RankedCandidate]? {
        guard products[productId] != nil else { return nil }
        guard let ranking = rankings[productId] else { return [] }
        var page: [RankedCandidate] = []
        // Limited to some firms (a bank's consenting ones), the rank is among those firms: a rank
        // counted over all would tell the bank how many firms it may not see rank above.
        let restricted = filter.firmIds
        var visibleRank = 0
        // Without a limit to some firms, the scan starts after the cursor; with one, from the front.
        let start: CandidateKey? = restricted == nil ? cursor : nil
        ranking.forEach(where: { start == nil || start! < $0.key }) { packed in
            let key = packed.key
            if let allowed = restricted {
                guard allowed.contains(key.firmId) else { return true }
                visibleRank += 1
                if let cursor, !(cursor < key) { return true }
            }
            if let min = filter.minCentiPoints, key.centiPoints < min { return false }
            if let min = filter.minCapacityFen, key.capacityFen < min { return true }
            guard let slot = self.store.slot(of: key.firmId), let firm = self.store.firms[Int(slot)] else { return true }
            if let industry = filter.industryCode, firm.industryCode != industry { return true }
            if let town = filter.town, firm.town != town { return true }
            if let type = filter.ipType, self.store.heldTypes[Int(slot)] & FirmStore.bit(type) == 0 { return true }
            page.append(RankedCandidate(rank: restricted == nil ? ranking.position(of: packed) + 1 : visibleRank, key: key, firm: firm))
            return page.count < limit
        }
        return page
    }

    public func firm(_ id: Int64) -> (firm: MatchFirm, assets: [MatchAsset])? {
        guard let slot = store.slot(of: id), let firm = store.firms[Int(slot)] else { return nil }
        return (firm, store.assets(slot))
    }

    public func product(_ id: Int64) -> MatchProduct? { products[id] }

    /// What a firm's answer (its products, explained) is made of, as of the last catch-up: the day
    /// and the last change to the firm, its assets, any product or any licence. Two equal stamps
    /// mean the same answer to the same question; nil for a firm the index does not hold.
    public func answerStamp(firmId: Int64) -> (asOf: CivilDate, changedAt: Int64)? {
        guard loaded, store.slot(of: firmId) != nil else { return nil }
        // The products' stamp is at least the build's clock, so an unchanged firm needs none of its own.
        return (asOf, max(firmChangedAt[firmId] ?? 0, productsChangedAt, licencesChangedAt))
    }

    /// What the progress reports are made of, as of the last catch-up: the day and the last change
    /// to the ledger or the programme's targets. Two equal stamps mean the same report.
    public func reportStamp() -> (asOf: CivilDate, changedAt: Int64)? {
        loaded ? (asOf, ledgerChangedAt) : nil
    }

    /// What a page of the firm list is made of, as of the last catch-up: the last change to any row
    /// of the firms table (an asset's change leaves the list as it is).
    public func firmListStamp() -> (asOf: CivilDate, changedAt: Int64)? {
        loaded ? (asOf, firmRowsChangedAt) : nil
    }

    public var allProducts: [MatchProduct] { products.values.sorted { $0.id < $1.id } }

    public func licences(ofMark assetId: Int64) -> [MatchLicence] {
        licences.filter { $0.markAssetId == assetId }
    }

    /// The asset, wherever it is held: a scan of every firm, for tests and tools.
    public func asset(_ id: Int64) -> MatchAsset? { store.asset(id) }

    /// A GI collective mark, wherever it is held (for batch credit); nil for any other asset.
    public func collectiveMark(_ id: Int64) -> MatchAsset? {
        store.markOwners[id].flatMap { owner in firm(owner)?.assets.first { $0.id == id } }
    }

    /// `keys`: firm–product pairs in the rankings (the eligible ones).
    public var stats: (firms: Int, assets: Int, products: Int, clock: Int64, keys: Int) {
        (store.firmCount, store.assetCount, products.count, clock, rankings.values.reduce(0) { $0 + $1.count })
    }
}

/// The engine's answer while its index is being built: 503 `index_warming`, come back shortly.
public struct MatchIndexWarming: Error, Sendable {}
