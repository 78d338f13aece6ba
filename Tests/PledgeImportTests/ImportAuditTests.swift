import Foundation
import PledgeCore
import PledgeImport
import PledgeImportStore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing

/// What a bulk import leaves in the audit trail, and how the trail reads it back.
@Suite("Import audit rows", .serialized) struct ImportAuditTests {
    static func text(_ client: PostgresClient, _ sql: String) async throws -> String? {
        for try await t in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestDatabase.logger).decode(String?.self) { return t }
        return nil
    }

    static func history(_ client: PostgresClient, firm code: String) async throws -> [HistoryRecord] {
        let id = try await ImportDatabaseTests.count(client, "SELECT id::int FROM firms WHERE credit_code = '\(code)'")
        return try await AuditRepository(client: client, logger: TestDatabase.logger)
            .history(entity: "firm", id: Int64(id), page: PageRequest(limit: 50)).items
    }

    @Test func anInsertNamesTheRecordAndTheTrailShowsTheRowAsInserted() async throws {
        try await TestDatabase.withDatabase { client in
            _ = try await ImportDatabaseTests.importing(client, .firms, "firms_zh_utf8.csv")
            // One row per inserted record: who, which request, which record; no images.
            #expect(try await ImportDatabaseTests.count(client, """
                SELECT count(*)::int FROM audit_log l JOIN firms f ON f.id = l.entity_id
                WHERE l.entity = 'firm' AND l.table_name = 'firms' AND l.action = 'insert' AND l.actor = 'import:test'
                  AND l.before IS NULL AND l.after IS NULL AND l.firm_id IS NULL
                """) == 3)
            // While nothing changed the record, its insert shows the record as it stands.
            let untouched = try await Self.history(client, firm: "91500102MA5U000025")
            #expect(untouched.map(\.action) == ["insert"])
            let now = try await Self.text(client, "SELECT to_jsonb(f)::text FROM firms f WHERE credit_code = '91500102MA5U000025'")
            #expect(untouched.first?.after == now && untouched.first?.before == nil)

            // A changed row: the update keeps both images, and the insert shows the row as inserted (the update's before).
            var (table, _) = try Fixture.csv("firms_zh_utf8.csv")
            table.rows[2].cells[6] = "1,500"
            #expect(try await ImportDatabaseTests.importing(client, .firms, table).updated == 1)
            _ = try await ImportDatabaseTests.count(client, """
                WITH u AS (UPDATE firms SET town = town || '镇' WHERE credit_code = '91500102MA5U000025' RETURNING 1) SELECT count(*)::int FROM u
                """)
            let trail = try await Self.history(client, firm: "91500102MA5U000025")
            #expect(trail.map(\.action) == ["insert", "update", "update"])
            #expect(trail[0].after != nil && trail[0].after == trail[1].before)
            #expect(trail[0].after?.contains("\"version\": 1") == true && trail[0].after?.contains("1200000000") == true)
            #expect(trail[1].after == trail[2].before && trail[1].after?.contains("1500000000") == true)
            let last = try await Self.text(client, "SELECT to_jsonb(f)::text FROM firms f WHERE credit_code = '91500102MA5U000025'")
            #expect(trail[2].after == last)
        }
    }

    @Test func assetsAreNotedOncePerFirm() async throws {
        try await TestDatabase.withDatabase { client in
            _ = try await ImportDatabaseTests.importing(client, .firms, "firms_zh_utf8.csv")
            let before = try await ImportDatabaseTests.count(client, "SELECT count(*)::int FROM engine_changes WHERE source = 'ip_assets'")
            let assets = try await ImportDatabaseTests.importing(client, .assets, "assets_patent_office.csv")
            #expect(assets.inserted > 0, "\(assets.issues.map(\.text))")
            let firms = try await ImportDatabaseTests.count(client, "SELECT count(DISTINCT firm_id)::int FROM ip_assets")
            #expect(try await ImportDatabaseTests.count(client, "SELECT count(*)::int FROM engine_changes WHERE source = 'ip_assets'") == before + firms)
            #expect(try await ImportDatabaseTests.count(client, """
                SELECT count(*)::int FROM audit_log l JOIN ip_assets a ON a.id = l.entity_id AND a.firm_id = l.firm_id
                WHERE l.entity = 'asset' AND l.action = 'insert' AND l.after IS NULL
                """) == assets.inserted)
        }
    }
}
