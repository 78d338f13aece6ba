import Logging
import PledgeCore
import PostgresNIO

public struct BankRepository: Sendable {
    let client: Database
    let logger: Logger
    var versioned: Versioned { Versioned(client: client, logger: logger, table: "banks", entity: "bank") }

    public init(client: PostgresClient, logger: Logger) {
        self.client = Database(client)
        self.logger = logger
    }

    static let columns = "id, code, name, version, created_at, updated_at, archived_at"

    public func create(_ b: BankInput) async throws -> Stored<BankInput> {
        try await mapped {
            try await decodeAll(client.query(
                "INSERT INTO banks (code, name) VALUES (\(b.code), \(b.name)) RETURNING \(unescaped: Self.columns)",
                logger: logger), Self.decode)[0]
        }
    }

    public func get(id: Int64) async throws -> Stored<BankInput> {
        let rows = try await client.query("SELECT \(unescaped: Self.columns) FROM banks WHERE id = \(id)", logger: logger)
        guard let bank = try await decodeAll(rows, Self.decode).first else { throw StoreError.notFound(entity: "bank", id: id) }
        return bank
    }

    public func list(page: PageRequest) async throws -> Page<Stored<BankInput>> {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.columns) FROM banks
            WHERE id > \(page.after) AND (\(page.includeArchived) OR archived_at IS NULL)
            ORDER BY id LIMIT \(page.limit + 1)
            """, logger: logger)
        return Page(fetched: try await decodeAll(rows, Self.decode), limit: page.limit, id: \.id)
    }

    public func update(id: Int64, expectedVersion: Int, _ b: BankInput) async throws -> Stored<BankInput> {
        let updated = try await mapped {
            try await decodeAll(client.query("""
                UPDATE banks SET code = \(b.code), name = \(b.name), version = version + 1, updated_at = now()
                WHERE id = \(id) AND version = \(expectedVersion) AND archived_at IS NULL
                RETURNING \(unescaped: Self.columns)
                """, logger: logger), Self.decode).first
        }
        if let updated { return updated }
        throw try await versioned.explainMiss(id: id)
    }

    public func archive(id: Int64, expectedVersion: Int?) async throws {
        try await versioned.archive(id: id, expected: expectedVersion)
    }

    static func decode(_ r: PostgresRandomAccessRow) throws -> Stored<BankInput> {
        try Stored(row: r, fields: BankInput(code: r["code"].decode(String.self), name: r["name"].decode(String.self)))
    }
}
