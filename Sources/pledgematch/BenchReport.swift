import ArgumentParser
import Foundation
import Logging
import PledgeCore
import PledgeServer
import PledgeStore
import PostgresNIO
import PledgeTooling

struct BenchReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports: progress to the targets and a 36-month series with all breakdowns, over a generated ledger.",
        discussion: """
            Generates --loans loans (with applications, disbursements, repayments, defaults and corrections) for --firms \
            firms in the database `pledgematch_bench_reports` of the embedded cluster (kept between runs; regenerated when \
            the loan count differs), then prints p50/p99 of each report, of one ledger write with its triggers, and of the \
            plain computation from the ledger for comparison.
            """)

    @Option(help: "Number of loans.") var loans = 1_000_000
    @Option(help: "Number of firms.") var firms = 100_000
    @Option(help: "Samples per measurement.") var samples = 200
    @OptionGroup var database: DatabaseOptions

    static let databaseName = "pledgematch_bench_reports"

    func run() async throws {
        let (loans, firms, samples) = (self.loans, self.firms, self.samples)
        try await database.withBenchDatabase(Self.databaseName, isCurrent: { client, logger in
            try await ReportBenchData(client: client, logger: logger).loanCount() == loans
        }, generate: { client, logger in
            say("Generating \(firms) firms and \(loans) loans …")
            try await ReportBenchData(client: client, logger: logger).generate(loans: loans, firms: firms) { say("  \($0)") }
        }) { config, logger in
            try await withRunningClient(config, logger: logger) { client in
                try await ReportBenchmark(client: client, logger: logger, samples: samples, tier: nil).run()
            }
        }
    }
}

/// The measurements, printed as they come.
struct ReportBenchmark {
    let client: PostgresClient
    let logger: Logger
    let samples: Int
    /// Run by `bench match` on its tier's ledger: then the plain progress is measured too.
    let tier: BenchTier?

