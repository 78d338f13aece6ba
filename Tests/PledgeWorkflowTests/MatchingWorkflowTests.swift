import PledgeCore
import PledgeStore
import PledgeTestSupport
import PledgeWorkflows
import PostgresNIO
import Testing

/// What-if and candidates through the workflow, on a real database and the engine's index, without HTTP.
@Suite("Matching workflows")
struct MatchingWorkflowTests {
    static let today = CivilDate(year: 2025, month: 6, day: 1)!

    struct World {
        let flow: MatchingWorkflow
        let client: PostgresClient
        let bank: Int64
        let product: Int64
        let firm: Int64
        let asset: Int64
    }

    /// One bank with one product, one firm with one granted invention patent valued ¥3,000,000.
    static func world(_ client: PostgresClient) async throws -> World {
        let f = LedgerFixture(client: client)
        let bank = try await f.bank("MW")
        let product = try await f.product(bank: bank, code: "MW1")
        try await f.sql("""
            INSERT INTO product_ip_terms (product_id, ip_type, loan_to_value_bp, min_remaining_life_months)
            VALUES (\(product), 'invention', 4000, 60) RETURNING product_id
            """)
        let firm = try await f.firm(501)
        let asset = try await f.sql("""
            INSERT INTO ip_assets (firm_id, type, number, title, filing_date, grant_date, expiry_date, legal_status)
            VALUES (\(firm), 'invention', '202010123456.X', '测试专利', '2020-01-01', '2021-06-01', '2040-01-01', 'in_force') RETURNING id
            """)[0]
        try await f.sql("""
            INSERT INTO valuations (firm_id, asset_id, appraiser, method, value_fen, valuation_date, valid_until, report_number)
            VALUES (\(firm), \(asset), '测试评估', 'income', 300000000, '2025-01-01', '2026-01-01', 'MW-1') RETURNING id
            """)
        let index = MatchIndex(repository: MatchingRepository(client: client, logger: TestDatabase.logger), logger: TestDatabase.logger,
                               today: { today })
        let flow = MatchingWorkflow(index: index, products: ProductRepository(client: client, logger: TestDatabase.logger),
                                    consents: ConsentRepository(client: client, logger: TestDatabase.logger),
                                    audit: AuditEvents(client: client, logger: TestDatabase.logger))
        return World(flow: flow, client: client, bank: bank, product: product, firm: firm, asset: asset)
    }

    static func refusal(_ body: () async throws -> Void) async -> WorkflowError? {
        do { try await body() } catch let error as WorkflowError { return error } catch { Issue.record(error) }
        return nil
    }

    @Test("A bank officer's candidates are the consenting firms only; another bank's product is not found; every list is audited")
    func consentScope() async throws {
        try await TestDatabase.withDatabase { client in
            let w = try await Self.world(client)
            let ops = Caller(Principal(actor: "ops", role: .operations))
            let officer = Caller(Principal(actor: "officer", role: .bankOfficer, bankId: w.bank))
            let all = try await w.flow.candidates(productId: w.product, filter: CandidateFilter(), after: nil, limit: 10, format: "json",
                                                  by: ops)
            #expect(all.items.map(\.firm.id) == [w.firm])
            let none = try await w.flow.candidates(productId: w.product, filter: CandidateFilter(), after: nil, limit: 10,
                                                   format: "json", by: officer)
            #expect(none.items.isEmpty)
            try await LedgerFixture(client: client).sql("""
                INSERT INTO firm_consents (firm_id, scope, bank_id, granted_on, evidence, recorded_by)
                VALUES (\(w.firm), 'share_with_banks', \(w.bank), '2025-01-05', '授权书', 'test') RETURNING id
                """)
            let consented = try await w.flow.candidates(productId: w.product, filter: CandidateFilter(), after: nil, limit: nil,
                                                        format: "csv", by: officer)
            #expect(consented.items.map(\.firm.id) == [w.firm])
            let firstPage = try await w.flow.candidates(productId: w.product, filter: CandidateFilter(), after: nil, limit: 10,
                                                        format: "json", by: officer)
            #expect(firstPage.items.map(\.firm.id) == [w.firm])
            #expect(firstPage.product.id == w.product)
            let unknown = await Self.refusal {
                _ = try await w.flow.candidates(productId: w.product + 1000, filter: CandidateFilter(), after: nil, limit: 10,
                                                format: "json", by: officer)
            }
            #expect(unknown?.kind == .notFound)
            let stranger = Caller(Principal(actor: "other", role: .bankOfficer, bankId: w.bank + 100))
            let hidden = await Self.refusal {
                _ = try await w.flow.candidates(productId: w.product, filter: CandidateFilter(), after: nil, limit: 10, format: "json",
                                                by: stranger)
            }
            #expect(hidden?.kind == .notFound)
            #expect(hidden?.code == "product_not_found")
            let exports = try await LedgerFixture(client: client).sql("SELECT count(*) FROM audit_log WHERE action = 'export'")
            #expect(exports == [4])
        }
    }

    @Test("What-if: a higher valuation raises the capacity; an asset the firm does not hold is named by its field")
    func whatIf() async throws {
        try await TestDatabase.withDatabase { client in
            let w = try await Self.world(client)
            let higher = WhatIfInput(valuations: [.init(assetId: w.asset, valueFen: 600_000_000, valuationDate: "2025-05-01",
                                                        validUntil: "2026-05-01")],
                                     newAssets: [], productId: w.product, amountFen: nil, termMonths: nil, asOf: nil)
            let (asOf, items) = try await w.flow.whatIf(firmId: w.firm, higher, today: Self.today)
            #expect(asOf == Self.today)
            #expect(items.count == 1)
            #expect(items[0].before.eligible, "\(items[0].before.summaryEn)")
            #expect(items[0].after.capacityFen > items[0].before.capacityFen)
            let stranger = WhatIfInput(valuations: [.init(assetId: w.asset + 1000, valueFen: 1, valuationDate: "2025-05-01",
                                                          validUntil: "2026-05-01")],
                                       newAssets: [], productId: nil, amountFen: nil, termMonths: nil, asOf: nil)
            let refused = await Self.refusal { _ = try await w.flow.whatIf(firmId: w.firm, stranger, today: Self.today) }
            #expect(refused?.kind == .invalid)
            #expect(refused?.field == "valuations[0].assetId")
            let noFirm = await Self.refusal { _ = try await w.flow.whatIf(firmId: w.firm + 1000, higher, today: Self.today) }
            #expect(noFirm?.code == "firm_not_found")
        }
    }
}
