import Foundation
import Logging
import PledgeCore
import PostgresNIO

public struct FirmFilter: Sendable {
    public var industryCode: String?
    public var town: String?
    public var size: FirmSize?
    /// Part of the name or the credit code.
    public var search: String?
    public init(industryCode: String? = nil, town: String? = nil, size: FirmSize? = nil, search: String? = nil) {
        self.industryCode = industryCode; self.town = town; self.size = size; self.search = search
    }
}

public struct FirmRepository: VersionedTable {
    package let access: StoreAccess
    package static let table = "firms", entity = "firm"

    public init(client: PostgresClient, logger: Logger) { access = StoreAccess(client, logger: logger) }

    public func create(_ f: FirmFields) async throws -> Stored<FirmFields> {
        try await mapped {
            try await one(client.query("""
                INSERT INTO firms (credit_code, name, industry_code, town, size, founded_on, annual_revenue_fen,
                    rd_expense_fen, total_assets_fen, total_liabilities_fen, employees, high_tech, specialized,
                    ip_demonstration, bad_credit)
                VALUES (\(f.creditCode), \(f.name), \(f.industryCode), \(f.town), \(f.size.rawValue), \(f.foundedOn),
                    \(f.annualRevenueFen), \(f.rdExpenseFen), \(f.totalAssetsFen), \(f.totalLiabilitiesFen),
                    \(f.employees), \(f.highTech), \(f.specialized), \(f.ipDemonstration), \(f.badCredit))
                RETURNING \(unescaped: Self.columns)
                """, logger: logger))!
        }
    }

    public func get(id: Int64) async throws -> Stored<FirmFields> {
        guard let firm = try await one(client.query(
            "SELECT \(unescaped: Self.columns) FROM firms WHERE id = \(id)", logger: logger)) else {
            throw StoreError.notFound(entity: "firm", id: id)
        }
        return firm
    }

    public func list(_ filter: FirmFilter, page: PageRequest) async throws -> Page<Stored<FirmFields>> {
        let pattern = filter.search.map { "%\(likeEscaped($0))%" }
        let rows = try await client.query("""
            SELECT \(unescaped: Self.columns) FROM firms
            WHERE id > \(page.after) AND (\(page.includeArchived) OR archived_at IS NULL)
              AND (\(filter.industryCode)::text IS NULL OR industry_code = \(filter.industryCode))
              AND (\(filter.town)::text IS NULL OR town = \(filter.town))
              AND (\(filter.size?.rawValue)::text IS NULL OR size = \(filter.size?.rawValue))
              AND (\(pattern)::text IS NULL OR name LIKE \(pattern) OR credit_code LIKE upper(\(pattern)))
            ORDER BY id LIMIT \(page.limit + 1)
            """, logger: logger)
        return Page(fetched: try await all(rows), limit: page.limit, id: \.id)
    }

    public func update(id: Int64, expectedVersion: Int, _ f: FirmFields) async throws -> Stored<FirmFields> {
        try await versioned.update(id: id, """
                UPDATE firms SET credit_code = \(f.creditCode), name = \(f.name), industry_code = \(f.industryCode),
                    town = \(f.town), size = \(f.size.rawValue), founded_on = \(f.foundedOn),
                    annual_revenue_fen = \(f.annualRevenueFen), rd_expense_fen = \(f.rdExpenseFen),
                    total_assets_fen = \(f.totalAssetsFen), total_liabilities_fen = \(f.totalLiabilitiesFen),
                    employees = \(f.employees), high_tech = \(f.highTech), specialized = \(f.specialized),
                    ip_demonstration = \(f.ipDemonstration), bad_credit = \(f.badCredit),
                    version = version + 1, updated_at = now()
                WHERE id = \(id) AND version = \(expectedVersion) AND archived_at IS NULL
                RETURNING \(unescaped: Self.columns)
                """, Self.decode)
    }

    private func one(_ rows: PostgresRowSequence) async throws -> Stored<FirmFields>? {
        try await decodeAll(rows, Self.decode).first
    }

    private func all(_ rows: PostgresRowSequence) async throws -> [Stored<FirmFields>] {
        try await decodeAll(rows, Self.decode)
    }

    /// The columns `decode` reads, by name.
    static let columns = """
        id, credit_code, name, industry_code, town, size, founded_on, annual_revenue_fen, rd_expense_fen,
        total_assets_fen, total_liabilities_fen, employees, high_tech, specialized, ip_demonstration, bad_credit,
        version, created_at, updated_at, archived_at
        """

    static func decode(_ r: PostgresRandomAccessRow) throws -> Stored<FirmFields> {
        try Stored(row: r, fields: FirmFields(
            creditCode: r["credit_code"].decode(String.self),
            name: r["name"].decode(String.self),
            industryCode: r["industry_code"].decode(String.self),
            town: r["town"].decode(String.self),
            size: StoredCode.decode(r["size"].decode(String.self), as: FirmSize.self, table: "firms", column: "size"),
            foundedOn: r["founded_on"].decode(CivilDate.self),
            annualRevenueFen: r["annual_revenue_fen"].decode(Int64?.self),
            rdExpenseFen: r["rd_expense_fen"].decode(Int64?.self),
            totalAssetsFen: r["total_assets_fen"].decode(Int64?.self),
            totalLiabilitiesFen: r["total_liabilities_fen"].decode(Int64?.self),
            employees: r["employees"].decode(Int?.self),
            highTech: r["high_tech"].decode(Bool.self),
            specialized: r["specialized"].decode(Bool.self),
            ipDemonstration: r["ip_demonstration"].decode(Bool.self),
            badCredit: r["bad_credit"].decode(Bool.self)))
    }
}

/// Escapes LIKE's wildcards so a search for "50%" finds the text "50%".
func likeEscaped(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
        .replacingOccurrences(of: "_", with: "\\_")
}
