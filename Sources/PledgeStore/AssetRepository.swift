import Logging
import PledgeCore
import PostgresNIO

public struct AssetFilter: Sendable {
    public var firmId: Int64?
    public var type: IPType?
    public var legalStatus: LegalStatus?
    public init(firmId: Int64? = nil, type: IPType? = nil, legalStatus: LegalStatus? = nil) {
        self.firmId = firmId; self.type = type; self.legalStatus = legalStatus
    }
}

/// IP assets with their co-owners. An asset's owner firm is fixed once stored: it is the
/// distribution key, and a change of owner is a transfer, not an edit.
public struct AssetRepository: VersionedTable {
    package let access: StoreAccess
    package static let table = "ip_assets", entity = "asset"

    public init(client: PostgresClient, logger: Logger) { access = StoreAccess(client, logger: logger) }

    public func create(_ f: AssetFields) async throws -> Stored<AssetFields> {
        try await transaction { conn in
            let rows = try await conn.run("""
                INSERT INTO ip_assets (firm_id, type, number, title, filing_date, grant_date, registration_date,
                    first_use_date, expiry_date, renewal_count, legal_status, ipc_classes, nice_classes, claims,
                    forward_citations, family_size, licences, litigations)
                SELECT \(f.firmId), \(f.type.rawValue), \(f.number), \(f.title), \(f.filingDate), \(f.grantDate),
                    \(f.registrationDate), \(f.firstUseDate), \(f.expiryDate), \(f.renewalCount), \(f.legalStatus.rawValue),
                    \(f.ipcClasses), \(f.niceClasses.map(Int16.init)), \(f.indicators.claims),
                    \(f.indicators.forwardCitations), \(f.indicators.familySize), \(f.indicators.licences),
                    \(f.indicators.litigations)
                RETURNING id
                """, logger: logger)
            let id = try await rows.returnedId()
            try await replaceCoOwners(conn, firmId: f.firmId, assetId: id, f.coOwners)
            return try await fetch(conn, id: id)!
        }
    }

    public func get(id: Int64) async throws -> Stored<AssetFields> {
        guard let asset = try await client.withConnection({ try await fetch($0, id: id) }) else {
            throw StoreError.notFound(entity: "asset", id: id)
        }
        return asset
    }

