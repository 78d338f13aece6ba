import Foundation
import PledgeCore
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeStore
import PledgeTooling

/// A backup of the demo data, restored into a new cluster, holds every row and the same ledger.
@Suite("Backup and restore")
struct BackupTests {
    static func figures(_ client: PostgresClient) async throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        let tables = try await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
                                            logger: TestDatabase.logger).collect().map { try $0.decode(String.self) }
        for table in tables {
            let n = try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: TestDatabase.logger)
                .collect()[0].decode(Int.self)
            result[table] = Int64(n)
        }
        let sums = try await client.query("""
            SELECT coalesce(sum(amount_fen), 0)::bigint, coalesce(sum(interest_fen), 0)::bigint, count(DISTINCT kind)::bigint FROM loan_entries
            """, logger: TestDatabase.logger).collect()[0].decode((Int64, Int64, Int64).self)
        result["ledger.amount"] = sums.0
        result["ledger.interest"] = sums.1
        result["ledger.kinds"] = sums.2
        return result
    }

    @Test func demoDataSurvivesABackupIntoANewCluster() async throws {
        try await TestDatabase.withDatabase { client, configuration in
            _ = try await DemoLoader(client: client, logger: TestDatabase.logger).loadIfEmpty(today: CivilDate(iso: "2026-11-30")!)
            let before = try await Self.figures(client)
            #expect((before["loan_entries"] ?? 0) > 0)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pm-backup-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let file = folder + "/demo.dump"
            let source = EmbeddedPostgres(dataDirectory: TestDatabase.cluster.dataDirectory, database: configuration.database!)
            try DatabaseBackup(target: .embedded(source)).backup(to: file)
            #expect(FileManager.default.fileExists(atPath: file))

            let fresh = EmbeddedPostgres(dataDirectory: folder + "/pg", database: "restored")
            try fresh.start(logger: TestDatabase.logger)
            defer { fresh.stop(logger: TestDatabase.logger) }
            try DatabaseBackup(target: .embedded(fresh)).restore(from: file, replace: false)
            let after = try await withRunningClient(fresh.clientConfiguration, logger: TestDatabase.logger) { try await Self.figures($0) }
            #expect(after == before)
            // A second restore over the restored data is refused without --force, and writes nothing.
            #expect(throws: DatabaseBackup.Failure.self) { try DatabaseBackup(target: .embedded(fresh)).restore(from: file, replace: false) }
        }
    }
}
