import PledgeCore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing
import PledgeTooling

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
        let disbursements = try await reference.disbursements()
        for asOf in Self.asOfDays {
            let range = ReportRange(asOf: asOf, from: YearMonth(year: 2025, month: 9)!, to: YearMonth(year: 2027, month: 3)!)
            let fast = normalized(try await rollup.flowRows(range, dimensions: ReportDimension.allCases))
            let plain = normalized(try await reference.flowRows(range, dimensions: ReportDimension.allCases))
            #expect(fast == plain, "flows differ as of \(asOf)")
            if asOf.year >= 2026 { #expect(fast.count > 100, "too little data to compare as of \(asOf)") }
            let fastDays = try await rollup.dayTotals(asOf: asOf).filter { $0.principalFen != 0 || $0.newFirms != 0 }
            let plainDays = try await reference.dayTotals(asOf: asOf).filter { $0.principalFen != 0 || $0.newFirms != 0 }
            #expect(fastDays == plainDays, "day totals differ as of \(asOf)")
            // Progress read in one query per report equals progress summed from the plain day totals and
            // the core's own count of financed firms over the raw disbursement entries.
            let financed = FinancedDays(entries: disbursements, asOf: asOf)
            let plainTotals = try await reference.dayTotals(asOf: asOf)
            for (target, sums) in try await rollup.targetSums(asOf: asOf) {
                #expect(sums == ProgressCalculator.sums(target, asOf: asOf, days: plainTotals, financed: financed),
                        "target \(target.id) as of \(asOf)")
                let plainFirms = asOf < target.baselineDate ? 0
                    : try await reference.financedFirms(from: target.baselineDate, through: asOf, asOf: asOf)
                #expect(sums.achievedFirms == plainFirms, "惠及企业 of target \(target.id) as of \(asOf)")
                let plainFirst = asOf < target.baselineDate ? 0
                    : try await reference.firstTimeFirms(from: target.baselineDate, through: asOf, asOf: asOf)
                #expect(sums.firstTimeFirms == plainFirst, "首贷户 of target \(target.id) as of \(asOf)")
            }
            // The distinct firms financed since `from`, month by month, equal a plain count.
            let firstFinanced = try await rollup.firstFinanced(range)
            let since = MonthlySeries.figures(before: FlowSums(), byMonth: [:], from: range.from, to: range.to, firstFinanced: firstFinanced)
            let plainSince = try await reference.financedSinceFrom(range)
            #expect(since.map { $0.financedFirmsSinceFrom ?? -1 } == range.from.through(range.to).map { plainSince[$0] ?? 0 },
                    "firms financed since \(range.from) as of \(asOf)")
        }
    }

    /// Firms financed over random windows as of random days: the rollups, a plain SQL count over
    /// loan_entries and the core's count agree, windows crossing months and the baseline included.
    func compareWindows(_ client: PostgresClient, seed: UInt64) async throws {
        let rollup = ReportRepository(client: client, logger: TestDatabase.logger)
        let reference = ReportReference(client: client, logger: TestDatabase.logger)
        let disbursements = try await reference.disbursements()
        var rng = SeededRandom(seed: seed &+ 1000)
        let first = CivilDate(iso: "2025-05-01")!
        var nonZero = 0
        for _ in 0..<60 {
            let asOf = first.adding(days: Int.random(in: 0...700, using: &rng))
            let through = asOf.adding(days: -Int.random(in: 0...90, using: &rng))
            let from = through.adding(days: -Int.random(in: 0...400, using: &rng))
            let fast = try await rollup.financedFirms(from: from, through: through, asOf: asOf)
            let plain = try await reference.financedFirms(from: from, through: through, asOf: asOf)
            let days = FinancedDays(entries: disbursements, asOf: asOf)
            let core = days.firms(from: from, through: through)
            #expect(fast == plain && plain == core, "[\(from), \(through)] as of \(asOf): rollup \(fast), SQL \(plain), core \(core)")
            let fastFirst = try await rollup.firstTimeFirms(from: from, through: through, asOf: asOf)
            let plainFirst = try await reference.firstTimeFirms(from: from, through: through, asOf: asOf)
            #expect(fastFirst == plainFirst && plainFirst == days.firstTimeFirms(from: from, through: through),
                    "首贷户 [\(from), \(through)] as of \(asOf): rollup \(fastFirst), SQL \(plainFirst)")
            if plain > 0 { nonZero += 1 }
        }
        #expect(nonZero > 30, "too few windows with firms in them")
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func onRandomLedgers(seed: UInt64) async throws {
        try await TestDatabase.withDatabase { client in
            try await RandomLedger(client: client).generate(seed: seed, loans: 100)
            try await compare(client)
            try await compareWindows(client, seed: seed)
            try await ReportRepository(client: client, logger: TestDatabase.logger).rebuild()
            try await compare(client)
            try await compareWindows(client, seed: seed)
        }
    }
}
