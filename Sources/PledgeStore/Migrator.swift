import Logging
import PostgresNIO

/// Applies migrations in order, each in its own transaction, under an advisory lock so that two
/// processes starting together never apply the same file twice.
public struct Migrator: Sendable {
    /// Arbitrary constant naming this application's migration lock.
    static let lockKey: Int64 = 0x506C_6564_6765   // "Pledge"
    let client: PostgresClient
    let migrations: [Migration]
    let logger: Logger

    public init(client: PostgresClient, migrations: [Migration], logger: Logger) {
        self.client = client
        self.migrations = migrations
        self.logger = logger
    }

    /// Applies pending migrations and returns the files applied.
    @discardableResult
    public func migrate() async throws -> [String] {
        try await client.withConnection { conn in
            _ = try await conn.run("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                let applied = try await apply(on: conn)
                _ = try await conn.run("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await conn.run("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    /// The files not yet applied; throws if an applied file was edited.
    public func pending() async throws -> [String] {
        try await client.withConnection { conn in
            let rows = try await conn.run("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
            var exists = false
            for try await flag in rows.decode(Bool.self) { exists = flag }
            let applied = exists ? try await appliedChecksums(on: conn) : [:]
            return try check(applied: applied).map(\.fileName)
        }
    }

    private func apply(on conn: PostgresConnection) async throws -> [String] {
        try await ensureTable(on: conn)
        let pending = try check(applied: try await appliedChecksums(on: conn))
        for migration in pending {
            logger.info("Applying migration", metadata: ["file": "\(migration.fileName)"])
            _ = try await conn.run("BEGIN", logger: logger)
            do {
                for statement in SQLScript.statements(in: migration.sql) {
                    _ = try await conn.run(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                _ = try await conn.run("""
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """, logger: logger)
                _ = try await conn.run("COMMIT", logger: logger)
            } catch {
                _ = try? await conn.run("ROLLBACK", logger: logger)
                throw error
            }
        }
        return pending.map(\.fileName)
    }

    private func check(applied: [Int: String]) throws -> [Migration] {
        let known = Set(migrations.map(\.version))
        if let unknown = applied.keys.sorted().first(where: { !known.contains($0) }) {
            throw MigrationError.unknownApplied(version: unknown)
        }
        for migration in migrations {
            if let checksum = applied[migration.version], checksum != migration.checksum {
                throw MigrationError.edited(file: migration.fileName)
            }
        }
        return migrations.filter { applied[$0.version] == nil }
    }

    private func ensureTable(on conn: PostgresConnection) async throws {
        _ = try await conn.run("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
    }

    private func appliedChecksums(on conn: PostgresConnection) async throws -> [Int: String] {
        var result: [Int: String] = [:]
        let rows = try await conn.run("SELECT version, checksum FROM schema_migrations", logger: logger)
        for try await (version, checksum) in rows.decode((Int, String).self) { result[version] = checksum }
        return result
    }
}
