import PledgeCore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing

/// A code in a row that no Swift case has is an error naming the table, the column and the value,
/// never a default (a ledger entry of an unknown kind counted as a repayment would change the figures).
@Suite("Unknown stored codes")
struct StoredCodeTests {
    @Test func unknownLedgerKindIsAnErrorNamingItsPlace() async throws {
        try await TestDatabase.withDatabase { client in
            let f = LedgerFixture(client: client)
            let bank = try await f.bank("SC")
            let product = try await f.product(bank: bank, code: "SC1")
            let firm = try await f.firm(601)
            let loan = try await f.loan(firm: firm, bank: bank, product: product, amountFen: 1_000, disbursedAt: "2026-01-10T02:00:00Z")
            // A newer program's kind, written past the check constraint as a migration ahead of this code would.
            try await f.sql("ALTER TABLE loan_entries DROP CONSTRAINT IF EXISTS loan_entries_kind_check")
            try await f.sql("ALTER TABLE loan_entries DISABLE TRIGGER USER")
            try await f.sql("""
                INSERT INTO loan_entries (firm_id, loan_id, kind, amount_fen, effective_on, actor)
                VALUES (\(loan.firm), \(loan.id), 'write_off', 1, '2026-02-01', 'test') RETURNING id
                """)
            let lifecycle = LifecycleRepository(client: client, logger: TestDatabase.logger)
            let error = await #expect(throws: UnknownStoredCode.self) { _ = try await lifecycle.loan(id: loan.id) }
            #expect(error == UnknownStoredCode(table: "loan_entries", column: "kind", value: "write_off"))
        }
    }
}
