import Logging
import PledgeCore
import PostgresNIO

public struct TargetRepository: Sendable {
    let client: Database
    let logger: Logger
    var versioned: Versioned { Versioned(client: client, logger: logger, table: "programme_targets", entity: "target") }

    public init(client: PostgresClient, logger: Logger) { (self.client, self.logger) = (Database(client), logger) }

    static let columns = "id, name, baseline_date, deadline, amount_fen, firm_count, version, created_at, updated_at, archived_at"

    public func create(_ t: ProgrammeTargetFields) async throws -> Stored<ProgrammeTargetFields> {
        try await mapped {
            try await decodeAll(client.query("""
                INSERT INTO programme_targets (name, baseline_date, deadline, amount_fen, firm_count)
                VALUES (\(t.name), \(t.baselineDate), \(t.deadline), \(t.amountFen), \(t.firmCount))
                RETURNING \(unescaped: Self.columns)
                """, logger: logger), Self.decode)[0]
        }
    }

    public func get(id: Int64) async throws -> Stored<ProgrammeTargetFields> {
        try await versioned.get(id: id, columns: Self.columns, Self.decode)
    }

    public func list(page: PageRequest) async throws -> Page<Stored<ProgrammeTargetFields>> {
        try await versioned.list(page: page, columns: Self.columns, Self.decode, id: \.id)
    }

    public func update(id: Int64, expectedVersion: Int, _ t: ProgrammeTargetFields) async throws -> Stored<ProgrammeTargetFields> {
        try await versioned.update(id: id, """
                UPDATE programme_targets SET name = \(t.name), baseline_date = \(t.baselineDate), deadline = \(t.deadline),
                    amount_fen = \(t.amountFen), firm_count = \(t.firmCount), version = version + 1, updated_at = now()
                WHERE id = \(id) AND version = \(expectedVersion) AND archived_at IS NULL
                RETURNING \(unescaped: Self.columns)
                """, Self.decode)
    }

    public func archive(id: Int64, expectedVersion: Int?) async throws {
        try await versioned.archive(id: id, expected: expectedVersion)
    }

    static func decode(_ r: PostgresRandomAccessRow) throws -> Stored<ProgrammeTargetFields> {
        try Stored(row: r, fields: ProgrammeTargetFields(
            name: r["name"].decode(String.self), baselineDate: r["baseline_date"].decode(CivilDate.self),
            deadline: r["deadline"].decode(CivilDate.self), amountFen: r["amount_fen"].decode(Int64.self),
            firmCount: r["firm_count"].decode(Int.self)))
    }
}