    public func list(_ filter: AssetFilter, page: PageRequest) async throws -> Page<Stored<AssetFields>> {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.columns) FROM ip_assets a
            WHERE a.id > \(page.after) AND (\(page.includeArchived) OR a.archived_at IS NULL)
              AND (\(filter.firmId)::bigint IS NULL OR a.firm_id = \(filter.firmId))
              AND (\(filter.type?.rawValue)::text IS NULL OR a.type = \(filter.type?.rawValue))
              AND (\(filter.legalStatus?.rawValue)::text IS NULL OR a.legal_status = \(filter.legalStatus?.rawValue))
            ORDER BY a.id LIMIT \(page.limit + 1)
            """, logger: logger)
        return Page(fetched: try await decodeAll(rows, Self.decode), limit: page.limit, id: \.id)
    }

    public func update(id: Int64, expectedVersion: Int, _ f: AssetFields) async throws -> Stored<AssetFields> {
        let current = try await get(id: id)
        guard current.fields.firmId == f.firmId else {
            throw StoreError.invalid(.init("immutable_field", field: "firmId",
                zh: "资产的权利人企业不能修改（权属转移需另行登记）",
                en: "An asset's owner firm cannot be edited (a transfer is recorded separately)"))
        }
        return try await versioned.update(id: id) { conn -> Stored<AssetFields>? in
            let rows = try await conn.run("""
                UPDATE ip_assets SET type = \(f.type.rawValue), number = \(f.number), title = \(f.title),
                    filing_date = \(f.filingDate), grant_date = \(f.grantDate), registration_date = \(f.registrationDate),
                    first_use_date = \(f.firstUseDate), expiry_date = \(f.expiryDate), renewal_count = \(f.renewalCount),
                    legal_status = \(f.legalStatus.rawValue), ipc_classes = \(f.ipcClasses),
                    nice_classes = \(f.niceClasses.map(Int16.init)), claims = \(f.indicators.claims),
                    forward_citations = \(f.indicators.forwardCitations), family_size = \(f.indicators.familySize),
                    licences = \(f.indicators.licences), litigations = \(f.indicators.litigations),
                    version = version + 1, updated_at = now()
                WHERE id = \(id) AND version = \(expectedVersion) AND archived_at IS NULL
                RETURNING id
                """, logger: logger)
            guard try await rows.hasRows() else { return nil }
            try await replaceCoOwners(conn, firmId: f.firmId, assetId: id, f.coOwners)
            return try await fetch(conn, id: id)
        }
    }

    private func replaceCoOwners(_ conn: PostgresConnection, firmId: Int64, assetId: Int64,
                                 _ owners: [AssetInput.CoOwner]) async throws {
        _ = try await conn.run("DELETE FROM ip_asset_co_owners WHERE firm_id = \(firmId) AND asset_id = \(assetId)",
                                 logger: logger)
        for (position, o) in owners.enumerated() {
            _ = try await conn.run("""
                INSERT INTO ip_asset_co_owners (firm_id, asset_id, position, name, credit_code, share_bp, consent_to_pledge)
                VALUES (\(firmId), \(assetId), \(position), \(o.name), \(o.creditCode), \(o.shareBp), \(o.consentToPledge))
                """, logger: logger)
        }
    }

    private func fetch(_ conn: PostgresConnection, id: Int64) async throws -> Stored<AssetFields>? {
        let rows = try await conn.run("SELECT \(unescaped: Self.columns) FROM ip_assets a WHERE a.id = \(id)", logger: logger)
        return try await decodeAll(rows, Self.decode).first
    }

    struct CoOwnerJSON: Decodable, Sendable {
        var name: String
        var creditCode: String?
        var shareBp: Int
        var consentToPledge: Bool
    }

    /// The columns `decode` reads, by name.
    static let columns = """
        a.id, a.firm_id, a.type, a.number, a.title, a.filing_date, a.grant_date, a.registration_date, a.first_use_date,
        a.expiry_date, a.renewal_count, a.legal_status, a.ipc_classes, a.nice_classes, a.claims, a.forward_citations,
        a.family_size, a.licences, a.litigations, a.version, a.created_at, a.updated_at, a.archived_at,
        coalesce((SELECT jsonb_agg(jsonb_build_object('name', o.name, 'creditCode', o.credit_code, 'shareBp', o.share_bp,
                  'consentToPledge', o.consent_to_pledge) ORDER BY o.position)
                  FROM ip_asset_co_owners o WHERE o.firm_id = a.firm_id AND o.asset_id = a.id), '[]') AS co_owners
        """

    static func decode(_ r: PostgresRandomAccessRow) throws -> Stored<AssetFields> {
        let owners = try r["co_owners"].decode(JSONList<CoOwnerJSON>.self).items.map {
            AssetInput.CoOwner(name: $0.name, creditCode: $0.creditCode, shareBp: $0.shareBp, consentToPledge: $0.consentToPledge)
        }
        return try Stored(row: r, fields: AssetFields(
            firmId: r["firm_id"].decode(Int64.self),
            type: StoredCode.decode(r["type"].decode(String.self), as: IPType.self, table: "ip_assets", column: "type"),
            number: r["number"].decode(String.self),
            title: r["title"].decode(String.self),
            filingDate: r["filing_date"].decode(CivilDate?.self),
            grantDate: r["grant_date"].decode(CivilDate?.self),
            registrationDate: r["registration_date"].decode(CivilDate?.self),
            firstUseDate: r["first_use_date"].decode(CivilDate?.self),
            expiryDate: r["expiry_date"].decode(CivilDate?.self),
            renewalCount: r["renewal_count"].decode(Int.self),
            legalStatus: StoredCode.decode(r["legal_status"].decode(String.self), as: LegalStatus.self, table: "ip_assets", column: "legal_status"),
            ipcClasses: r["ipc_classes"].decode([String].self),
            niceClasses: r["nice_classes"].decode([Int16].self).map(Int.init),
            indicators: ValueIndicators(
                claims: r["claims"].decode(Int?.self), forwardCitations: r["forward_citations"].decode(Int?.self),
                familySize: r["family_size"].decode(Int?.self), licences: r["licences"].decode(Int?.self),
                litigations: r["litigations"].decode(Int?.self)),
            coOwners: owners))
    }
}
