import Logging
import PledgeCore
import PostgresNIO

/// What a snapshot returns besides its firms and assets, which it hands over one by one.
public struct MatchSnapshotHead: Sendable {
    /// The change number the snapshot includes everything up to.
    public var clock: Int64
    public var products: [MatchProduct]
    public var licences: [MatchLicence]
}

/// What changed since a clock value, with the changed firms already reloaded: the firms and
/// products to replace, the firms' current state (absent when archived) and assets.
/// `assets` holds every current asset of the firms in `wholeFirmIds`, and of the other changed
/// firms only the current rows of `assetIds` (an id there with no row was archived or removed).
public struct EngineChanges: Sendable {
    public var clock: Int64
    public var firmIds: Set<Int64>
    public var productIds: Set<Int64>
    public var licencesChanged: Bool
    /// A ledger entry or a programme target changed: what the progress reports are made of.
    public var ledgerChanged = false
    /// A row of the firms table itself changed (not only a firm's assets): what the firm list shows.
    public var firmRowsChanged = false
    public var wholeFirmIds: Set<Int64> = []
    public var assetIds: Set<Int64> = []
    public var firms: [MatchFirm] = []
    public var assets: [MatchAsset] = []
    public var isEmpty: Bool { firmIds.isEmpty && productIds.isEmpty && !licencesChanged && !ledgerChanged && !firmRowsChanged }
}

/// Takes its share of a snapshot's assets (`MatchingRepository.snapshot`), one at a time from one
/// task: a sink is never fed from two tasks at once.
public protocol SnapshotAssetSink: AnyObject, Sendable {
    func take(_ asset: MatchAsset)
}

/// A caller's `sinks` made another number of sinks than the parts it was asked for.
struct SnapshotSinkCount: Error, CustomStringConvertible {
    let wanted: Int, got: Int
    var description: String { "The snapshot reads its assets in \(wanted) parts, but \(got) sinks were made for them" }
}

/// Keeps the assets of the firms in `held`, as they come.
final class CollectingSink: SnapshotAssetSink, @unchecked Sendable {
    let held: Set<Int64>
    private(set) var assets: [MatchAsset] = []
    init(held: Set<Int64>) { self.held = held }
    func take(_ asset: MatchAsset) { if held.contains(asset.firmId) { assets.append(asset) } }
}

/// `pg_export_snapshot()` answered something that is not a snapshot id.
struct UnexpectedSnapshotId: Error, CustomStringConvertible {
    let id: String
    var description: String { "pg_export_snapshot() returned \(id.debugDescription), not a snapshot id" }
}

