import PledgeCore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing

/// The rollups kept by trigger must give exactly the figures computed plainly from the ledger, for
/// any as-of day, and so must a rebuild from scratch.
@Suite("Report rollups equal the plain ledger computation")
struct ReportRollupTests {
    static let asOfDays = ["2025-05-31", "2025-06-01", "2025-09-21", "2025-09-22", "2025-12-31", "2026-01-15", "2026-02-28",
                           "2026-03-01", "2026-05-17", "2026-08-31", "2026-11-30", "2027-06-30"].map { CivilDate(iso: $0)! }

    func normalized(_ rows: [FlowRow]) -> [String: FlowSums] {
        var result: [String: FlowSums] = [:]
        for r in rows {
            result["\(r.dimension?.rawValue ?? "all")|\(r.key)|\(r.month.map(String.init(describing:)) ?? "before")", default: FlowSums()] += r.sums
        }
        return result.filter { $0.value != FlowSums() }
    }

    func compare(_ client: PostgresClient) async throws {
        let rollup = ReportRepository(client: client, logger: TestDatabase.logger)
        let reference = ReportReference(client: client, logger: TestDatabase.logger)
        for asOf in Self.asOfDays {
            let range = ReportRange(asOf: asOf, from: YearMonth(year: 2025, month: 9)!, to: YearMonth(year: 2027, month: 3)!)
            let fast = normalized(try await rollup.flowRows(range, dimensions: ReportDimension.allCases))
            let plain = normalized(try await reference.flowRows(range, dimensions: ReportDimension.allCases))
            #expect(fast == plain, "flows differ as of \(asOf)")
            if asOf.year >= 2026 { #expect(fast.count > 100, "too little data to compare as of \(asOf)") }
            let fastDays = try await rollup.dayTotals(asOf: asOf).filter { $0.principalFen != 0 || $0.newFirms != 0 }
            let plainDays = try await reference.dayTotals(asOf: asOf).filter { $0.principalFen != 0 || $0.newFirms != 0 }
            #expect(fastDays == plainDays, "day totals differ as of \(asOf)")
            // Progress read in one query per report equals progress summed from the plain day totals.
            for (target, sums) in try await rollup.targetSums(asOf: asOf) {
                #expect(sums == ProgressCalculator.sums(target, asOf: asOf, days: try await reference.dayTotals(asOf: asOf)),
                        "target \(target.id) as of \(asOf)")
            }
        }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func onRandomLedgers(seed: UInt64) async throws {
        try await TestDatabase.withDatabase { client in
            try await RandomLedger(client: client).generate(seed: seed, loans: 90)
            try await compare(client)
            try await ReportRepository(client: client, logger: TestDatabase.logger).rebuild()
            try await compare(client)
        }
    }
}
