import Logging
import PledgeImport
import PledgeStore
import PostgresNIO

/// A load's staging table inside its transaction, and the statements on it, one block of rows at a
/// time: COPY the block in (the table emptied first), mark the keys stored already, the database's
/// checks, the merge. The merges collect their changes for the engine's log in `import_changed`,
/// noted once at the end, so the log reads as if the file had been merged in one statement.
struct Staging<P: MergePlan> {
    let plan: P
    let table: String
    let kind: ImportKind
    let header: [String]
    let sheet: String
    let logger: Logger
    private var blocks = 0
    /// Rows this load has put into the target table so far.
    private var inserted = 0
    private var loading = 0.0, merging = 0.0

    init(plan: P, kind: ImportKind, header: [String], sheet: String, logger: Logger) {
        self.plan = plan; self.kind = kind; self.header = header; self.sheet = sheet; self.logger = logger
        table = "import_\(kind.rawValue)"
    }

    func create(_ conn: PostgresConnection) async throws {
        _ = try await conn.run(PostgresQuery(unsafeSQL: "CREATE TEMP TABLE \(table) (\(P.stagingColumns)) ON COMMIT DROP"), logger: logger)
        if P.notesEngineChanges {
            _ = try await conn.run("CREATE TEMP TABLE import_changed (firm_id bigint, asset_id bigint) ON COMMIT DROP", logger: logger)
        }
    }

    mutating func stage(_ block: CheckedBlock, _ conn: PostgresConnection) async throws {
        let started = ContinuousClock.now
        defer { loading += (ContinuousClock.now - started).seconds }
        if blocks > 0 { _ = try await conn.run(PostgresQuery(unsafeSQL: "TRUNCATE \(table)"), logger: logger) }
        blocks += 1
        try await conn.copyFrom(table: table, columns: P.copyColumns, logger: logger) { writer in
            for var text in block.text {
                while let piece = text.readSlice(length: min(text.readableBytes, 1 << 20)), piece.readableBytes > 0 {
                    try await writer.write(piece)
                }
            }
        }
        if let mark = P.markKnown { _ = try await conn.run(PostgresQuery(unsafeSQL: mark), logger: logger) }
        // The first block's statistics serve the blocks after: TRUNCATE of a table made in this
        // transaction empties it in place and keeps them, and the planner scales the row counts to
        // the table's pages. (ANALYZE samples 30,000 rows: nearly every row of every block.)
        if blocks == 1 { _ = try await conn.run(PostgresQuery(unsafeSQL: "ANALYZE \(table)"), logger: logger) }
    }

    /// What only the database can tell (unknown owners, assets, banks; conflicts with stored records):
    /// each refused line with its problems, in line order and, within a line, in the checks' order.
    mutating func check(_ conn: PostgresConnection) async throws -> [(line: Int, issue: ImportIssue)] {
        let started = ContinuousClock.now
        defer { merging += (ContinuousClock.now - started).seconds }
        var refused: [Int: [ImportIssue]] = [:]
        for check in P.checks {
            let rows = try await conn.run(PostgresQuery(unsafeSQL: check.sql), logger: logger)
            for try await (line, value, detail) in rows.decode((Int, String?, String?).self) {
                let column = header.firstIndex { h in kind.fields.first { $0.key == check.column }?.aliases.contains(Normalize.headerKey(h)) == true }
                refused[line, default: []].append(ImportIssue(
                    sheet: sheet, line: line, column: column.map(columnLetter), header: column.map { header[$0] },
                    value: value ?? "", code: check.code, zh: check.zh(detail ?? ""), en: check.en(detail ?? "")))
            }
        }
        return refused.keys.sorted().flatMap { line in refused[line]!.map { (line, $0) } }
    }

    /// Takes refused lines out of the block before its merge (--skip-invalid).
    func drop(_ lines: [Int], _ conn: PostgresConnection) async throws {
        var binds = PostgresBindings()
        binds.append(Array(Set(lines)).sorted())
        _ = try await conn.run(PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE line = ANY($1)", binds: binds), logger: logger)
    }

    mutating func merge(_ conn: PostgresConnection, columns: Set<String>, actor: String) async throws -> (inserted: Int, updated: Int) {
        let started = ContinuousClock.now
        defer { merging += (ContinuousClock.now - started).seconds }
        let merged = try await plan.merge(conn, columns: columns, actor: actor, logger: logger)
        inserted += merged.inserted
        try await keepTargetCounted(conn)
        return merged
    }

    /// The planner sizes the target table from its statistics, which know nothing of the rows this
    /// load's own transaction put in. When they said the table was empty (a vacuum after an earlier
    /// load rolled back), each later block was joined to it by a scan of every row put in so far
    /// instead of its unique index: quadratic, 200,000 firms loaded for over ten minutes. ANALYZE
    /// inside the transaction counts its own rows; it runs only while the statistics lag that far.
    private func keepTargetCounted(_ conn: PostgresConnection) async throws {
        guard inserted >= 1_000 else { return }
        let rows = try await conn.run("SELECT reltuples::float8 FROM pg_class WHERE oid = \(P.target)::regclass", logger: logger)
        var counted = 0.0
        for try await value in rows.decode(Double.self) { counted = value }
        if counted < Double(inserted) / 2 {
            _ = try await conn.run(PostgresQuery(unsafeSQL: "ANALYZE \(P.target)"), logger: logger)
        }
    }

    /// The engine's change log for the whole load, with one clock step (0012_bulk_engine_notes.sql).
    mutating func noteEngineChanges(_ conn: PostgresConnection) async throws {
        guard P.notesEngineChanges else { return }
        let started = ContinuousClock.now
        defer { merging += (ContinuousClock.now - started).seconds }
        _ = try await conn.run(PostgresQuery(unsafeSQL: P.engineNotesStatement), logger: logger)
    }

    func seconds(checking: Double) -> ImportSeconds {
        ImportSeconds(checking: checking, loading: loading, merging: merging)
    }
}

/// What the blocks of one load came to.
struct Tally {
    var rows = 0, good = 0, staged = 0, merged = 0
    var inserted = 0, updated = 0
    var checking = 0.0
    /// The service's problems and the rows it refused, in line order.
    var issues: [ImportIssue] = []
    var rejected: [SheetRow] = []
    /// The database's refusals (line and problem), in line order.
    var refusals: [(line: Int, issue: ImportIssue)] = []
    var refusedHere: Bool { !rejected.isEmpty }
    var refusedThere: Bool { !refusals.isEmpty }

    mutating func take(_ block: CheckedBlock) {
        rows += block.rows
        good += block.good
        checking += block.seconds
        issues += block.issues
        rejected += block.rejected
    }

    mutating func refuse(_ refused: [(line: Int, issue: ImportIssue)]) { refusals += refused }

    mutating func add(_ counts: (inserted: Int, updated: Int)) {
        inserted += counts.inserted
        updated += counts.updated
    }
}