public struct MatchingRepository: Sendable {
    /// The engine's own pool: every wait for one of its connections is bounded (Database.withLease),
    /// so an outage fails the engine's answer fast instead of hanging it.
    let pool: Database
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.pool = Database(client)
        self.logger = logger
    }

    /// Everything, read in one repeatable-read snapshot so the clock and the rows agree: every
    /// firm to `firm`, then every asset to one of the sinks `sinks` makes once the firms are read,
    /// in no particular order (an archived firm's too: a sink drops an asset whose firm it was not
    /// handed). Handed over row by row, so the caller can keep them compactly instead of as five
    /// million `MatchAsset`s. The assets come in `assetParts` parts (by firm id), one on each of the
    /// index's two connections in the same (exported) snapshot, each decoded by a task of its own:
    /// decoding them in the service took longer than the database takes to produce them. The first
    /// part is asked for before the firms are read, so the database prepares it meanwhile.
    public func snapshot(firm: (MatchFirm) -> Void, sinks: (Int) -> [any SnapshotAssetSink]) async throws -> MatchSnapshotHead {
        try await pool.withLease { conn in
            try await wholeTableRead(conn) {
                let clock = try await currentClock(conn)
                let exported = try await exportSnapshot(conn)
                try await pool.withLease { assetsConn in
                    try await wholeTableRead(assetsConn, snapshot: exported) {
                        let first = try await assetsConn.run(PostgresQuery(unsafeSQL: Self.allAssetsSelect(part: 0, of: Self.assetParts)),
                                                             logger: logger)
                        try await readFirms(conn, into: firm)
                        let parts = sinks(Self.assetParts)
                        guard parts.count == Self.assetParts else { throw SnapshotSinkCount(wanted: Self.assetParts, got: parts.count) }
                        let second = try await conn.run(PostgresQuery(unsafeSQL: Self.allAssetsSelect(part: 1, of: Self.assetParts)),
                                                        logger: logger)
                        try await Self.decodeAssets(zip([first, second], parts))
                    }
                }
                return MatchSnapshotHead(clock: clock, products: try await products(conn, ids: nil), licences: try await licences(conn))
            }
        }
    }

    /// The parts the snapshot's assets are read in: one per connection of the index's pool.
    static let assetParts = 2

    private func readFirms(_ conn: PostgresConnection, into firm: (MatchFirm) -> Void) async throws {
        let rows = try await conn.run(PostgresQuery(unsafeSQL: Self.allFirmsSelect + " WHERE f.archived_at IS NULL"), logger: logger)
        for try await row in rows { firm(try Self.decodeFirm(row.makeRandomAccess())) }
    }

    /// Each part's rows decoded into its sink by a task of its own.
    private static func decodeAssets(_ parts: some Sequence<(PostgresRowSequence, any SnapshotAssetSink)>) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (rows, sink) in parts {
                group.addTask { for try await row in rows { sink.take(try decodeAsset(row.makeRandomAccess())) } }
            }
            try await group.waitForAll()
        }
    }

    /// `body` in a read-only repeatable-read transaction, in the `snapshot` another transaction
    /// exported when given. The whole tables are read: hashes and one sort of the valuations in
    /// memory, not millions of index lookups, on parallel workers while the index waits for the
    /// first row (the default costs keep 5 million rows off a Gather); compiling the plans would
    /// cost more than it saves.
    private func wholeTableRead<T>(_ conn: PostgresConnection, snapshot: String? = nil,
                                   _ body: () async throws -> T) async throws -> T {
        _ = try await conn.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
        do {
            if let snapshot { _ = try await conn.run(PostgresQuery(unsafeSQL: "SET TRANSACTION SNAPSHOT '\(snapshot)'"), logger: logger) }
            _ = try await conn.run("""
                SELECT set_config('work_mem', '512MB', true), set_config('jit', 'off', true),
                       set_config('parallel_tuple_cost', '0.001', true), set_config('parallel_setup_cost', '10', true)
                """, logger: logger)
            let result = try await body()
            _ = try await conn.run("COMMIT", logger: logger)
            return result
        } catch {
            _ = try? await conn.run("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// The transaction's snapshot for another connection to share; its id is the server's own
    /// (hex digits and dashes), checked before it is written into `SET TRANSACTION SNAPSHOT`.
    private func exportSnapshot(_ conn: PostgresConnection) async throws -> String {
        let rows = try await conn.run("SELECT pg_export_snapshot()", logger: logger).collect()
        let id = try rows.first?.decode(String.self) ?? ""
        guard !id.isEmpty, id.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw UnexpectedSnapshotId(id: id)
        }
        return id
    }

    /// Everything at once (tests and tools at small sizes).
    public func snapshot() async throws -> (head: MatchSnapshotHead, firms: [MatchFirm], assets: [MatchAsset]) {
        var firms: [MatchFirm] = [], parts: [CollectingSink] = []
        let head = try await snapshot(firm: { firms.append($0) }, sinks: { n in
            let held = Set(firms.map(\.id))
            parts = (0..<n).map { _ in CollectingSink(held: held) }
            return parts
        })
        return (head, firms, parts.flatMap(\.assets))
    }

    public func clock() async throws -> Int64 {
        try await pool.withLease { try await currentClock($0) }
    }

    /// The change log after `clock` and the changed firms' current rows, in one snapshot: a catch-up
    /// runs before every answer, so its round trips are the engine's latency (one when nothing
    /// changed, which is nearly always; two otherwise).
    public func changes(after clock: Int64) async throws -> EngineChanges {
        try await pool.withLease { conn in try await changes(after: clock, on: conn) }
    }

    private func changes(after clock: Int64, on conn: PostgresConnection) async throws -> EngineChanges {
        var result = EngineChanges(clock: clock, firmIds: [], productIds: [], licencesChanged: false)
        // Nearly every catch-up finds nothing new, and the full statement is planned afresh each
        // time (about 1.6 ms of the database's CPU, most of a bank officer's page under load). The
        // clock steps under its row lock, so a clock no further than ours means no change after it.
        guard try await currentClock(conn) > clock else { return result }
        let rows = try await conn.run(ChangesStatement(after: clock), logger: logger)
        // Every row repeats the summary and the firm; each is decoded once.
        var first = true
        for row in rows {
            let r = row.makeRandomAccess()
            if first {
                first = false
                result = try ChangesStatement.header(r)
            }
            let firmId = try r[ChangesStatement.firmAt].decode(Int64?.self)
            if let firmId, result.firms.last?.id != firmId {
                result.firms.append(try Self.decodeFirm(r, at: ChangesStatement.firmAt))
            }
            if try r[ChangesStatement.assetAt].decode(Int64?.self) != nil {
                result.assets.append(try Self.decodeAsset(r, at: ChangesStatement.assetAt))
            }
        }
        return result
    }

    /// Deletes change-log rows older than `days` days and returns how many went. An index catches
    /// up only from a snapshot taken the same Beijing day (a new day rebuilds it), so older rows are
    /// read by no one; the margin covers clocks and long transactions.
    @discardableResult
    public func pruneChanges(olderThanDays days: Int = 2) async throws -> Int {
        let rows = try await pool.withLease { conn in try await conn.run("""
            WITH gone AS (DELETE FROM engine_changes WHERE changed_at < now() - make_interval(days => \(Int32(days))) RETURNING 1)
            SELECT count(*) FROM gone
            """, logger: logger).collect() }
        return try rows.first?.decode(Int.self) ?? 0
    }

    /// One firm and its assets as the engine sees them, read through `db` so a request's transaction
    /// (and the row locks it holds) applies: the gates checked again on approval and disbursement.
    public func firm(_ id: Int64, using db: Database) async throws -> (firm: MatchFirm, assets: [MatchAsset])? {
        let firms = try await db.query(PostgresQuery(unsafeSQL: Self.firmSelect + " WHERE f.archived_at IS NULL AND f.id = $1",
                                                     binds: PostgresBindings.one(id)), logger: logger)
        guard let firm = try await decodeAll(firms, { try Self.decodeFirm($0) }).first else { return nil }
        let assets = try await db.query(PostgresQuery(unsafeSQL: Self.assetSelect + " WHERE a.archived_at IS NULL AND a.firm_id = $1",
                                                      binds: PostgresBindings.one(id)), logger: logger)
        return (firm, try await decodeAll(assets, { try Self.decodeAsset($0) }))
    }

    public func product(_ id: Int64, using db: Database) async throws -> MatchProduct? {
        try await db.withConnection { try await products($0, ids: [id]).first }
    }

    public func products(_ ids: Set<Int64>) async throws -> [MatchProduct] {
        try await pool.withLease { try await products($0, ids: Array(ids)) }
    }

    public func licences() async throws -> [MatchLicence] {
        try await pool.withLease { try await licences($0) }
    }

    private func currentClock(_ conn: PostgresConnection) async throws -> Int64 {
        try await conn.run(ClockStatement(), logger: logger).first?.decode(Int64.self) ?? 0
    }

    private func products(_ conn: PostgresConnection, ids: [Int64]?) async throws -> [MatchProduct] {
        let rows = try await conn.run("""
            SELECT \(unescaped: ProductRepository.columns) FROM loan_products p
            WHERE p.archived_at IS NULL AND (\(ids)::bigint[] IS NULL OR p.id = ANY(\(ids)))
            ORDER BY p.id
            """, logger: logger)
        return try await decodeAll(rows, ProductRepository.decode).map(Self.matchProduct)
    }

    public static func matchProduct(_ s: Stored<ProductInput>) -> MatchProduct {
        let p = s.fields
        var terms: [IPType: MatchProduct.Term] = [:]
        for t in p.ipTerms {
            if let type = IPType(rawValue: t.ipType) {
                terms[type] = .init(loanToValueBp: t.loanToValueBp, minRemainingLifeMonths: t.minRemainingLifeMonths)
            }
        }
        return MatchProduct(id: s.id, bankId: p.bankId, terms: terms, minAmountFen: p.minAmountFen, maxAmountFen: p.maxAmountFen,
                            minTermMonths: p.minTermMonths, maxTermMonths: p.maxTermMonths,
                            eligibleIndustries: Set(p.eligibleIndustries), valuationValidityMonths: p.valuationValidityMonths,
                            minYearsOperating: p.minYearsOperating, minTrademarkUseYears: p.minTrademarkUseYears,
                            weights: p.weights)
    }

    private func licences(_ conn: PostgresConnection) async throws -> [MatchLicence] {
        let rows = try await conn.run("""
            SELECT id, mark_asset_id, firm_id, valid_from, valid_until FROM gi_licences WHERE archived_at IS NULL ORDER BY id
            """, logger: logger)
        var result: [MatchLicence] = []
        for try await (id, mark, firm, from, until) in rows.decode((Int64, Int64, Int64, CivilDate, CivilDate).self) {
            result.append(MatchLicence(id: id, markAssetId: mark, licenseeFirmId: firm, validFrom: from, validUntil: until))
        }
        return result
    }
}

/// The engine's clock: the whole of nearly every catch-up, so prepared once per connection. As an
/// unnamed statement it was planned on each call, ten times the time it took to run (0.057 ms
/// against 0.006 ms under a stream of a bank officer's pages).
struct ClockStatement: PostgresPreparedStatement {
    static let sql = "SELECT n FROM engine_clock WHERE id = 1"
    static let bindingDataTypes: [PostgresDataType] = []

    func makeBindings() -> PostgresBindings { PostgresBindings() }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// One row per reloaded asset of each changed firm (or one per firm with none, or one with neither
/// when only products changed), each carrying the change log's summary. A change naming an asset
/// reloads that asset; one naming only the firm reloads all the firm's assets.
/// Prepared, so its plan can be made once per connection: planning the lateral joins (1.3 ms) took
/// longer than running them (0.2 ms). PostgreSQL keeps a generic plan only when its estimate is no
/// worse than the custom plans', and as the change log grows it never is; so the engine's pool
/// forces generic plans (`DatabaseURL.engine`). The closed range on n keeps that plan's row
/// estimate small (0.5% of the log, not a third).
struct ChangesStatement: PostgresPreparedStatement {
    static let firmColumns = MatchingRepository.FirmColumn.allCases.count
    static let sql = """
        WITH c AS MATERIALIZED (SELECT n, firm_id, product_id, asset_id, source FROM engine_changes
                                WHERE n > $1 AND n < $1 + 1000000000000),
        w AS MATERIALIZED (SELECT DISTINCT firm_id FROM c WHERE firm_id IS NOT NULL AND asset_id IS NULL),
        h AS (SELECT coalesce(max(n), $1) AS clock,
                     coalesce(array_agg(DISTINCT firm_id) FILTER (WHERE firm_id IS NOT NULL), '{}') AS firm_ids,
                     coalesce(array_agg(DISTINCT product_id) FILTER (WHERE product_id IS NOT NULL), '{}') AS product_ids,
                     coalesce(bool_or(source = 'gi_licences'), false) AS licences,
                     (SELECT coalesce(array_agg(firm_id), '{}') FROM w) AS whole_firm_ids,
                     coalesce(array_agg(DISTINCT asset_id) FILTER (WHERE asset_id IS NOT NULL), '{}') AS asset_ids,
                     coalesce(bool_or(source IN ('loan_entries', 'programme_targets', 'report_rollups')), false) AS ledger,
                     coalesce(bool_or(source = 'firms'), false) AS firm_rows
              FROM c),
        f AS (\(MatchingRepository.firmSelect) WHERE f.archived_at IS NULL AND f.id IN (SELECT firm_id FROM c)),
        a AS (\(MatchingRepository.assetSelect) WHERE a.archived_at IS NULL AND a.firm_id IN (SELECT firm_id FROM w)
              UNION ALL
              \(MatchingRepository.assetSelect)
              WHERE a.archived_at IS NULL AND a.firm_id NOT IN (SELECT firm_id FROM w)
                AND (a.firm_id, a.id) IN (SELECT firm_id, asset_id FROM c WHERE asset_id IS NOT NULL))
        SELECT h.*, f.*, a.*
        FROM h LEFT JOIN f ON true LEFT JOIN a ON a.firm_id = f.id
        ORDER BY \(firmAt + 1), \(assetAt + 1)
        """

    static let firmAt = 8
    static let assetAt = firmAt + firmColumns

    var after: Int64

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(after)
        return bindings
    }

    /// Rows are decoded by `MatchingRepository.changes`, which reads each firm's columns once.
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }

    /// The change log's summary, which every row repeats.
    static func header(_ r: PostgresRandomAccessRow) throws -> EngineChanges {
        EngineChanges(clock: try r[0].decode(Int64.self), firmIds: Set(try r[1].decode([Int64].self)),
                      productIds: Set(try r[2].decode([Int64].self)), licencesChanged: try r[3].decode(Bool.self),
                      ledgerChanged: try r[6].decode(Bool.self), firmRowsChanged: try r[7].decode(Bool.self),
                      wholeFirmIds: Set(try r[4].decode([Int64].self)), assetIds: Set(try r[5].decode([Int64].self)))
    }
}
