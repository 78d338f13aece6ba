import PledgeCore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing
import PledgeTooling

/// 惠及企业 as the finance bureau counts them: every firm financed in the period, repeat borrowers
/// included, with first-time borrowers (首贷户) beside them, through the rollups kept by trigger, after
/// a rebuild, and by the plain count over loan_entries. Both targets start on 2025-09-22.
@Suite("Firms financed in the period")
struct FinancedFirmsTests {
    /// The cases of issue 16, one firm each:
    ///   A: loans disbursed 2025-06-10 (¥1,000,000) and 2026-04-10 (¥2,000,000);
    ///   B: only a loan of 2025-08-01;
    ///   C: a loan of 2025-07-01 renewed on 2026-02-01: its only loan in the period is the renewal;
    ///   D: two loans in the period;
    ///   E: its only loan, of 2026-02-10, moved to 2025-09-01 (before the baseline) by corrections
    ///      recorded on 2026-05-10.
    func ledger(_ client: PostgresClient) async throws {
        let f = LedgerFixture(client: client)
        let bank = try await f.bank("FF")
        let product = try await f.product(bank: bank, code: "FF1")
        let a = try await f.firm(161), b = try await f.firm(162), c = try await f.firm(163), d = try await f.firm(164)
        let e = try await f.firm(165)
        try await f.loan(firm: a, bank: bank, product: product, amountFen: 100_000_000, disbursedAt: "2025-06-10T02:00:00Z")
        try await f.loan(firm: a, bank: bank, product: product, amountFen: 200_000_000, disbursedAt: "2026-04-10T02:00:00Z")
        try await f.loan(firm: b, bank: bank, product: product, amountFen: 50_000_000, disbursedAt: "2025-08-01T02:00:00Z")
        let c1 = try await f.loan(firm: c, bank: bank, product: product, amountFen: 30_000_000, disbursedAt: "2025-07-01T02:00:00Z")
        try await f.entry(c1, kind: "repayment", amountFen: 30_000_000, effectiveOn: "2026-02-01", recordedAt: "2026-02-01T02:00:00Z")
        try await f.loan(firm: c, bank: bank, product: product, amountFen: 30_000_000, disbursedAt: "2026-02-01T02:00:00Z", renewalOf: c1)
        try await f.loan(firm: d, bank: bank, product: product, amountFen: 10_000_000, disbursedAt: "2026-01-05T02:00:00Z")
        try await f.loan(firm: d, bank: bank, product: product, amountFen: 20_000_000, disbursedAt: "2026-03-05T02:00:00Z")
        let e1 = try await f.loan(firm: e, bank: bank, product: product, amountFen: 40_000_000, disbursedAt: "2026-02-10T02:00:00Z")
        let original = try await f.firstEntry(of: e1)
        try await f.entry(e1, kind: "disbursement", amountFen: 40_000_000, effectiveOn: "2025-09-01",
                          recordedAt: "2026-05-10T02:00:00Z", corrects: original)
        try await f.entry(e1, kind: "disbursement", amountFen: -40_000_000, effectiveOn: "2026-02-10",
                          recordedAt: "2026-05-10T02:05:00Z", corrects: original)
    }

    /// Progress of the first target as of a day: (principal since the baseline, firms financed, first-time borrowers).
    func progress(_ client: PostgresClient, _ asOf: String) async throws -> [Int64] {
        let day = CivilDate(iso: asOf)!
        let sums = try await ReportRepository(client: client, logger: TestDatabase.logger).targetSums(asOf: day)
        let s = try #require(sums.first).1
        // The plain count over loan_entries agrees with the rollups on every figure.
        let reference = ReportReference(client: client, logger: TestDatabase.logger)
        let baseline = CivilDate(iso: "2025-09-22")!
        #expect(s.achievedFirms == (try await reference.financedFirms(from: baseline, through: day, asOf: day)), "as of \(asOf)")
        #expect(s.firstTimeFirms == (try await reference.firstTimeFirms(from: baseline, through: day, asOf: day)), "as of \(asOf)")
        return [s.achievedFen, s.achievedFirms, s.firstTimeFirms]
    }

    func check(_ client: PostgresClient) async throws {
        // Before the baseline: nothing counts.
        #expect(try await progress(client, "2025-09-21") == [0, 0, 0])
        // Firm E alone has borrowed in the period yet on 2026-02-28 (C's renewal and D's loan too): C, D, E.
        #expect(try await progress(client, "2026-02-28") == [80_000_000, 3, 2])
        // A's 2026 loan: its principal counts (not the 2025 one) and A counts, once, though it borrowed before the baseline.
        #expect(try await progress(client, "2026-04-09") == [100_000_000, 3, 2])
        #expect(try await progress(client, "2026-04-10") == [300_000_000, 4, 2])
        #expect(try await progress(client, "2026-05-09") == [300_000_000, 4, 2])
        // The corrections recorded on 2026-05-10 move E's only loan before the baseline: from that day E no longer counts …
        #expect(try await progress(client, "2026-05-10") == [260_000_000, 3, 1])
        #expect(try await progress(client, "2026-10-31") == [260_000_000, 3, 1])
        // … and a report as of an earlier day, read afterwards, is what it was.
        #expect(try await progress(client, "2026-04-30") == [300_000_000, 4, 2])
        // B (only before the baseline) never counts; the window 2025-08-01 alone has B.
        let reports = ReportRepository(client: client, logger: TestDatabase.logger)
        let aug = CivilDate(iso: "2025-08-01")!
        #expect(try await reports.financedFirms(from: aug, through: aug, asOf: CivilDate(iso: "2026-10-31")!) == 1)
        // E is financed on 2025-09-01 from 2026-05-10 on: a window before the baseline gains it.
        let sep = CivilDate(iso: "2025-09-01")!
        #expect(try await reports.financedFirms(from: sep, through: sep, asOf: CivilDate(iso: "2026-05-09")!) == 0)
        #expect(try await reports.financedFirms(from: sep, through: sep, asOf: CivilDate(iso: "2026-05-10")!) == 1)
        // Monthly: firms financed in each month of 2026 and since January, as of 2026-04-30 and after the correction.
        let range = ReportRange(asOf: CivilDate(iso: "2026-04-30")!, from: YearMonth(year: 2026, month: 1)!, to: YearMonth(year: 2026, month: 4)!)
        let april = try await reports.monthly(range, dimensions: [.bank])
        #expect(april.total.months.map(\.financedFirms) == [1, 2, 1, 1])       // D; C and E; D; A
        #expect(april.total.months.map(\.financedFirmsSinceFrom) == [1, 3, 3, 4])
        #expect(april.total.months.map(\.newFirms) == [1, 1, 0, 0])            // D in January, E in February (first loan ever)
        #expect(april.breakdowns.first?.groups.first?.months.map(\.financedFirms) == [1, 2, 1, 1])
        let later = try await reports.monthly(ReportRange(asOf: CivilDate(iso: "2026-05-31")!, from: range.from, to: range.to),
                                              dimensions: [.bank])
        #expect(later.total.months.map(\.financedFirms) == [1, 1, 1, 1])
        #expect(later.total.months.map(\.financedFirmsSinceFrom) == [1, 2, 2, 3])
    }

    @Test func theIssueCasesCountAsTheBureauCountsThem() async throws {
        try await TestDatabase.withDatabase { client in
            try await ledger(client)
            try await check(client)
            try await ReportRepository(client: client, logger: TestDatabase.logger).rebuild()
            try await check(client)
        }
    }
}
