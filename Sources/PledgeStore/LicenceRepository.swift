import Foundation
import Logging
import PledgeCore
import PostgresNIO

public struct StoredLicence: Sendable {
    public var id: Int64
    public var markFirmId: Int64
    public var fields: LicenceFields
    public var createdAt: Date
    public var archivedAt: Date?
}

/// Licences of GI collective marks; they belong to the licensee firm.
public struct LicenceRepository: StoreBacked {
    package let access: StoreAccess

    public init(client: PostgresClient, logger: Logger) { access = StoreAccess(client, logger: logger) }

    public static let unknownMark = FieldError("unknown_mark", field: "markAssetId", zh: "该资产不存在或不是地理标志集体商标",
                                        en: "No such asset, or it is not a GI collective mark")

    public func create(_ l: LicenceFields) async throws -> StoredLicence {
        let created = try await mapped {
            try await decodeAll(client.query("""
                INSERT INTO gi_licences (firm_id, mark_firm_id, mark_asset_id, licence_number, valid_from, valid_until)
                SELECT \(l.firmId), a.firm_id, a.id, \(l.licenceNumber), \(l.validFrom), \(l.validUntil)
                FROM ip_assets a WHERE a.id = \(l.markAssetId) AND a.type = 'gi_collective_mark' AND a.archived_at IS NULL
                RETURNING \(unescaped: Self.columns)
                """, logger: logger), Self.decode).first
        }
        guard let created else { throw StoreError.invalid(Self.unknownMark) }
        return created
    }

    public func list(markAssetId: Int64?, firmId: Int64?, page: PageRequest) async throws -> Page<StoredLicence> {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.columns) FROM gi_licences
            WHERE id > \(page.after) AND (\(page.includeArchived) OR archived_at IS NULL)
              AND (\(markAssetId)::bigint IS NULL OR mark_asset_id = \(markAssetId))
              AND (\(firmId)::bigint IS NULL OR firm_id = \(firmId))
            ORDER BY id LIMIT \(page.limit + 1)
            """, logger: logger)
        return Page(fetched: try await decodeAll(rows, Self.decode), limit: page.limit, id: \.id)
    }

    public func archive(id: Int64) async throws {
        let rows = try await client.query(
            "UPDATE gi_licences SET archived_at = coalesce(archived_at, now()) WHERE id = \(id) RETURNING id", logger: logger)
        for try await _ in rows { return }
        throw StoreError.notFound(entity: "licence", id: id)
    }

    /// The columns `decode` reads, by name.
    static let columns = "id, firm_id, mark_firm_id, mark_asset_id, licence_number, valid_from, valid_until, created_at, archived_at"

    static func decode(_ r: PostgresRandomAccessRow) throws -> StoredLicence {
        StoredLicence(
            id: try r["id"].decode(Int64.self), markFirmId: try r["mark_firm_id"].decode(Int64.self),
            fields: LicenceFields(firmId: try r["firm_id"].decode(Int64.self), markAssetId: try r["mark_asset_id"].decode(Int64.self),
                                  licenceNumber: try r["licence_number"].decode(String.self),
                                  validFrom: try r["valid_from"].decode(CivilDate.self), validUntil: try r["valid_until"].decode(CivilDate.self)),
            createdAt: try r["created_at"].decode(Date.self), archivedAt: try r["archived_at"].decode(Date?.self))
    }
}
