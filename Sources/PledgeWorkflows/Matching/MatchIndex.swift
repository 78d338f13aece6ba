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
    private var firms: [Int64: MatchFirm] = [:]
    private var assets: [Int64: [MatchAsset]] = [:]
    /// Which IP types each firm holds, one bit per IPType case, for the ipType filter.
    private var heldTypes: [Int64: UInt8] = [:]
    /// Which firm holds each asset, to find a GI mark's owner.
    private var assetOwner: [Int64: Int64] = [:]
    private var products: [Int64: MatchProduct] = [:]
    private var licences: [MatchLicence] = []
    private var rankings: [Int64: SortedBlocks<CandidateKey>] = [:]
    private var keys: [Int64: [Int64: CandidateKey]] = [:]
    private var catchingUp: Task<Void, any Error>?
    /// The catch-up queued behind the one in progress, not started yet: every caller that comes
    /// meanwhile waits for it, as its read of the change log still begins after their call.
    private var queued: Task<Void, any Error>?

    public init(repository: MatchingRepository, logger: Logger, today: @escaping @Sendable () -> CivilDate) {
        self.repository = repository
        self.logger = logger
        self.today = today
        self.asOf = today()
    }

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
        if !changes.productIds.isEmpty { try await reloadProducts(changes.productIds) }
        if changes.licencesChanged { licences = try await repository.licences() }
        if !changes.firmIds.isEmpty { replaceFirms(changes) }
        clock = changes.clock
    }

    /// Loads everything and ranks every firm under every product.
    public func rebuild(asOf day: CivilDate) async throws {
        let started = ContinuousClock.now
        let snapshot = try await repository.snapshot()
        asOf = day
        clock = snapshot.clock
        firms = Dictionary(uniqueKeysWithValues: snapshot.firms.map { ($0.id, $0) })
        assets = Dictionary(grouping: snapshot.assets, by: \.firmId)
        heldTypes = assets.mapValues(Self.typeMask)
        assetOwner = Dictionary(uniqueKeysWithValues: snapshot.assets.map { ($0.id, $0.firmId) })
        products = Dictionary(uniqueKeysWithValues: snapshot.products.map { ($0.id, $0) })
        licences = snapshot.licences
        rankings = [:]
        keys = [:]
        for ranked in await Self.rank(firms: firms, assets: assets, under: Array(products.values), asOf: day) {
            rankings[ranked.productId] = ranked.ranking
            keys[ranked.productId] = ranked.keys
        }
        loaded = true
        await pruneChangeLog()
        logger.info("Matching index built", metadata: [
            "firms": "\(firms.count)", "assets": "\(snapshot.assets.count)", "products": "\(products.count)",
            "asOf": "\(day)", "took": "\(ContinuousClock.now - started)"])
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

    private func rankAll(under product: MatchProduct) {
        let ranked = Self.rank(firms: firms, assets: assets, under: product, asOf: asOf)
        rankings[product.id] = ranked.ranking
        keys[product.id] = ranked.keys
    }

    struct ProductRanking: Sendable {
        var productId: Int64
        var ranking: SortedBlocks<CandidateKey>
        var keys: [Int64: CandidateKey]
    }

    /// Every product's ranking, computed on all cores: products are independent, and a full build
    /// (every firm under every product) is most of the time the day's first answer waits for.
    static func rank(firms: [Int64: MatchFirm], assets: [Int64: [MatchAsset]], under products: [MatchProduct],
                     asOf: CivilDate) async -> [ProductRanking] {
        await withTaskGroup(of: ProductRanking.self) { group in
            for product in products {
                group.addTask { rank(firms: firms, assets: assets, under: product, asOf: asOf) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    static func rank(firms: [Int64: MatchFirm], assets: [Int64: [MatchAsset]], under product: MatchProduct,
                     asOf: CivilDate) -> ProductRanking {
        var entries: [CandidateKey] = []
        var byFirm: [Int64: CandidateKey] = [:]
        entries.reserveCapacity(firms.count)
        for firm in firms.values {
            if let key = key(for: firm, assets: assets[firm.id] ?? [], under: product, asOf: asOf) {
                entries.append(key)
                byFirm[firm.id] = key
            }
        }
        return ProductRanking(productId: product.id, ranking: SortedBlocks(entries), keys: byFirm)
    }

    private func key(for firm: MatchFirm, under product: MatchProduct) -> CandidateKey? {
        Self.key(for: firm, assets: assets[firm.id] ?? [], under: product, asOf: asOf)
    }

    static func key(for firm: MatchFirm, assets: [MatchAsset], under product: MatchProduct, asOf: CivilDate) -> CandidateKey? {
        let entry = MatchEngine.rank(firm: firm, assets: assets, product: product, asOf: asOf)
        guard entry.eligible else { return nil }
        return CandidateKey(centiPoints: entry.centiPoints, capacityFen: entry.capacityFen, firmId: firm.id)
    }

    private func reloadProducts(_ ids: Set<Int64>) async throws {
        let fresh = try await repository.products(ids)
        for id in ids {
            products[id] = nil
            rankings[id] = nil
            keys[id] = nil
        }
        for product in fresh {
            products[product.id] = product
            rankAll(under: product)
        }
    }

    private func replaceFirms(_ changes: EngineChanges) {
        let reloaded = Dictionary(grouping: changes.assets, by: \.firmId)
        let current = Dictionary(uniqueKeysWithValues: changes.firms.map { ($0.id, $0) })
        // Every old owner is forgotten before any new one is noted: an asset moved between two
        // changed firms must end up owned by the one that holds it now, whichever comes first.
        for id in changes.firmIds {
            for asset in assets[id] ?? [] { assetOwner[asset.id] = nil }
        }
        for id in changes.firmIds {
            let old = assets[id] ?? []
            firms[id] = current[id]
            guard current[id] != nil else {
                // Archived: the firm and its assets leave the index.
                assets[id] = nil
                heldTypes[id] = nil
                continue
            }
            var new = reloaded[id] ?? []
            if !changes.wholeFirmIds.contains(id) {
                new += old.filter { !changes.assetIds.contains($0.id) }
                new.sort { $0.id < $1.id }
            }
            for asset in new { assetOwner[asset.id] = id }
            assets[id] = new.isEmpty ? nil : new
            heldTypes[id] = new.isEmpty ? nil : Self.typeMask(new)
        }
        applyRankings(for: changes.firmIds)
    }

    /// Re-ranks some firms under every product: remove the old key, insert the new one.
    private func applyRankings(for ids: Set<Int64>) {
        for product in products.values {
            for id in ids {
                if let old = keys[product.id]?[id] {
                    rankings[product.id]?.remove(old)
                    keys[product.id]?[id] = nil
                }
                guard let firm = firms[id], let key = key(for: firm, under: product) else { continue }
                rankings[product.id, default: SortedBlocks()].insert(key)
                keys[product.id, default: [:]][id] = key
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
        ranking.forEach(after: restricted == nil ? cursor : nil) { key in
            if let allowed = restricted {
                guard allowed.contains(key.firmId) else { return true }
                visibleRank += 1
                if let cursor, !(cursor < key) { return true }
            }
            if let min = filter.minCentiPoints, key.centiPoints < min { return false }
            if let min = filter.minCapacityFen, key.capacityFen < min { return true }
            guard let firm = firms[key.firmId] else { return true }
            if let industry = filter.industryCode, firm.industryCode != industry { return true }
            if let town = filter.town, firm.town != town { return true }
            if let type = filter.ipType, (heldTypes[firm.id] ?? 0) & Self.bit(type) == 0 { return true }
            page.append(RankedCandidate(rank: restricted == nil ? ranking.position(of: key) + 1 : visibleRank, key: key, firm: firm))
            return page.count < limit
        }
        return page
    }

    public func firm(_ id: Int64) -> (firm: MatchFirm, assets: [MatchAsset])? {
        firms[id].map { ($0, assets[id] ?? []) }
    }

    public func product(_ id: Int64) -> MatchProduct? { products[id] }

    public var allProducts: [MatchProduct] { products.values.sorted { $0.id < $1.id } }

    public func licences(ofMark assetId: Int64) -> [MatchLicence] {
        licences.filter { $0.markAssetId == assetId }
    }

    /// The asset, wherever it is held (for a GI mark's owner).
    public func asset(_ id: Int64) -> MatchAsset? {
        assetOwner[id].flatMap { owner in assets[owner]?.first { $0.id == id } }
    }

    public var stats: (firms: Int, assets: Int, products: Int, clock: Int64) {
        (firms.count, assets.values.reduce(0) { $0 + $1.count }, products.count, clock)
    }

    static func bit(_ type: IPType) -> UInt8 { 1 << UInt8(IPType.allCases.firstIndex(of: type)!) }

    static func typeMask(_ assets: [MatchAsset]) -> UInt8 { assets.reduce(0) { $0 | bit($1.type) } }
}
