import Logging
import PledgeCore
import PostgresNIO

public struct ValuationFilter: Sendable {
    public var assetId: Int64?
    public var firmId: Int64?
    public init(assetId: Int64? = nil, firmId: Int64? = nil) { self.assetId = assetId; self.firmId = firmId }
}

/// A stored valuation also names the firm that owns the appraised asset (its distribution key).
public struct StoredValuation: Sendable {
    public var firmId: Int64
    public var record: Stored<ValuationFields>
}

public struct ValuationRepository: VersionedTable {
    package let access: StoreAccess
    package static let table = "valuations", entity = "valuation"

    public init(client: PostgresClient, logger: Logger) { access = StoreAccess(client, logger: logger) }

    static let unknownAsset = FieldError("unknown_asset", field: "assetId", zh: "资产不存在或已归档",
                                         en: "No such asset, or it is archived")

    public func create(_ v: ValuationFields) async throws -> StoredValuation {
        let created = try await mapped {
            try await decodeAll(client.query("""
                INSERT INTO valuations (firm_id, asset_id, appraiser, method, value_fen, valuation_date, valid_until, report_number)
                SELECT a.firm_id, a.id, \(v.appraiser), \(v.method.rawValue), \(v.valueFen), \(v.valuationDate),
                       \(v.validUntil), \(v.reportNumber)
                FROM ip_assets a WHERE a.id = \(v.assetId) AND a.archived_at IS NULL
                RETURNING \(unescaped: Self.columns)
                """, logger: logger), Self.decode).first
        }
        guard let created else { throw StoreError.invalid(Self.unknownAsset) }
        return created
    }

    public func get(id: Int64) async throws -> StoredValuation {
        let rows = try await client.query("SELECT \(unescaped: Self.columns) FROM valuations WHERE id = \(id)", logger: logger)
        guard let found = try await decodeAll(rows, Self.decode).first else {
            throw StoreError.notFound(entity: "valuation", id: id)
        }
        return found
    }

    public func list(_ filter: ValuationFilter, page: PageRequest) async throws -> Page<StoredValuation> {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.columns) FROM valuations
            WHERE id > \(page.after) AND (\(page.includeArchived) OR archived_at IS NULL)
              AND (\(filter.assetId)::bigint IS NULL OR asset_id = \(filter.assetId))
              AND (\(filter.firmId)::bigint IS NULL OR firm_id = \(filter.firmId))
            ORDER BY id LIMIT \(page.limit + 1)
            """, logger: logger)
        return Page(fetched: try await decodeAll(rows, Self.decode), limit: page.limit, id: \.record.id)
    }

    public func update(id: Int64, expectedVersion: Int, _ v: ValuationFields) async throws -> StoredValuation {
        let current = try await get(id: id)
        guard current.record.fields.assetId == v.assetId else {
            throw StoreError.invalid(.init("immutable_field", field: "assetId", zh: "评估对应的资产不能修改，请新建评估",
                                           en: "A valuation's asset cannot change; record a new valuation"))
        }
        return try await versioned.update(id: id, """
                UPDATE valuations SET appraiser = \(v.appraiser), method = \(v.method.rawValue), value_fen = \(v.valueFen),
                    valuation_date = \(v.valuationDate), valid_until = \(v.validUntil), report_number = \(v.reportNumber),
                    version = version + 1, updated_at = now()
                WHERE id = \(id) AND version = \(expectedVersion) AND archived_at IS NULL
                RETURNING \(unescaped: Self.columns)
                """, Self.decode)
    }

    /// The columns `decode` reads, by name.
    static let columns = """
        id, firm_id, asset_id, appraiser, method, value_fen, valuation_date, valid_until, report_number,
        version, created_at, updated_at, archived_at
        """

    static func decode(_ r: PostgresRandomAccessRow) throws -> StoredValuation {
        try StoredValuation(firmId: r["firm_id"].decode(Int64.self), record: Stored(row: r, fields: ValuationFields(
            assetId: r["asset_id"].decode(Int64.self),
            appraiser: r["appraiser"].decode(String.self),
            method: StoredCode.decode(r["method"].decode(String.self), as: ValuationMethod.self, table: "valuations", column: "method"),
            valueFen: r["value_fen"].decode(Int64.self),
            valuationDate: r["valuation_date"].decode(CivilDate.self),
            validUntil: r["valid_until"].decode(CivilDate.self),
            reportNumber: r["report_number"].decode(String.self))))
    }
}
