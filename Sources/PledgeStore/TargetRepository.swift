import Logging
import PledgeCore
import PostgresNIO

public struct TargetRepository: PlainVersionedTable {
    package let access: StoreAccess
    package static let table = "programme_targets", entity = "target"

    public init(client: PostgresClient, logger: Logger) { access = StoreAccess(client, logger: logger) }

    public func create(_ t: ProgrammeTargetFields) async throws -> Stored<ProgrammeTargetFields> {
        try await insert("""
            INSERT INTO programme_targets (name, baseline_date, deadline, amount_fen, firm_count)
            VALUES (\(t.name), \(t.baselineDate), \(t.deadline), \(t.amountFen), \(t.firmCount))
            RETURNING \(unescaped: Self.columns)
            """)
    }

    public func update(id: Int64, expectedVersion: Int, _ t: ProgrammeTargetFields) async throws -> Stored<ProgrammeTargetFields> {
        try await versioned.update(id: id, """
                UPDATE programme_targets SET name = \(t.name), baseline_date = \(t.baselineDate), deadline = \(t.deadline),
                    amount_fen = \(t.amountFen), firm_count = \(t.firmCount), version = version + 1, updated_at = now()
                WHERE id = \(id) AND version = \(expectedVersion) AND archived_at IS NULL
                RETURNING \(unescaped: Self.columns)
                """, Self.decode)
    }

    /// The columns `decode` reads, by name.
    package static let columns = "id, name, baseline_date, deadline, amount_fen, firm_count, version, created_at, updated_at, archived_at"

    package static func decode(_ r: PostgresRandomAccessRow) throws -> Stored<ProgrammeTargetFields> {
        try Stored(row: r, fields: ProgrammeTargetFields(
            name: r["name"].decode(String.self), baselineDate: r["baseline_date"].decode(CivilDate.self),
            deadline: r["deadline"].decode(CivilDate.self), amountFen: r["amount_fen"].decode(Int64.self),
            firmCount: r["firm_count"].decode(Int.self)))
    }
}
