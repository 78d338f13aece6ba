import Foundation
import Logging
import PledgeCore
import PledgeImport
import PledgeStore
import PostgresNIO

/// What an import did (or, on a dry run, would do).
public struct ImportOutcome: Sendable {
    public var kind: ImportKind
    public var sheet: String
    public var header: [String] = []
    /// Data rows in the file, rows that passed every check, and what the merge did with them.
    public var rows = 0
    public var valid = 0
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    public var issues: [ImportIssue] = []
    public var ignoredHeaders: [String] = []
    /// Rows refused, with their cells as read, for a rejects file.
    public var rejected: [SheetRow] = []
    /// Whether the database was changed (false on a dry run, and when any row failed without --skip-invalid).
    public var written = false
    public var dryRun = false
    /// Where the load's time went, in seconds: checking the rows (on every core, alongside the
    /// database's work), staging them (COPY and the known keys), and the database's checks and merges.
    public var seconds = ImportSeconds()

    public var changedNothing: Bool { inserted == 0 && updated == 0 }
}

public struct ImportSeconds: Sendable {
    public var checking = 0.0
    public var loading = 0.0
    public var merging = 0.0
}

public enum ImportPhase: String, Sendable {
    case checking = "检查 checking"
    case loading = "载入 loading"
    case merging = "合并 merging"
}

public typealias ImportProgress = @Sendable (ImportPhase, _ done: Int, _ total: Int) -> Void

public struct ImportOptions: Sendable {
    public var dryRun: Bool
    public var skipInvalid: Bool
    public var actor: String
    public var requestId: String?
    public var today: CivilDate
    /// Extra transaction-local settings of the load's transaction (an API job lifts its pool's
    /// statement timeout for the load, which is its work).
    public var settings: [String: String]
    /// Rows checked, staged and merged at a time (nil: `ImportService.blockRows` for the file's size).
    public var blockRows: Int?
    public init(dryRun: Bool = false, skipInvalid: Bool = false, actor: String, requestId: String? = nil, today: CivilDate,
                settings: [String: String] = [:], blockRows: Int? = nil) {
        self.dryRun = dryRun; self.skipInvalid = skipInvalid; self.actor = actor; self.requestId = requestId; self.today = today
        self.settings = settings; self.blockRows = blockRows
    }
}

