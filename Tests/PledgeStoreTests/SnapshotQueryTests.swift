import PledgeCore
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeStore
import PledgeTooling

/// The matching index reads every firm set-wise (`allFirmsSelect`) and a changed firm on its own
/// (`firmSelect`); both must give each firm the same row, defaulted loans included.
@Suite("Matching snapshot queries")
struct SnapshotQueryTests {
    @Test func everyFirmReadAlikeBothWays() async throws {
        try await TestDatabase.withDatabase { client in
            let logger = TestDatabase.logger
            _ = try await DemoLoader(client: client, logger: logger).loadIfEmpty(today: CivilDate(iso: "2026-11-30")!)
            let all = MatchingRepository.allFirmsSelect + " WHERE f.archived_at IS NULL"
            let one = MatchingRepository.firmSelect + " WHERE f.archived_at IS NULL"
            let figures = try await client.query(PostgresQuery(unsafeSQL: """
                SELECT (SELECT count(*) FROM (\(all)) a),
                       (SELECT count(*) FROM (\(all)) a FULL JOIN (\(one)) b ON a.id = b.id WHERE a IS DISTINCT FROM b),
                       (SELECT count(*) FROM (\(all)) a WHERE a.coalesce > 0)
                """), logger: logger).collect()[0].decode((Int, Int, Int).self)
            #expect(figures.0 > 10)
            #expect(figures.1 == 0, "firms read differently by the two queries")
            // The demo data has a defaulted loan, so the counts are compared where they are not all 0.
            #expect(figures.2 >= 1)
        }
    }
}
