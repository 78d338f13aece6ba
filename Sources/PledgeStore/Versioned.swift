import Logging
import PostgresNIO

/// Shared handling of optimistic concurrency: an update or archive names the version it read,
/// and when no row matched, this tells the client why (gone, archived, or changed meanwhile).
struct Versioned {
    let client: Database
    let logger: Logger
    let table: String
    let entity: String

    func explainMiss(id: Int64) async throws -> StoreError {
        let rows = try await client.query(
            PostgresQuery(unsafeSQL: "SELECT version, archived_at IS NOT NULL FROM \(table) WHERE id = $1",
                          binds: binds(id)), logger: logger)
        for try await (version, archived) in rows.decode((Int, Bool).self) {
            if archived { return .archived(entity: entity, id: id) }
            return .stale(entity: entity, id: id, current: version)
        }
        return .notFound(entity: entity, id: id)
    }

    /// Marks a row archived (kept, hidden from lists); archiving twice is a no-op that succeeds.
    func archive(id: Int64, expected: Int?) async throws {
        let rows = try await client.query(PostgresQuery(unsafeSQL: """
            UPDATE \(table) SET archived_at = coalesce(archived_at, now()),
                   version = version + (CASE WHEN archived_at IS NULL THEN 1 ELSE 0 END), updated_at = now()
            WHERE id = $1 AND ($2::integer IS NULL OR version = $2) RETURNING id
            """, binds: binds(id, expected)), logger: logger)
        for try await _ in rows { return }
        let miss = try await explainMiss(id: id)
        if case .archived = miss { return }
        throw miss
    }

    /// Runs an `UPDATE … WHERE id = … AND version = … AND archived_at IS NULL RETURNING …`; when it
    /// matched no row, throws why (`explainMiss`).
    func update<T>(id: Int64, _ query: PostgresQuery, _ decode: (PostgresRandomAccessRow) throws -> T) async throws -> T {
        let updated = try await mapped { try await decodeAll(client.query(query, logger: logger), decode).first }
        if let updated { return updated }
        throw try await explainMiss(id: id)
    }

    /// Runs `change` in one transaction: it updates the row and what hangs off it, answering nil when
    /// no row matched the id and version; then throws why (`explainMiss`).
    func update<T: Sendable>(id: Int64, inTransaction change: (PostgresConnection) async throws -> T?) async throws -> T {
        let updated: T? = try await mapped { try await client.withTransaction(logger: logger) { try await change($0) } }
        if let updated { return updated }
        throw try await explainMiss(id: id)
    }

    /// One row of the table by id, archived or not.
    func get<T>(id: Int64, columns: String, _ decode: (PostgresRandomAccessRow) throws -> T) async throws -> T {
        let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT \(columns) FROM \(table) WHERE id = $1",
                                                        binds: binds(id)), logger: logger)
        guard let row = try await decodeAll(rows, decode).first else { throw StoreError.notFound(entity: entity, id: id) }
        return row
    }

    /// A page of the table in id order, archived rows only when asked for.
    func list<T>(page: PageRequest, columns: String, _ decode: (PostgresRandomAccessRow) throws -> T,
                 id: (T) -> Int64) async throws -> Page<T> {
        var b = PostgresBindings()
        b.append(page.after)
        b.append(page.includeArchived)
        b.append(page.limit + 1)
        let rows = try await client.query(PostgresQuery(unsafeSQL: """
            SELECT \(columns) FROM \(table) WHERE id > $1 AND ($2 OR archived_at IS NULL) ORDER BY id LIMIT $3
            """, binds: b), logger: logger)
        return Page(fetched: try await decodeAll(rows, decode), limit: page.limit, id: id)
    }

    private func binds(_ id: Int64) -> PostgresBindings {
        var b = PostgresBindings()
        b.append(id)
        return b
    }

    private func binds(_ id: Int64, _ version: Int?) -> PostgresBindings {
        var b = binds(id)
        b.append(version)
        return b
    }
}