/// The one path every door (CLI, API) takes: parse and check every row with the core validators,
/// and in one transaction COPY the good rows into a temporary staging table, check what needs the
/// database (owners, assets, banks), and merge on natural keys in set-based statements, a block of
/// rows at a time while the next block is checked. A failure or an interruption anywhere leaves the
/// database as it was.
public struct ImportService: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The advisory lock key that serialises loads ("PMIMPORT" in ASCII).
    static let loadLock: Int64 = 0x504D_494D_504F_5254

    /// Reads through `Database`, so a caller that leased a connection (an API job) reads on it.
    public func reference(today: CivilDate, withFirms: Bool) async throws -> ImportReference {
        let client = Database(self.client)
        var industries: [ImportReference.Industry] = []
        for try await (code, zh, en) in try await client.query("SELECT code, name_zh, name_en FROM industries ORDER BY code", logger: logger)
            .decode((String, String, String).self) {
            industries.append(.init(code: code, zh: zh, en: en))
        }
        var firms: [(id: Int64, creditCode: String, name: String)] = []
        if withFirms {
            for try await (id, code, name) in try await client.query("SELECT id, credit_code, name FROM firms", logger: logger)
                .decode((Int64, String, String).self) {
                firms.append((id, code, name))
            }
        }
        return ImportReference(today: today, industries: industries, firms: firms)
    }

    public func run(_ kind: ImportKind, table: SheetTable, options: ImportOptions,
                    progress: ImportProgress? = nil) async throws -> ImportOutcome {
        let reference = try await self.reference(today: options.today, withFirms: kind != .firms)
        progress?(.checking, 0, table.rows.count)
        switch kind {
        case .firms:
            return try await load(FileParser.firmRows(table, reference: reference), kind: kind, plan: FirmPlan(), table: table, options: options, progress: progress)
        case .assets:
            return try await load(FileParser.assetRows(table, reference: reference), kind: kind, plan: AssetPlan(), table: table, options: options, progress: progress)
        case .valuations:
            return try await load(FileParser.valuationRows(table, reference: reference), kind: kind, plan: ValuationPlan(), table: table, options: options, progress: progress)
        case .licences:
            return try await load(FileParser.licenceRows(table, reference: reference), kind: kind, plan: LicencePlan(), table: table, options: options, progress: progress)
        case .loans:
            return try await load(FileParser.loanRows(table, reference: reference), kind: kind, plan: LoanPlan(), table: table, options: options, progress: progress)
        }
    }

    /// Rows per block for a file of `rows`: about sixteen blocks, none under 20,000 rows, so the
    /// first block (checked before the database has anything to do) and the last (merged after the
    /// checking is done) are short, and no block's statements cost much over its rows.
    public static func blockRows(_ rows: Int) -> Int { max(20_000, (rows + 15) / 16) }

    func load<P: MergePlan>(_ check: RowCheck<P.Row>, kind: ImportKind, plan: P, table source: SheetTable, options: ImportOptions,
                            progress: ImportProgress?) async throws -> ImportOutcome {
        let head = check.head
        var outcome = ImportOutcome(kind: kind, sheet: head.sheet)
        outcome.header = head.header
        outcome.rows = check.total
        outcome.ignoredHeaders = head.ignoredHeaders
        outcome.dryRun = options.dryRun
        // A file-level problem (a missing column, an amount without its unit) stops everything; its
        // rows are still checked, so the report names every problem at once.
        if !head.fileIssues.isEmpty {
            var check = check
            let file = check.all()
            outcome.issues = file.issues
            outcome.rejected = file.rejected
            outcome.valid = file.rows.count
            progress?(.checking, check.total, check.total)
            return outcome
        }
        // The merges note their changes in the engine's log themselves (0012_bulk_engine_notes.sql).
        var settings = options.settings
        if P.notesEngineChanges {
            settings["pledgematch.bulk_import"] = "on"
            // One-off statements over many rows: compiling them (JIT) costs more than it saves on
            // two cores, and the sorts by line fit in memory instead of spilling.
            settings["jit"] = "off"
            settings["work_mem"] = "64MB"
            // A block is a small part of the tables its statements join: probing their unique indexes
            // costs what the block holds, where a hash or merge join reads the whole table for every
            // block (the planner's choice once a table outgrows the block, quadratic over a file).
            settings["enable_hashjoin"] = "off"
            settings["enable_mergejoin"] = "off"
        }
        let session = Database.Session(actor: options.actor, requestId: options.requestId, settings: settings)
        let logger = self.logger
        // Loans stay one block: their merge builds tables of its own (LoanPlan), and they are few.
        // A file of more than one block starts with a quarter block: the database waits for it.
        let blockRows = P.notesEngineChanges ? max(1, options.blockRows ?? Self.blockRows(check.total)) : max(1, check.total)
        let firstRows = check.total > blockRows ? max(1, blockRows / 4) : blockRows
        return try await Database(client).inRequestTransaction(session, logger: logger) { conn in
            var outcome = outcome
            // One load at a time per database, whichever door it came through: two uploads of the same
            // file at once would otherwise both insert the same new keys, and the second fail on them;
            // in turn, the second finds the first's rows and changes nothing.
            _ = try await conn.run("SELECT pg_advisory_xact_lock(\(Self.loadLock))", logger: logger)
            var staging = Staging(plan: plan, kind: kind, header: head.header, sheet: head.sheet, logger: logger)
            try await staging.create(conn)
            let feed = BlockFeed(check, plan: plan, firstRows: firstRows, blockRows: blockRows, progress: progress)
            defer { feed.stop() }
            var tally = Tally()
            for await block in feed.blocks {
                try Task.checkCancellation()
                feed.took()
                tally.take(block)
                defer { feed.taken() }
                // All or nothing: after a row the service refused, the database has nothing left to do
                // (the rows are still checked, so the report names every problem).
                if tally.refusedHere && !options.skipInvalid { continue }
                progress?(.loading, tally.staged, check.total)
                try await staging.stage(block, conn)
                tally.staged += block.good
                let refused = try await staging.check(conn)
                tally.refuse(refused)
                if !refused.isEmpty {
                    if !options.skipInvalid { continue }
                    try await staging.drop(refused.map(\.line), conn)
                }
                // All or nothing: once the database refused a row, the blocks after are staged and
                // checked, to report theirs, but not merged.
                if tally.refusedThere && !options.skipInvalid { continue }
                progress?(.merging, tally.merged, check.total)
                tally.add(try await staging.merge(conn, columns: head.columns, actor: options.actor))
                tally.merged += block.good
                progress?(.merging, tally.merged, check.total)
            }
            // The stream also ends when the task is cancelled: never commit what was not all read.
            guard tally.rows == check.total else { throw CancellationError() }
            if tally.refusedHere && !options.skipInvalid {
                outcome.issues = tally.issues
                outcome.rejected = tally.rejected
                outcome.valid = tally.good
                outcome.seconds = staging.seconds(checking: tally.checking)
                return (outcome, false)
            }
            outcome.issues = tally.issues
            outcome.rejected = tally.rejected
            if !tally.refusals.isEmpty {
                let lines = Set(tally.refusals.map(\.line))
                outcome.issues = (tally.issues + tally.refusals.map(\.issue)).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
                outcome.rejected = (tally.rejected + source.rows.filter { lines.contains($0.line) }).sorted { $0.line < $1.line }
            }
            outcome.valid = tally.good - Set(tally.refusals.map(\.line)).count
            guard !tally.refusedThere || options.skipInvalid else {
                outcome.seconds = staging.seconds(checking: tally.checking)
                return (outcome, false)
            }
            try await staging.noteEngineChanges(conn)
            outcome.inserted = tally.inserted
            outcome.updated = tally.updated
            outcome.unchanged = outcome.valid - tally.inserted - tally.updated
            outcome.seconds = staging.seconds(checking: tally.checking)
            progress?(.merging, check.total, check.total)
            outcome.written = !options.dryRun
            return (outcome, !options.dryRun)
        }
    }
}

