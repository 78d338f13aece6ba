import PledgeCore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing

/// The ledger's totals are checked twice: in Swift for the user's message (LoanFigures.problem,
/// through EntryInput) and in SQL as the last line of defence (loan_entries_check). For each
/// sequence of entries both must give the same verdict.
@Suite("Ledger rules: Swift and SQL agree")
struct LedgerRuleParityTests {
    /// After a ¥1,000 principal: (kind, amount, corrects the principal?) of the next entry.
    static let cases: [(LedgerEntry.Kind, Int64, Bool)] = [
        (.repayment, 1_000, false), (.repayment, 1_001, false), (.repayment, 999, false),
        (.default, 1_000, false), (.default, 1_001, false),
        (.disbursement, -999, true), (.disbursement, -1_000, true), (.disbursement, -1_001, true), (.disbursement, 500, true),
        (.repayment, -1, false),
    ]

    /// One database for all the cases (a loan each), so the check costs one clone of the template.
    @Test("Each next entry is refused by both or by neither")
    func sameVerdict() async throws {
        try await TestDatabase.withDatabase { client in
            let f = LedgerFixture(client: client)
            let bank = try await f.bank("PR")
            let product = try await f.product(bank: bank, code: "PR1")
            for (index, (kind, amount, correcting)) in Self.cases.enumerated() {
                let firm = try await f.firm(401 + index)
                let loan = try await f.loan(firm: firm, bank: bank, product: product, amountFen: 1_000,
                                            disbursedAt: "2026-01-10T02:00:00Z")
                let first = try await f.firstEntry(of: loan)
                let principal = LedgerEntry(id: first, kind: .disbursement, amountFen: 1_000,
                                            effectiveOn: CivilDate(year: 2026, month: 1, day: 10)!)
                let next = LedgerEntry(id: 0, kind: kind, amountFen: amount, effectiveOn: CivilDate(year: 2026, month: 2, day: 1)!,
                                       correctsId: correcting ? first : nil)
                let swiftRefuses = LoanFigures([principal, next]).problem != nil
                var sqlRefuses = false
                do {
                    try await f.entry(loan, kind: kind.rawValue, amountFen: amount, effectiveOn: "2026-02-01",
                                      recordedAt: "2026-02-01T02:00:00Z", corrects: correcting ? first : nil)
                } catch {
                    sqlRefuses = true
                }
                #expect(swiftRefuses == sqlRefuses, "\(kind) \(amount) correcting: \(correcting)")
            }
        }
    }
}
