import Foundation
import PledgeCore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeServer
import PledgeWorkflows
import PledgeTooling

/// The in-memory ranking and the one-query SQL ranking must agree exactly: same firms, same order,
/// same capacity and score, on data neither was written for.
@Suite("Engine ranking equals the SQL reference")
struct SQLReferenceTests {
    let today = BusinessCalendar.today()

    func compare(_ client: PostgresClient) async throws -> Int {
        let index = MatchIndex(repository: MatchingRepository(client: client, logger: TestDatabase.logger),
                               logger: TestDatabase.logger, today: { today })
        try await index.sync()
        let reference = SQLReference(client: client, logger: TestDatabase.logger)
        var compared = 0
        for product in await index.allProducts {
            let fromIndex = await index.candidates(productId: product.id, filter: CandidateFilter(), after: nil, limit: .max) ?? []
            let fromSQL = try await reference.candidates(product: product, asOf: today, limit: 1_000_000)
            #expect(fromIndex.map(\.key.firmId) == fromSQL.map(\.firmId), "product \(product.id): order differs")
            #expect(fromIndex.map(\.key.capacityFen) == fromSQL.map(\.capacityFen), "product \(product.id): capacity differs")
            #expect(fromIndex.map(\.key.centiPoints) == fromSQL.map(\.centiPoints), "product \(product.id): score differs")
            compared += fromSQL.count
        }
        return compared
    }

    @Test func onTheDemoDataWithPledgesAndArchives() async throws {
        try await TestDatabase.withDatabase { client in
            _ = try await DemoLoader(client: client, logger: TestDatabase.logger).loadIfEmpty(today: today)
            // Pledge some assets, archive some valuations and assets, withdraw some co-owners' consent.
            for sql in [
                IndexCatchUpTests.pledgeEvery(9),
                "UPDATE valuations SET archived_at = now() WHERE id % 13 = 0",
                "UPDATE ip_assets SET archived_at = now() WHERE id % 17 = 0",
                "UPDATE ip_asset_co_owners SET consent_to_pledge = false WHERE asset_id % 2 = 0",
            ] {
                _ = try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestDatabase.logger)
            }
            #expect(try await compare(client) > 50)
        }
    }

    @Test func onRandomData() async throws {
        try await TestDatabase.withDatabase { client in
            try await BenchData(client: client, logger: TestDatabase.logger).generate(firms: 400, assets: 4_000, seed: 0.17) { _ in }
            #expect(try await compare(client) > 100)
        }
    }
}