/// A check the database makes on the staging table: each row it returns (line, value, detail) refuses that line.
struct StagingCheck: Sendable {
    let code: String
    let column: String
    let sql: String
    let zh: @Sendable (String) -> String
    let en: @Sendable (String) -> String
}

/// How one kind is staged and merged.
protocol MergePlan: Sendable {
    associatedtype Row: Sendable
    /// The table the merge writes, as the engine's change log names it.
    static var target: String { get }
    /// Whether the engine's log notes a firm once for all its changed rows (assets, valuations).
    static var notesByFirm: Bool { get }
    static var stagingColumns: String { get }
    static var copyColumns: [String] { get }
    static var checks: [StagingCheck] { get }
    /// Sets `known` on the staging rows whose natural key is stored already, before the merge, so
    /// the merge's insert reads the new rows in line order from the staging table alone: an anti-join
    /// against the table the same statement inserts into took two sorts of the whole file, and the
    /// planner may also make it a scan of that growing table for every row (quadratic).
    static var markKnown: String? { get }
    /// Whether the merge writes the engine's change log and the audit rows itself, set-wise (else the
    /// row triggers do; 0012_bulk_engine_notes.sql, 0014_bulk_audit.sql).
    static var notesEngineChanges: Bool { get }
    func write(_ row: Row, into rows: inout CopyRows)
    func merge(_ conn: PostgresConnection, columns: Set<String>, actor: String, logger: Logger) async throws -> (inserted: Int, updated: Int)
}

/// A column that an import may change: changed only when the file has one of `keys` (nil: always).
struct Updatable {
    let column: String
    let keys: [String]?
    init(_ column: String, _ keys: [String]? = nil) { self.column = column; self.keys = keys }
}

extension MergePlan {
    static var notesEngineChanges: Bool { true }
    static var notesByFirm: Bool { false }
    static var markKnown: String? { nil }

    /// CTEs that note `changed` (rows of firm_id, asset_id) in the engine's change log with one clock
    /// step, as the row triggers would have noted them one by one.
    static func engineNotes(_ changed: String, source: String) -> String {
        """
        changed AS (\(changed)),
        clock AS (UPDATE engine_clock SET n = n + (SELECT count(*) FROM changed) WHERE id = 1 AND EXISTS (SELECT 1 FROM changed) RETURNING n),
        noted AS (
            INSERT INTO engine_changes (n, firm_id, product_id, asset_id, source)
            SELECT clock.n - (SELECT count(*) FROM changed) + row_number() OVER (), c.firm_id, NULL, c.asset_id, '\(source)'
            FROM changed c, clock
            RETURNING 1)
        """
    }

