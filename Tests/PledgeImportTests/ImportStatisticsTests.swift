import Foundation
import PledgeImport
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing

/// The planner sizes a load's target table from its statistics. After a vacuum had found it empty
/// (an earlier load rolled back), it joined every later block to the rows the load itself had put
/// in by a full scan instead of the unique index: quadratic, so an upload of 200,000 firms after a
/// service stop ran for over ten minutes.
@Suite("Import: the target's statistics") struct ImportStatisticsTests {
    @Test("a load into a table whose statistics say empty counts its own rows as it goes")
    func statisticsFollowTheLoad() async throws {
        try await TestDatabase.withDatabase { client in
            _ = try await ImportBlockTests.importing(client, .firms, try ImportBlockTests.firms(20_000), blockRows: nil)
            // Every firm but the last gone and vacuumed: the pages stay (the last row holds the end of
            // the table), the statistics say one row, as after a rolled-back load.
            try await client.query("DELETE FROM firms WHERE id <> (SELECT max(id) FROM firms)", logger: TestDatabase.logger)
            try await client.query("VACUUM firms", logger: TestDatabase.logger)
            #expect(try await Self.counted(client) <= 1)

            let outcome = try await ImportBlockTests.importing(client, .firms, try ImportBlockTests.firms(20_000, firstSerial: 20_000),
                                                              blockRows: 1_000)
            #expect(outcome.inserted == 20_000)
            #expect(try await ImportBlockTests.count(client, "SELECT count(*)::int FROM firms") == 20_001)
            // Counted inside the load's transaction, before anything else could analyze the table.
            #expect(try await Self.counted(client) >= 10_000)
        }
    }

    static func counted(_ client: PostgresClient) async throws -> Double {
        let rows = try await client.query("SELECT reltuples::float8 FROM pg_class WHERE oid = 'firms'::regclass", logger: TestDatabase.logger)
        for try await value in rows.decode(Double.self) { return value }
        return -1
    }
}
