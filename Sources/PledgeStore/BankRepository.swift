import Logging
import PledgeCore
import PostgresNIO

public struct BankRepository: Sendable {
    let client: Database
    let logger: Logger
    var versioned: Versioned { Versioned(client: client, logger: logger, table: "banks", entity: "bank") }

    public init(client: PostgresClient, logger: Logger) { (self.client, self.logger) = (Database(client), logger) }

    static let columns = "id, code, name, version, created_at, updated_at, archived_at"

    public func create(_ b: BankInput) async throws -> Stored<BankInput> {
        try await mapped {
            try await decodeAll(client.query(
                "INSERT INTO banks (code, name) VALUES (\(b.code), \(b.name)) RETURNING \(unescaped: Self.columns)",
                logger: logger), Self.decode)[0]
        }
    }

    public func get(id: Int64) async throws -> Stored<BankInput> {
        try await versioned.get(id: id, columns: Self.columns, Self.decode)
    }

    public func list(page: PageRequest) async throws -> Page<Stored<BankInput>> {
        try await versioned.list(page: page, columns: Self.columns, Self.decode, id: \.id)
    }

    public func update(id: Int64, expectedVersion: Int, _ b: BankInput) async throws -> Stored<BankInput> {
        try await versioned.update(id: id, """
                UPDATE banks SET code = \(b.code), name = \(b.name), version = version + 1, updated_at = now()
                WHERE id = \(id) AND version = \(expectedVersion) AND archived_at IS NULL
                RETURNING \(unescaped: Self.columns)
                """, Self.decode)
    }

    public func archive(id: Int64, expectedVersion: Int?) async throws {
        try await versioned.archive(id: id, expected: expectedVersion)
    }

    static func decode(_ r: PostgresRandomAccessRow) throws -> Stored<BankInput> {
        try Stored(row: r, fields: BankInput(code: r["code"].decode(String.self), name: r["name"].decode(String.self)))
    }
}
