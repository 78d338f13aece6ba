import Foundation
import Logging
import PledgeCore
import PledgeImport
import PledgeStore
import PostgresNIO

/// An import job as GET /imports/{id} shows it (import_jobs, 0013_import_jobs.sql).
public struct ImportJobRecord: Sendable {
    public enum Status: String, Sendable { case queued, running, succeeded, refused, failed }

    public var id: Int64
    public var kind: ImportKind
    public var status: Status
    public var dryRun: Bool
    public var skipInvalid: Bool
    public var fileName: String
    public var format: SourceFile.Format
    public var encoding: String?
    public var sheet: String?
    public var fileBytes: Int64
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var phase: String?
    public var done: Int64
    public var total: Int64
    public var rows: Int?
    public var valid: Int?
    public var refused: Int?
    public var inserted: Int?
    public var updated: Int?
    public var unchanged: Int?
    public var written: Bool
    public var issueCount: Int
    public var ignoredHeaders: [String]
    public var hasRejects: Bool
    public var error: (code: String, zh: String, en: String)?
}

/// A new job: the upload and its options, as the door accepted them.
public struct NewImportJob: Sendable {
    public var kind: ImportKind
    public var dryRun: Bool
    public var skipInvalid: Bool
    public var sheet: String?
    public var fileName: String
    public var format: SourceFile.Format
    public var encoding: String?
    public var file: [UInt8]
    /// SHA-256 of the file, kept so the same file uploaded twice can be told.
    public var sha256: [UInt8]
    public var actor: String
    public var requestId: String?

    public init(kind: ImportKind, dryRun: Bool, skipInvalid: Bool, sheet: String?, fileName: String, format: SourceFile.Format,
                encoding: String?, file: [UInt8], sha256: [UInt8], actor: String, requestId: String?) {
        self.kind = kind; self.dryRun = dryRun; self.skipInvalid = skipInvalid; self.sheet = sheet; self.fileName = fileName
        self.format = format; self.encoding = encoding; self.file = file; self.sha256 = sha256; self.actor = actor
        self.requestId = requestId
    }
}

/// A job a worker claimed: the job as it was queued, with its id and how often it has been tried.
@dynamicMemberLookup
public struct ClaimedImportJob: Sendable {
    public var id: Int64
    public var attempts: Int
    public var queued: NewImportJob

    public subscript<T>(dynamicMember field: KeyPath<NewImportJob, T>) -> T { queued[keyPath: field] }
}

/// The import jobs' table. Every query goes through `Database`, so a request's insert joins its
/// transaction and a worker's queries run on the connection it leased.
public struct ImportJobStore: StoreBacked {
    package let access: StoreAccess

    public init(client: PostgresClient, logger: Logger) { access = StoreAccess(client, logger: logger) }

    public func create(_ job: NewImportJob) async throws -> ImportJobRecord {
        let hash = job.sha256
        let file = ByteBuffer(bytes: job.file)
        let rows = try await client.query("""
            INSERT INTO import_jobs (kind, dry_run, skip_invalid, sheet, file_name, format, encoding, file, file_bytes, file_sha256,
                                     actor, request_id)
            VALUES (\(job.kind.rawValue), \(job.dryRun), \(job.skipInvalid), \(job.sheet), \(job.fileName), \(job.format.rawValue),
                    \(job.encoding), \(file), \(Int64(job.file.count)), \(ByteBuffer(bytes: hash)), \(job.actor), \(job.requestId))
            RETURNING \(unescaped: Self.columns)
            """, logger: logger)
        for try await row in rows { return try Self.decode(row) }
        throw StoreError.notFound(entity: "import", id: 0)
    }

    public func get(id: Int64) async throws -> ImportJobRecord {
        let rows = try await client.query("SELECT \(unescaped: Self.columns) FROM import_jobs WHERE id = \(id)", logger: logger)
        for try await row in rows { return try Self.decode(row) }
        throw StoreError.notFound(entity: "import", id: id)
    }

