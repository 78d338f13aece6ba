import PledgeCore
import PledgeStore
import PledgeTestSupport
import PledgeWorkflows
import PostgresNIO
import Testing

/// The ledger's workflows on a real database, without HTTP: who may record what, what an entry does
/// to its application, and what a renewal writes.
@Suite("Ledger workflows")
struct LedgerWorkflowTests {
    struct Books {
        let applications: ApplicationWorkflow
        let ledger: LedgerWorkflow
        let lifecycle: LifecycleRepository
        let fixture: LedgerFixture
        let bank: Int64
        let loan: LedgerFixture.Loan
        var officer: Caller { Caller(Principal(actor: "officer", role: .bankOfficer, bankId: bank)) }
    }

    static let today = CivilDate(year: 2026, month: 6, day: 1)!

    /// A loan of ¥1,000,000 disbursed on 2026-01-10 with one pledged patent.
    static func books(_ client: PostgresClient) async throws -> Books {
        let f = LedgerFixture(client: client)
        let bank = try await f.bank("WF")
        let product = try await f.product(bank: bank, code: "WF1")
        let firm = try await f.firm(301)
        let loan = try await f.loan(firm: firm, bank: bank, product: product, amountFen: 100_000_000,
                                    disbursedAt: "2026-01-10T02:00:00Z", pledges: [("invention", 300_000_000)])
        let lifecycle = LifecycleRepository(client: client, logger: TestDatabase.logger)
        let matching = MatchingRepository(client: client, logger: TestDatabase.logger)
        let applications = ApplicationWorkflow(lifecycle: lifecycle, matching: matching, database: Database(client))
        return Books(applications: applications, ledger: LedgerWorkflow(lifecycle: lifecycle, applications: applications),
                     lifecycle: lifecycle, fixture: f, bank: bank, loan: loan)
    }

    static func refusal(_ body: () async throws -> Void) async -> WorkflowError? {
        do { try await body() } catch let error as WorkflowError { return error } catch { Issue.record(error) }
        return nil
    }

    @Test("The repayment that clears the loan settles the application and releases the pledge")
    func clearingRepaymentSettles() async throws {
        try await TestDatabase.withDatabase { client in
            let b = try await Self.books(client)
            let part = EntryInput(kind: .repayment, amountFen: 40_000_000, effectiveOn: "2026-03-01")
            let afterPart = try await b.ledger.addEntry(b.loan.id, part, by: b.officer, today: Self.today)
            #expect(afterPart.figures.outstandingFen == 60_000_000)
            #expect(try await b.applications.get(b.loan.application, by: b.officer).state == .disbursed)
            let rest = EntryInput(kind: .repayment, amountFen: 60_000_000, effectiveOn: "2026-04-01", interestFen: 1_000)
            let cleared = try await b.ledger.addEntry(b.loan.id, rest, by: b.officer, today: Self.today)
            #expect(cleared.figures.status == .repaid)
            #expect(cleared.pledge?.status == "released")
            let app = try await b.applications.get(b.loan.application, by: b.officer)
            #expect(app.state == .repaid)
            #expect(app.steps.last?.action == "settle")
        }
    }

    @Test("Only the bank's own officers record entries; overpayment and the principal are refused")
    func refusals() async throws {
        try await TestDatabase.withDatabase { client in
            let b = try await Self.books(client)
            let repayment = EntryInput(kind: .repayment, amountFen: 1_000, effectiveOn: "2026-03-01")
            let ops = Caller(Principal(actor: "ops", role: .operations))
            #expect(await Self.refusal { _ = try await b.ledger.addEntry(b.loan.id, repayment, by: ops, today: Self.today) }?.kind
                    == .forbidden)
            let stranger = Caller(Principal(actor: "other", role: .bankOfficer, bankId: b.bank + 100))
            let hidden = await Self.refusal { _ = try await b.ledger.addEntry(b.loan.id, repayment, by: stranger, today: Self.today) }
            #expect(hidden?.kind == .notFound)
            #expect(hidden?.code == "loan_not_found")
            let principal = EntryInput(kind: .disbursement, amountFen: 1_000, effectiveOn: "2026-03-01")
            #expect(await Self.refusal { _ = try await b.ledger.addEntry(b.loan.id, principal, by: b.officer, today: Self.today) }?.code
                    == "principal_by_correction")
            let over = EntryInput(kind: .repayment, amountFen: 100_000_001, effectiveOn: "2026-03-01")
            let overpaid = await Self.refusal { _ = try await b.ledger.addEntry(b.loan.id, over, by: b.officer, today: Self.today) }
            #expect(overpaid?.kind == .invalid)
            #expect(overpaid?.code == "overpaid")
            #expect(try await b.ledger.get(b.loan.id, by: b.officer).entries.count == 1)
        }
    }

    @Test("A renewal repays the old loan's outstanding principal and opens the new loan; the old one takes no more entries")
    func renewal() async throws {
        try await TestDatabase.withDatabase { client in
            let b = try await Self.books(client)
            _ = try await b.ledger.addEntry(b.loan.id, EntryInput(kind: .repayment, amountFen: 30_000_000, effectiveOn: "2026-03-01"),
                                            by: b.officer, today: Self.today)
            let input = RenewalInput(disbursedAt: Timestamp(seconds: 1_777_600_000), principalFen: 80_000_000, maturityOn: "2027-05-01",
                                     rateBp: 380, reason: nil)
            let renewed = try await b.ledger.renew(b.loan.id, input, by: b.officer, today: Self.today)
            #expect(renewed.renewalOf == b.loan.id)
            #expect(renewed.figures.principalFen == 80_000_000)
            let old = try await b.ledger.get(b.loan.id, by: b.officer)
            #expect(old.renewedBy == renewed.id)
            #expect(old.figures.outstandingFen == 0)
            #expect(old.entries.last?.entry.amountFen == 70_000_000)
            #expect(old.entries.last?.entry.reason == "续贷结清 / repaid by renewal")
            #expect(try await b.applications.get(b.loan.application, by: b.officer).state == .disbursed)
            let late = EntryInput(kind: .repayment, amountFen: 1_000, effectiveOn: "2026-05-10")
            #expect(await Self.refusal { _ = try await b.ledger.addEntry(b.loan.id, late, by: b.officer, today: Self.today) }?.code
                    == "loan_renewed")
            #expect(await Self.refusal { _ = try await b.ledger.renew(b.loan.id, input, by: b.officer, today: Self.today) }?.code
                    == "loan_not_renewable")
        }
    }

    @Test("Moves follow the transition table, with the version read and the caller's role")
    func transitions() async throws {
        try await TestDatabase.withDatabase { client in
            let b = try await Self.books(client)
            let app = try await b.applications.get(b.loan.application, by: b.officer)
            let illegal = await Self.refusal {
                _ = try await b.applications.transition(app.id, action: .submit, reason: nil, ifMatch: nil, by: b.officer, today: Self.today)
            }
            #expect(illegal?.kind == .conflict)
            #expect(illegal?.code == "illegal_transition")
            let stale = await Self.refusal {
                _ = try await b.applications.transition(app.id, action: .withdraw, reason: nil, ifMatch: "\"\(app.version + 1)\"",
                                                        by: b.officer, today: Self.today)
            }
            #expect(stale?.kind == .stale)
            #expect(stale?.currentVersion == app.version)
            let unreadable = await Self.refusal {
                _ = try await b.applications.transition(app.id, action: .withdraw, reason: nil, ifMatch: "v1", by: b.officer, today: Self.today)
            }
            #expect(unreadable?.kind == .badRequest)
        }
    }
}