    /// `changed` (firm_id, asset_id) with one row per firm: the asset when it is the firm's only one
    /// changed, else none, which the engine reads as "reload the firm's assets" (a firm is re-ranked
    /// whole either way). A file of a million assets of 100,000 firms notes 100,000 changes, not a million.
    static func byFirm(_ changed: String) -> String {
        "SELECT firm_id, CASE WHEN count(*) = 1 THEN min(asset_id) END AS asset_id FROM (\(changed)) c GROUP BY firm_id"
    }

    /// What an `UPDATE … FROM … JOIN <table> old` returns for the audit: the row before and after.
    static func images(_ old: String, _ new: String) -> String {
        "to_jsonb(\(old)) AS before, to_jsonb(\(new)) AS after"
    }

    /// A CTE writing the audit rows of `upd` (before, after) and `ins` (id, firm_id) in one statement,
    /// with the transaction's actor and request. An update's row is the one `audit_row()`
    /// (0005_audit.sql) writes. An insert's row names the record and leaves both images empty: the
    /// inserted row is its own "after" until the next change, whose audit row holds it as "before",
    /// and AuditRepository.history shows it from there. Building and storing the whole row as jsonb
    /// (about 0.6 KB a row) was a large part of a big load's audit cost.
    static func auditRows(entity: String, table: String) -> String {
        """
        audited AS (
            INSERT INTO audit_log (actor, request_id, action, entity, entity_id, firm_id, table_name, before, after)
            SELECT coalesce(nullif(current_setting('pledgematch.actor', true), ''), 'system'),
                   nullif(current_setting('pledgematch.request_id', true), ''),
                   c.action, '\(entity)', c.id, c.firm_id, '\(table)', c.before, c.after
            FROM (SELECT 'update' AS action, (after ->> 'id')::bigint AS id, (after ->> 'firm_id')::bigint AS firm_id, before, after FROM upd
                  UNION ALL SELECT 'insert', id, firm_id, NULL::jsonb, NULL::jsonb FROM ins) c
            RETURNING 1)
        """
    }

    /// A merge as one statement: `ctes` (any source CTEs, then the update `upd` and the insert `ins`),
    /// the audit rows of both, the rows `changed` (firm_id, asset_id) kept in `import_changed` for the
    /// engine's log (`engineNotesStatement`, once per load), and the counts.
    static func mergeStatement(_ ctes: String, entity: String, table: String, changed: String) -> String {
        """
        WITH \(ctes),
        \(auditRows(entity: entity, table: table)),
        kept AS (INSERT INTO import_changed (firm_id, asset_id) SELECT firm_id, asset_id FROM (\(changed)) c RETURNING 1)
        SELECT (SELECT count(*) FROM ins)::integer, (SELECT count(*) FROM upd)::integer
        """
    }

    /// The engine's notes of every block's changes, with one clock step, as one merge of the whole
    /// file would have written them (a firm noted once even when its rows fell in several blocks).
    static var engineNotesStatement: String {
        let changed = "SELECT firm_id, asset_id FROM import_changed"
        return "WITH \(engineNotes(notesByFirm ? byFirm(changed) : changed, source: target)) SELECT 1"
    }

    /// The staged columns an insert copies: all but the file's line number.
    static var insertColumns: String { copyColumns.dropFirst().joined(separator: ", ") }

    /// `x = s.x, …`: a merge's update takes these columns from the staged row `s`.
    static func assignments(_ columns: [String]) -> String {
        columns.map { "\($0) = s.\($0)" }.joined(separator: ", ")
    }

    /// Whether the stored row `table` differs from the staged row `s` in these columns.
    static func differs(_ table: String, _ columns: [String]) -> String {
        "(\(columns.map { "\(table).\($0)" }.joined(separator: ", "))) IS DISTINCT FROM (\(columns.map { "s.\($0)" }.joined(separator: ", ")))"
    }

    static func updated(_ all: [Updatable], present: Set<String>) -> [String] {
        all.filter { $0.keys == nil || $0.keys!.contains(where: present.contains) }.map(\.column)
    }

    static func counts(_ conn: PostgresConnection, _ sql: String, logger: Logger) async throws -> (inserted: Int, updated: Int) {
        for try await (inserted, updated) in try await conn.run(PostgresQuery(unsafeSQL: sql), logger: logger).decode((Int, Int).self) {
            return (inserted, updated)
        }
        return (0, 0)
    }
}