    /// Problems after `seq` (the cursor), at most `limit`, in line order.
    public func issues(id: Int64, after: Int64, limit: Int) async throws -> (items: [ImportIssue], next: Int64?) {
        let rows = try await client.query("""
            SELECT seq, sheet, line, column_letter, header, value, code, message_zh, message_en FROM import_job_issues
            WHERE job_id = \(id) AND seq > \(after) ORDER BY seq LIMIT \(limit + 1)
            """, logger: logger)
        var items: [(Int64, ImportIssue)] = []
        for try await (seq, sheet, line, column, header, value, code, zh, en)
            in rows.decode((Int64, String, Int?, String?, String?, String, String, String, String).self) {
            items.append((seq, ImportIssue(sheet: sheet, line: line, column: column, header: header, value: value, code: code, zh: zh, en: en)))
        }
        let next = items.count > limit ? items[limit - 1].0 : nil
        return (items.prefix(limit).map(\.1), next)
    }

    public func rejects(id: Int64) async throws -> (bytes: [UInt8], format: SourceFile.Format, fileName: String)? {
        let rows = try await client.query("SELECT rejects, format, file_name FROM import_jobs WHERE id = \(id)", logger: logger)
        for try await (bytes, format, name) in rows.decode((ByteBuffer?, String, String).self) {
            guard let bytes else { return nil }
            return (Array(buffer: bytes), SourceFile.Format(rawValue: format) ?? .csv, name)
        }
        throw StoreError.notFound(entity: "import", id: id)
    }

    /// Claims the oldest waiting job, or one whose worker stopped beating `staleAfter` seconds ago.
    public func claim(staleAfterSeconds: Int) async throws -> ClaimedImportJob? {
        let rows = try await client.query("""
            UPDATE import_jobs SET status = 'running', started_at = coalesce(started_at, now()), heartbeat_at = now(),
                   attempts = attempts + 1, phase = 'checking', done = 0, total = 0
            WHERE id = (SELECT id FROM import_jobs
                        WHERE status = 'queued'
                           OR (status = 'running' AND heartbeat_at < now() - make_interval(secs => \(Double(staleAfterSeconds))))
                        ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
            RETURNING id, kind, dry_run, skip_invalid, sheet, file_name, format, coalesce(file, ''::bytea), actor, request_id, attempts,
                      encoding, file_sha256
            """, logger: logger)
        for try await row in rows {
            let c = try row.makeRandomAccess()
            return ClaimedImportJob(id: try c[0].decode(Int64.self), attempts: try c[10].decode(Int.self), queued: NewImportJob(
                kind: ImportKind(rawValue: try c[1].decode(String.self)) ?? .firms,
                dryRun: try c[2].decode(Bool.self), skipInvalid: try c[3].decode(Bool.self), sheet: try c[4].decode(String?.self),
                fileName: try c[5].decode(String.self), format: SourceFile.Format(rawValue: try c[6].decode(String.self)) ?? .csv,
                encoding: try c[11].decode(String?.self), file: Array(buffer: try c[7].decode(ByteBuffer.self)),
                sha256: Array(buffer: try c[12].decode(ByteBuffer.self)), actor: try c[8].decode(String.self),
                requestId: try c[9].decode(String?.self)))
        }
        return nil
    }

    public func heartbeat(id: Int64, phase: String, done: Int, total: Int) async throws {
        try await client.query("""
            UPDATE import_jobs SET heartbeat_at = now(), phase = \(phase), done = \(Int64(max(0, done))), total = \(Int64(max(0, total)))
            WHERE id = \(id) AND status = 'running'
            """, logger: logger)
    }

    /// A worker stopping (shutdown) gives its job back for the next one.
    public func requeue(id: Int64) async throws {
        try await client.query("UPDATE import_jobs SET status = 'queued', phase = NULL WHERE id = \(id) AND status = 'running'",
                               logger: logger)
    }

    public func fail(id: Int64, code: String, zh: String, en: String) async throws {
        try await client.query("""
            UPDATE import_jobs SET status = 'failed', phase = 'finished', finished_at = now(), file = NULL,
                   error_code = \(code), error_zh = \(zh), error_en = \(en)
            WHERE id = \(id)
            """, logger: logger)
    }

