import Logging
import PledgeCore
import PostgresNIO

public struct BankRepository: PlainVersionedTable {
    package let access: StoreAccess
    package static let table = "banks", entity = "bank"

    public init(client: PostgresClient, logger: Logger) { access = StoreAccess(client, logger: logger) }

    public func create(_ b: BankInput) async throws -> Stored<BankInput> {
        try await insert("INSERT INTO banks (code, name) VALUES (\(b.code), \(b.name)) RETURNING \(unescaped: Self.columns)")
    }

    public func update(id: Int64, expectedVersion: Int, _ b: BankInput) async throws -> Stored<BankInput> {
        try await versioned.update(id: id, """
                UPDATE banks SET code = \(b.code), name = \(b.name), version = version + 1, updated_at = now()
                WHERE id = \(id) AND version = \(expectedVersion) AND archived_at IS NULL
                RETURNING \(unescaped: Self.columns)
                """, Self.decode)
    }

    /// The columns `decode` reads, by name.
    package static let columns = "id, code, name, version, created_at, updated_at, archived_at"

    package static func decode(_ r: PostgresRandomAccessRow) throws -> Stored<BankInput> {
        try Stored(row: r, fields: BankInput(code: r["code"].decode(String.self), name: r["name"].decode(String.self)))
    }
}
