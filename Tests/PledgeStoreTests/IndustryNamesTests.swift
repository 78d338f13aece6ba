import PledgeCore
import PledgeTestSupport
import Testing
@testable import PledgeStore

/// The core names industries in the texts people read; the industries table is their home. The two agree.
@Suite("Industry names")
struct IndustryNamesTests {
    @Test func coreNamesEqualTheIndustriesTable() async throws {
        try await TestDatabase.withDatabase { client in
            let rows = try await IndustryRepository(client: client, logger: TestDatabase.logger).all()
            #expect(rows.count == IndustryNames.labels.count, "every industry is named in the core, and no other")
            for row in rows {
                let label = try #require(IndustryNames.labels[row.code], "\(row.code) has no name in IndustryNames")
                #expect(label.zh == row.nameZh, "\(row.code)")
                #expect(label.en == row.nameEn, "\(row.code)")
            }
        }
    }
}
