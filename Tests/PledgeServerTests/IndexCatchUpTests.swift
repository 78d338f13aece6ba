import PledgeCore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeServer
import PledgeWorkflows
import PledgeTooling

/// An index kept fresh by catch-ups must hold exactly what an index built afresh holds, whatever
/// was written in between: every product's ranking and every firm's assets.
@Suite("Index catch-up equals a fresh build")
struct IndexCatchUpTests {
    let today = BusinessCalendar.today()
    let logger = TestDatabase.logger

    func index(_ client: PostgresClient) -> MatchIndex {
        MatchIndex(repository: MatchingRepository(client: client, logger: logger), logger: logger, today: { today })
    }

    /// Pledges every asset whose id is a multiple of `n` and is not pledged yet, one pledge per firm.
    static func pledgeEvery(_ n: Int) -> String {
        """
        WITH chosen AS (SELECT firm_id, id FROM ip_assets a WHERE id % \(n) = 0 AND NOT EXISTS (
                 SELECT 1 FROM pledge_assets pa WHERE pa.firm_id = a.firm_id AND pa.asset_id = a.id AND pa.active)),
             p AS (INSERT INTO pledges (firm_id, secured_amount_fen) SELECT DISTINCT firm_id, 1000000 FROM chosen
                   RETURNING firm_id, id)
        INSERT INTO pledge_assets (firm_id, pledge_id, asset_id)
        SELECT c.firm_id, p.id, c.id FROM chosen c JOIN p ON p.firm_id = c.firm_id
        """
    }

    /// Writes of every kind the change log records, each followed by a catch-up.
    static let writes = [
        "UPDATE valuations SET value_fen = value_fen * 3 WHERE id % 5 = 0",
        "UPDATE valuations SET archived_at = now() WHERE id % 11 = 0",
        """
        INSERT INTO valuations (firm_id, asset_id, appraiser, method, value_fen, valuation_date, valid_until, report_number)
        SELECT firm_id, id, '重庆测试评估', 'income', 88800000, current_date - 10, current_date + 300, 'T-' || id
        FROM ip_assets WHERE id % 7 = 0
        """,
        "UPDATE ip_assets SET archived_at = now() WHERE id % 19 = 0",
        "UPDATE ip_assets SET legal_status = 'frozen' WHERE id % 23 = 0 AND legal_status = 'in_force'",
        "UPDATE ip_assets SET claims = coalesce(claims, 0) + 9, forward_citations = 40 WHERE id % 6 = 1",
        """
        INSERT INTO ip_assets (firm_id, type, number, title, filing_date, grant_date, expiry_date, legal_status, claims)
        SELECT id, 'invention', 'ZL2024' || lpad(id::text, 7, '0') || '.X', '新授权发明 ' || id, current_date - 900,
               current_date - 100, current_date - 900 + 7300, 'in_force', 12
        FROM firms WHERE id % 4 = 0
        """,
        """
        INSERT INTO valuations (firm_id, asset_id, appraiser, method, value_fen, valuation_date, valid_until, report_number)
        SELECT firm_id, id, '重庆测试评估', 'market', 123400000, current_date - 5, current_date + 360, 'N-' || id
        FROM ip_assets WHERE title LIKE '新授权发明%'
        """,
        "UPDATE ip_asset_co_owners SET consent_to_pledge = NOT consent_to_pledge WHERE asset_id % 3 = 0",
        pledgeEvery(8),
        "UPDATE pledge_assets SET active = false WHERE asset_id % 16 = 0",
        "UPDATE firms SET bad_credit = true WHERE id % 9 = 0",
        "UPDATE firms SET rd_expense_fen = coalesce(annual_revenue_fen, 0) / 10, high_tech = true WHERE id % 5 = 2",
        "UPDATE firms SET archived_at = now() WHERE id % 29 = 0",
        "UPDATE product_ip_terms SET loan_to_value_bp = 4500 WHERE product_id % 2 = 0",
        // An asset with nothing hanging on it moves to another firm: both firms change in one catch-up.
        """
        UPDATE ip_assets SET firm_id = firm_id % (SELECT max(id) FROM firms WHERE archived_at IS NULL) + 1,
                             title = '转让资产 ' || id
        WHERE id = (SELECT min(a.id) FROM ip_assets a WHERE a.archived_at IS NULL
                      AND NOT EXISTS (SELECT 1 FROM valuations v WHERE v.asset_id = a.id)
                      AND NOT EXISTS (SELECT 1 FROM ip_asset_co_owners c WHERE c.asset_id = a.id)
                      AND NOT EXISTS (SELECT 1 FROM pledge_assets p WHERE p.asset_id = a.id)
                      AND NOT EXISTS (SELECT 1 FROM application_assets x WHERE x.asset_id = a.id))
        """,
    ]

    @Test func afterEveryKindOfWrite() async throws {
        try await TestDatabase.withDatabase { client in
            _ = try await DemoLoader(client: client, logger: logger).loadIfEmpty(today: today)
            let kept = index(client)
            try await kept.sync()
            for sql in Self.writes {
                do {
                    _ = try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                } catch {
                    Issue.record("\(sql): \(String(reflecting: error))")
                    return
                }
                try await kept.sync()
            }
            var moved = 0
            for try await n in try await client.query("SELECT count(*) FROM ip_assets WHERE title LIKE '转让资产%'",
                                                      logger: logger).decode(Int.self) { moved = n }
            #expect(moved == 1, "one asset moved between firms")
            let fresh = index(client)
            try await fresh.sync()
            #expect(await kept.stats.firms == fresh.stats.firms)
            #expect(await kept.stats.assets == fresh.stats.assets)
            var compared = 0
            for product in await fresh.allProducts {
                let a = await kept.candidates(productId: product.id, filter: CandidateFilter(), after: nil, limit: .max) ?? []
                let b = await fresh.candidates(productId: product.id, filter: CandidateFilter(), after: nil, limit: .max) ?? []
                #expect(a.map(\.key) == b.map(\.key), "product \(product.id)")
                compared += b.count
            }
            #expect(compared > 50)
            for id in 1...Int64(await fresh.stats.firms + 10) {
                let a = await kept.firm(id), b = await fresh.firm(id)
                #expect(a?.firm == b?.firm, "firm \(id)")
                #expect(a?.assets == b?.assets, "assets of firm \(id)")
                for asset in b?.assets ?? [] {
                    #expect(await kept.asset(asset.id) == asset, "asset \(asset.id) found under its holder")
                }
            }
        }
    }
}