    /// Records what the import did, in one transaction: the counts, every problem, the rejects file.
    public func finish(id: Int64, outcome: ImportOutcome, skipInvalid: Bool, encoding: String?, rejects: [UInt8]?, logger: Logger) async throws {
        let status = Self.status(outcome, skipInvalid: skipInvalid)
        try await client.withTransaction(logger: logger) { _ in
            try await client.query("DELETE FROM import_job_issues WHERE job_id = \(id)", logger: logger)
            var seq = 0
            for chunk in stride(from: 0, to: outcome.issues.count, by: 5000) {
                let part = outcome.issues[chunk..<min(chunk + 5000, outcome.issues.count)]
                let seqs = part.indices.map { Int64($0 + 1) }
                seq += part.count
                try await client.query("""
                    INSERT INTO import_job_issues (job_id, seq, sheet, line, column_letter, header, value, code, message_zh, message_en)
                    SELECT \(id), s, sh, nullif(l, 0), nullif(c, ''), nullif(h, ''), v, co, z, e
                    FROM unnest(\(seqs), \(part.map(\.sheet)), \(part.map { Int64($0.line ?? 0) }), \(part.map { $0.column ?? "" }),
                                \(part.map { $0.header ?? "" }), \(part.map(\.value)), \(part.map(\.code)), \(part.map(\.zh)),
                                \(part.map(\.en))) AS t(s, sh, l, c, h, v, co, z, e)
                    """, logger: logger)
            }
            let refused = outcome.rows - outcome.valid
            try await client.query("""
                UPDATE import_jobs SET status = \(status.rawValue), phase = 'finished', finished_at = now(), file = NULL,
                       done = \(Int64(outcome.rows)), total = \(Int64(outcome.rows)),
                       encoding = coalesce(\(encoding), encoding), sheet = coalesce(sheet, \(outcome.sheet)),
                       rows_read = \(outcome.rows), rows_valid = \(outcome.valid), rows_refused = \(refused),
                       inserted = \(outcome.inserted), updated = \(outcome.updated), unchanged = \(max(0, outcome.unchanged)),
                       written = \(outcome.written), issue_count = \(seq), header = \(outcome.header),
                       ignored_headers = \(outcome.ignoredHeaders), rejects = \(rejects.map { ByteBuffer(bytes: $0) })
                WHERE id = \(id)
                """, logger: logger)
        }
    }

    /// succeeded: written, or a dry run that found nothing to stop it; refused: rows (or the file) had
    /// problems and nothing was written.
    public static func status(_ o: ImportOutcome, skipInvalid: Bool) -> ImportJobRecord.Status {
        if o.written { return .succeeded }
        let stopping = o.issues.contains { $0.line == nil } || (!o.issues.isEmpty && !skipInvalid)
        return stopping ? .refused : .succeeded
    }

    /// The columns `decode` reads, by name.
    static let columns = """
        id, kind, status, dry_run, skip_invalid, file_name, format, encoding, sheet, file_bytes, created_at, started_at,
        finished_at, phase, done, total, rows_read, rows_valid, rows_refused, inserted, updated, unchanged, written, issue_count,
        coalesce(ignored_headers, '{}'), rejects IS NOT NULL, error_code, error_zh, error_en
        """

    static func decode(_ row: PostgresRow) throws -> ImportJobRecord {
        let c = try row.makeRandomAccess()
        let code = try c[26].decode(String?.self)
        return ImportJobRecord(
            id: try c[0].decode(Int64.self), kind: ImportKind(rawValue: try c[1].decode(String.self)) ?? .firms,
            status: ImportJobRecord.Status(rawValue: try c[2].decode(String.self)) ?? .failed,
            dryRun: try c[3].decode(Bool.self), skipInvalid: try c[4].decode(Bool.self), fileName: try c[5].decode(String.self),
            format: SourceFile.Format(rawValue: try c[6].decode(String.self)) ?? .csv, encoding: try c[7].decode(String?.self),
            sheet: try c[8].decode(String?.self), fileBytes: try c[9].decode(Int64.self), createdAt: try c[10].decode(Date.self),
            startedAt: try c[11].decode(Date?.self), finishedAt: try c[12].decode(Date?.self), phase: try c[13].decode(String?.self),
            done: try c[14].decode(Int64.self), total: try c[15].decode(Int64.self), rows: try c[16].decode(Int?.self),
            valid: try c[17].decode(Int?.self), refused: try c[18].decode(Int?.self), inserted: try c[19].decode(Int?.self),
            updated: try c[20].decode(Int?.self), unchanged: try c[21].decode(Int?.self), written: try c[22].decode(Bool.self),
            issueCount: try c[23].decode(Int.self), ignoredHeaders: try c[24].decode([String].self), hasRejects: try c[25].decode(Bool.self),
            error: code.map { ($0, (try? c[27].decode(String.self)) ?? "", (try? c[28].decode(String.self)) ?? "") })
    }
}
