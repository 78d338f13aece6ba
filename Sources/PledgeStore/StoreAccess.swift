import Logging
import PledgeCore
import PostgresNIO

/// What every repository (and the import store's services) reaches PostgreSQL with: the `Database`
/// its queries go through, so that inside a request they run on the request's connection and in its
/// transaction, and the logger they are logged under. Made here once from the pool and the logger.
package struct StoreAccess: Sendable {
    package let client: Database
    package let logger: Logger

    package init(_ client: PostgresClient, logger: Logger) { (self.client, self.logger) = (Database(client), logger) }
}

/// A store that reaches PostgreSQL through a `StoreAccess`.
package protocol StoreBacked: Sendable {
    var access: StoreAccess { get }
}

extension StoreBacked {
    package var client: Database { access.client }
    package var logger: Logger { access.logger }

    /// Runs `write` in one transaction (a savepoint inside a request's), a constraint it breaks
    /// mapped to its `StoreError`: a record and the rows that hang off it are written together.
    func transaction<T: Sendable>(_ write: (PostgresConnection) async throws -> T) async throws -> T {
        try await mapped { try await client.withTransaction(logger: logger) { try await write($0) } }
    }
}

/// A table of versioned records: a change names the version it read (optimistic concurrency), and a
/// record is archived, never deleted (`Versioned`).
package protocol VersionedTable: StoreBacked {
    static var table: String { get }
    /// The record's name in errors (`notFound`, `stale`): `bank`, `firm`.
    static var entity: String { get }
}

extension VersionedTable {
    var versioned: Versioned { Versioned(client: client, logger: logger, table: Self.table, entity: Self.entity) }

    /// Archives the record (it stays, hidden from lists); `expectedVersion` nil archives whatever version is stored.
    public func archive(id: Int64, expectedVersion: Int?) async throws {
        try await versioned.archive(id: id, expected: expectedVersion)
    }
}

/// A versioned table whose records are one row each, read by its column list and decoder: reading
/// one and a page of them is the same for all such tables.
package protocol PlainVersionedTable: VersionedTable {
    associatedtype Fields: Sendable
    static var columns: String { get }
    static func decode(_ r: PostgresRandomAccessRow) throws -> Stored<Fields>
}

extension PlainVersionedTable {
    public func get(id: Int64) async throws -> Stored<Fields> {
        try await versioned.get(id: id, columns: Self.columns, Self.decode)
    }

    public func list(page: PageRequest) async throws -> Page<Stored<Fields>> {
        try await versioned.list(page: page, columns: Self.columns, Self.decode, id: \.id)
    }

    /// Runs an `INSERT … RETURNING` the table's columns and decodes the new record; a constraint it
    /// breaks becomes its `StoreError`.
    func insert(_ query: PostgresQuery) async throws -> Stored<Fields> {
        try await mapped { try await decodeAll(client.query(query, logger: logger), Self.decode)[0] }
    }
}