    func run() async throws {
        let reports = ReportRepository(client: client, logger: logger)
        let today = BusinessCalendar.today()
        let sizes = try await client.query("""
            SELECT (SELECT count(*) FROM loans), (SELECT count(*) FROM loan_entries), (SELECT count(*) FROM report_month_flows),
                   (SELECT count(*) FROM report_day_flows), (SELECT count(*) FROM report_daily),
                   (SELECT count(*) FROM report_span_days) + (SELECT count(*) FROM report_span_day_month)
                     + (SELECT count(*) FROM report_span_month_day),
                   (SELECT count(*) FROM report_span_months) + (SELECT count(*) FROM report_span_months_daily)
            """, logger: logger)
        for try await (l, e, m, d, t, spans, monthSpans) in sizes.decode((Int, Int, Int, Int, Int, Int, Int).self) {
            say("Ledger: \(l) loans, \(e) entries; rollups: \(m) month rows, \(d) day rows, \(t) daily total rows, \(spans) firm-day pair rows, \(monthSpans) firm-month pair rows")
        }
        let series = ReportRange(asOf: today, from: YearMonth(today).adding(months: -35), to: YearMonth(today))
        let first = try await reports.monthly(series, dimensions: ReportDimension.allCases)
        let groups = first.breakdowns.map(\.groups.count).reduce(0, +)
        say("Series: \(first.total.months.count) months × (total + \(groups) breakdown groups); cumulative principal \(Money.yuanText(first.total.months.last?.cumulativePrincipalFen ?? 0)), \(first.total.months.last?.cumulativeFirms ?? 0) first-time borrowers since the ledger began, \(first.total.months.last?.financedFirmsSinceFrom ?? 0) firms financed since \(series.from)")
        let progress = try await reports.progress(asOf: today)
        for p in progress.targets {
            say("  \(p.target.name) (from \(p.target.baselineDate)): \(ReportSheets.percent(p.amountDoneBp)) of the amount, \(p.achievedFirms) firms financed (惠及企业), \(p.firstTimeFirms) first-time borrowers (首贷户), \(p.status.rawValue)")
        }
        let targets = progress.targets.map(\.target)

        let bench = MatchBenchmark(client: client, logger: logger, samples: samples)
        bench.report("(a) progress to all targets, as of today", try await bench.measure {
            _ = try await reports.progress(asOf: today)
        })
        bench.report("(b) 36-month series, all six breakdowns, as of today", try await bench.measure {
            _ = try await reports.monthly(series, dimensions: ReportDimension.allCases)
        })
        var generator = SystemRandomNumberGenerator()
        bench.report("(c) the same series as of a random past day (last 3 years)", try await bench.measure {
            let asOf = today.adding(days: -Int.random(in: 1...1095, using: &generator))
            let range = ReportRange(asOf: asOf, from: YearMonth(asOf).adding(months: -35), to: YearMonth(asOf))
            _ = try await reports.monthly(range, dimensions: ReportDimension.allCases)
        })
        bench.report("(d) progress as of a random past day", try await bench.measure {
            _ = try await reports.progress(asOf: today.adding(days: -Int.random(in: 1...1095, using: &generator)))
        })
        // The two firm figures of a target alone, as of random days since its baseline.
        if let target = targets.first, target.baselineDate < today {
            let span = target.baselineDate.days(until: today)
            bench.report("(g) 惠及企业: firms financed from the first target's baseline, as of a random day since it", try await bench.measure {
                let asOf = target.baselineDate.adding(days: Int.random(in: 0...span, using: &generator))
                _ = try await reports.financedFirms(from: target.baselineDate, through: asOf, asOf: asOf)
            })
            bench.report("(h) 首贷户: first-time borrowers over the same window", try await bench.measure {
                let asOf = target.baselineDate.adding(days: Int.random(in: 0...span, using: &generator))
                _ = try await reports.firstTimeFirms(from: target.baselineDate, through: asOf, asOf: asOf)
            })
        }
        bench.report("(i) firms financed over a random window of up to 4 years, as of a random day", try await bench.measure {
            let asOf = today.adding(days: -Int.random(in: 0...1095, using: &generator))
            let from = asOf.adding(days: -Int.random(in: 0...1460, using: &generator))
            _ = try await reports.financedFirms(from: from, through: asOf, asOf: asOf)
        })
        let loanCount = try await ReportBenchData(client: client, logger: logger).loanCount()
        bench.report("(e) one ledger write (a 1-fen repayment) with its checks, audit and rollup triggers",
                     try await bench.measure(times: min(samples, 100)) {
            let loan = Int64.random(in: 1...Int64(loanCount), using: &generator)
            _ = try await client.query("""
                INSERT INTO loan_entries (firm_id, loan_id, kind, amount_fen, effective_on, actor)
                SELECT firm_id, id, 'repayment', 1, \(today), 'bench' FROM loans l
                WHERE id = \(loan) AND (SELECT repaid_fen + defaulted_fen + 1 <= principal_fen FROM loan_balances b
                                         WHERE b.firm_id = l.firm_id AND b.loan_id = l.id)
                """, logger: logger)
        })
        bench.report("(e2) one disbursement correction (−1 fen) with its triggers, the firm's financed days recomputed",
                     try await bench.measure(times: min(samples, 100)) {
            let loan = Int64.random(in: 1...Int64(loanCount), using: &generator)
            _ = try await client.query("""
                INSERT INTO loan_entries (firm_id, loan_id, kind, amount_fen, effective_on, corrects_id, reason, actor)
                SELECT e.firm_id, e.loan_id, 'disbursement', -1, e.effective_on, e.id, 'bench', 'bench'
                  FROM loans l JOIN loan_entries e ON e.firm_id = l.firm_id AND e.loan_id = l.id
                WHERE l.id = \(loan) AND e.kind = 'disbursement' AND e.corrects_id IS NULL
                  AND (SELECT repaid_fen + defaulted_fen + 1 < principal_fen FROM loan_balances b
                        WHERE b.firm_id = e.firm_id AND b.loan_id = e.loan_id)
                """, logger: logger)
        })
        // The plain computation reads every entry, so it gets a few samples.
        let reference = ReportReference(client: client, logger: logger)
        let plain = try await bench.measure(times: min(samples, 3)) {
            _ = try await reference.flowRows(series, dimensions: ReportDimension.allCases)
        }
        bench.report("(f) the series' sums computed plainly from the ledger (no rollup)", plain)
        if tier != nil {
            bench.report("(f2) progress computed plainly: each target's 惠及企业 and 首贷户 and the day totals, from the ledger",
                         try await bench.measure(times: min(samples, 3)) {
                _ = try await reference.dayTotals(asOf: today)
                for target in targets {
                    _ = try await reference.financedFirms(from: target.baselineDate, through: today, asOf: today)
                    _ = try await reference.firstTimeFirms(from: target.baselineDate, through: today, asOf: today)
                }
            })
        }
    }
}
