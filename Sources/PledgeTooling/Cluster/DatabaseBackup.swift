import Foundation

/// Backups with PostgreSQL's own tools: `pg_dump` in its custom format, which holds every table,
/// sequence and row of one consistent snapshot (taken while the service runs, without blocking
/// it), and `pg_restore` into an empty database in one transaction, so a restore that fails
/// leaves nothing behind.
public struct DatabaseBackup: Sendable {
    /// Where the tools connect: the embedded cluster's socket, or a `postgres://` URL.
    public enum Target: Sendable {
        case embedded(EmbeddedPostgres)
        case url(String)
    }

    public enum Failure: Error, CustomStringConvertible {
        case notEmpty(tables: Int)
        case tool(String, status: Int32, output: String)

        public var description: String {
            switch self {
            case .notEmpty(let tables):
                return """
                    The database is not empty (\(tables) tables); restore refuses to overwrite it. Restore into a new database, \
                    or pass --force to replace what is there.
                    目标数据库不为空（\(tables) 张表），为防止覆盖已拒绝恢复。请恢复到新数据库，或加 --force 覆盖。
                    """
            case .tool(let command, let status, let output):
                return "\(command) failed with status \(status):\n\(output)"
            }
        }
    }

    public let target: Target
    public init(target: Target) { self.target = target }

    /// Connection arguments for libpq's tools. A URL is passed as the database name, as libpq reads it.
    var connection: [String] {
        switch target {
        case .embedded(let pg): ["-h", pg.dataDirectory, "-p", "\(EmbeddedPostgres.port)", "-U", EmbeddedPostgres.superuser, "-d", pg.database]
        case .url(let url): ["-d", url]
        }
    }

    /// Writes the backup to `file` through a temporary name, so a file with the final name is complete.
    public func backup(to file: String) throws {
        let bin = try EmbeddedPostgres.binDirectory()
        let partial = file + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        try run("\(bin)/pg_dump", ["--format=custom", "--no-owner", "--file=\(partial)"] + connection)
        if FileManager.default.fileExists(atPath: file) { try FileManager.default.removeItem(atPath: file) }
        try FileManager.default.moveItem(atPath: partial, toPath: file)
    }

    /// Restores `file`. Refuses a database that has tables unless `replace`; then its objects are dropped first.
    public func restore(from file: String, replace: Bool) throws {
        let bin = try EmbeddedPostgres.binDirectory()
        let tables = try Int(psql(bin, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        if tables > 0 && !replace { throw Failure.notEmpty(tables: tables) }
        // The role every request takes (0007_access.sql) lives in the cluster, not the database: a new
        // cluster needs it before the grants to it are restored.
        _ = try psql(bin, """
            DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pledgematch_app') THEN
                CREATE ROLE pledgematch_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
              END IF;
              IF NOT pg_has_role(current_user, 'pledgematch_app', 'MEMBER') THEN
                EXECUTE format('GRANT pledgematch_app TO %I', current_user);
              END IF;
            END $$
            """)
        var arguments = ["--no-owner", "--single-transaction", "--exit-on-error"]
        if replace { arguments += ["--clean", "--if-exists"] }
        try run("\(bin)/pg_restore", arguments + connection + [file])
    }

    private func psql(_ bin: String, _ sql: String) throws -> String {
        try run("\(bin)/psql", connection + ["-X", "-v", "ON_ERROR_STOP=1", "-tAc", sql])
    }

    @discardableResult
    private func run(_ program: String, _ arguments: [String]) throws -> String {
        let result = ChildProcess.run(program, arguments)
        guard result.status == 0 else {
            // Never the URL itself: it may carry a password.
            let shown = ([program] + arguments).map { $0.contains("://") ? "<DATABASE_URL>" : $0 }.joined(separator: " ")
            throw Failure.tool(shown, status: result.status, output: result.output)
        }
        return result.output
    }
}
