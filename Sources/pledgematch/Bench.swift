import ArgumentParser
import Foundation
import Logging
import PledgeCore
import PledgeServer
import PledgeStore
import PostgresNIO
import PledgeWorkflows
import PledgeTooling

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure performance on generated data (figures, not pass/fail).",
        subcommands: [BenchMatch.self, BenchReport.self, BenchImport.self])
}

struct BenchMatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Matching engine: top-50 candidates, a firm's products, one incremental update, and the SQL reference.",
        discussion: """
            Generates the --tier's firms and IP assets (small: 2,000 and 20,000; district: 100,000 and 1,000,000; \
            national: 500,000 firms, 5,000,000 assets, 3,000,000 valuations, 200 products of 60 banks and 1,000,000 \
            loans) in its own database of the embedded cluster (kept between runs; regenerated when the sizes differ), \
            builds the index, then prints p50/p99 of each operation next to its plain-SQL reference, and the \
            process's memory. The small and national tiers also measure the reports on their ledger.
            """)

    @Option(help: "small, district or national.") var tier: BenchTier = .district
    @Option(help: "Number of firms (default: the tier's).") var firms: Int?
    @Option(help: "Number of IP assets (default: the tier's).") var assets: Int?
    @Option(help: "Samples per measurement.") var samples = 200
    @Flag(help: "Only build the index and print its build time and memory (to profile the build).") var buildOnly = false
    @OptionGroup var database: DatabaseOptions

    static let databaseName = "pledgematch_bench"

    func run() async throws {
        let tier = self.tier, samples = self.samples, buildOnly = self.buildOnly
        let firms = self.firms ?? tier.firms, assets = self.assets ?? tier.assets
        try await database.withBenchDatabase(tier.databaseName, isCurrent: { client, logger in
            let have = try await BenchData(client: client, logger: logger).counts()
            let loans = try await ReportBenchData(client: client, logger: logger).loanCount()
            return have.firms == firms && have.assets >= assets * 9 / 10 && have.assets <= assets * 11 / 10 && loans == tier.loans
        }, generate: { client, logger in
            say("Generating \(firms) firms and \(assets) IP assets …")
            try await BenchData(client: client, logger: logger).generate(firms: firms, assets: assets, shape: tier.shape) { say("  \($0)") }
            if tier.loans > 0 {
                say("Generating \(tier.loans) loans …")
                try await ReportBenchData(client: client, logger: logger)
                    .generate(loans: tier.loans, firms: firms, withFirms: false) { say("  \($0)") }
            }
        }) { config, logger in
            try await withRunningClient(config, logger: logger) { client in
                try await withRunningClient(DatabaseURL.engine(config), logger: logger) { engineClient in
                    try await MatchBenchmark(client: client, engineClient: engineClient, logger: logger, samples: samples,
                                             referenceSamples: tier.referenceSamples, buildOnly: buildOnly).run()
                }
                if tier.loans > 0 && !buildOnly {
                    try await ReportBenchmark(client: client, logger: logger, samples: samples, tier: tier).run()
                }
            }
        }
    }
}

extension DatabaseOptions {
    /// Runs `body` on the benchmark database `name` of the embedded cluster (started, and stopped
    /// afterwards if this started it), with a logger quiet below notices. When `isCurrent` says the
    /// data there is not what was asked for, the database is made anew and filled by `generate`:
    /// the ledger refuses TRUNCATE, so another size gets another database.
    func withBenchDatabase(_ name: String, isCurrent: (PostgresClient, Logger) async throws -> Bool,
                           generate: (PostgresClient, Logger) async throws -> Void,
                           _ body: (PostgresClient.Configuration, Logger) async throws -> Void) async throws {
        var logger = try makeLogger("pledgematch.bench")
        logger.logLevel = max(logger.logLevel, .notice)
        guard databaseURL == nil else {
            throw ValidationError("bench writes its own database; run it on the embedded cluster (unset DATABASE_URL).")
        }
        let embedded = EmbeddedPostgres(dataDirectory: dataDir)
        let started = try embedded.start(logger: logger)
        defer { if started { embedded.stop(logger: logger) } }
        try embedded.createDatabaseIfMissing(name: name)
        let config = DatabaseURL.tuned(embedded.clientConfiguration(database: name))
        let migrations = try Migration.bundled()
        let current = try await withRunningClient(config, logger: logger) { client in
            try await Migrator(client: client, migrations: migrations, logger: logger).migrate()
            return try await isCurrent(client, logger)
        }
        if !current {
            try embedded.dropDatabase(name: name)
            try embedded.createDatabaseIfMissing(name: name)
            try await withRunningClient(config, logger: logger) { client in
                try await Migrator(client: client, migrations: migrations, logger: logger).migrate()
                try await generate(client, logger)
            }
        }
        try await body(config, logger)
    }
}

/// The measurements themselves, printed as they come.
struct MatchBenchmark {
    let client: PostgresClient
    /// The index's own pool, as the server has it (`DatabaseURL.engine`); `nil` where only the
    /// measuring helpers are used.
    var engineClient: PostgresClient? = nil
    let logger: Logger
    let samples: Int
    var referenceSamples = 10
    var buildOnly = false

    func run() async throws {
        let today = BusinessCalendar.today()
        let index = MatchIndex(repository: MatchingRepository(client: engineClient ?? client, logger: logger), logger: logger,
                               today: { today })
        let rssBefore = Memory.residentBytes()
        let buildStart = ContinuousClock.now
        try await index.sync()
        let buildTime = ContinuousClock.now - buildStart
        let stats = await index.stats
        let rss = Memory.residentBytes()
        say("Index: \(stats.firms) firms, \(stats.assets) assets, \(stats.products) products, \(stats.keys) eligible firm–product pairs; built in \(buildTime)")
        if let parts = await index.lastBuild {
            say("  of which reading the snapshot \(parts.read), ranking every firm under every product \(parts.rank)")
        }
        say("Memory: process RSS \(Memory.mib(rss)) MiB (index ≈ \(Memory.mib(rss - rssBefore)) MiB over the baseline)")
        if buildOnly { return }

        let products = await index.allProducts
        var generator = SystemRandomNumberGenerator()
        let topTimes = try await measure {
            let product = products.randomElement(using: &generator)!
            try await index.sync()
            _ = await index.candidates(productId: product.id, filter: CandidateFilter(), after: nil, limit: 50)
        }
        report("(a) one product's top 50 candidates (with catch-up)", topTimes)

        let firmTimes = try await measure {
            let id = Int64.random(in: 1...Int64(stats.firms), using: &generator)
            try await index.sync()
            guard let (firm, assets) = await index.firm(id) else { return }
            _ = await evaluateAll(firm: firm, assets: assets, products: products, request: LoanRequest(asOf: today))
        }
        report("(b) one firm's ranked products (with catch-up)", firmTimes)

        let updateTimes = try await measureUpdates(index: index, firms: stats.firms, generator: &generator)
        report("(c) one incremental update: commit a valuation, then catch up", updateTimes.total)
        report("    of which the index catch-up", updateTimes.catchUp)
        let parts = try await measureCatchUpParts(index: index, firms: stats.firms, generator: &generator)
        report("    the catch-up's database read (one round trip)", parts.read)
        report("    the catch-up's index update (re-rank under every product)", parts.apply)

        // The reference reads every asset each time (seconds at a million), so it gets fewer samples.
        let reference = SQLReference(client: client, logger: logger)
        let sqlTimes = try await measure(times: min(samples, referenceSamples)) {
            let product = products.randomElement(using: &generator)!
            _ = try await reference.candidates(product: product, asOf: today, limit: 50)
        }
        report("(d) the same top 50 by one SQL query", sqlTimes)
        let ratio = Double(Self.percentile(sqlTimes, 0.5)) / Double(max(1, Self.percentile(topTimes, 0.5)))
        say(String(format: "Ratio (d)/(a) at p50: %.1f", ratio))
        let firmSQL = try await measure(times: min(samples, 20)) {
            let id = Int64.random(in: 1...Int64(stats.firms), using: &generator)
            for product in products {
                _ = try await reference.candidates(product: product, asOf: today, limit: 1, firm: id)
            }
        }
        report("(e) the same firm's \(products.count) products by SQL, one query each (gates, capacity, score; no explanations)", firmSQL)
        say(String(format: "Ratio (e)/(b) at p50: %.1f",
                   Double(Self.percentile(firmSQL, 0.5)) / Double(max(1, Self.percentile(firmTimes, 0.5)))))
    }

    func measure(times count: Int? = nil, _ body: () async throws -> Void) async throws -> [Int64] {
        var times: [Int64] = []
        for _ in 0..<(count ?? samples) {
            let start = ContinuousClock.now
            try await body()
            times.append(Self.nanoseconds(ContinuousClock.now - start))
        }
        return times
    }

    func measureUpdates(index: MatchIndex, firms: Int, generator: inout SystemRandomNumberGenerator)
        async throws -> (total: [Int64], catchUp: [Int64]) {
        var total: [Int64] = [], catchUp: [Int64] = []
        for _ in 0..<samples {
            let firm = Int64.random(in: 1...Int64(firms), using: &generator)
            let start = ContinuousClock.now
            try await touchValuation(firm: firm)
            let committed = ContinuousClock.now
            try await index.sync()
            let end = ContinuousClock.now
            total.append(Self.nanoseconds(end - start))
            catchUp.append(Self.nanoseconds(end - committed))
        }
        return (total, catchUp)
    }

    /// The two halves of a catch-up, timed apart: what the database read costs and what the
    /// in-memory update costs.
    func measureCatchUpParts(index: MatchIndex, firms: Int, generator: inout SystemRandomNumberGenerator)
        async throws -> (read: [Int64], apply: [Int64]) {
        let repository = MatchingRepository(client: engineClient ?? client, logger: logger)
        var read: [Int64] = [], apply: [Int64] = []
        for _ in 0..<samples {
            try await touchValuation(firm: Int64.random(in: 1...Int64(firms), using: &generator))
            let start = ContinuousClock.now
            let changes = try await repository.changes(after: await index.clock)
            let fetched = ContinuousClock.now
            try await index.apply(changes)
            read.append(Self.nanoseconds(fetched - start))
            apply.append(Self.nanoseconds(ContinuousClock.now - fetched))
        }
        return (read, apply)
    }

    func touchValuation(firm: Int64) async throws {
        _ = try await client.query("""
            UPDATE valuations SET value_fen = value_fen + 100, updated_at = now()
            WHERE id = (SELECT id FROM valuations WHERE firm_id = \(firm) LIMIT 1)
            """, logger: logger)
    }

    func report(_ label: String, _ times: [Int64]) {
        say(String(format: "%@: p50 %.3f ms, p99 %.3f ms (%d samples)", label,
                     Double(Self.percentile(times, 0.5)) / 1e6, Double(Self.percentile(times, 0.99)) / 1e6, times.count))
    }

    static func percentile(_ times: [Int64], _ p: Double) -> Int64 {
        let sorted = times.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    static func nanoseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000
    }
}

enum Memory {
    /// The resident set size from /proc, in bytes (0 where /proc is not there).
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kb * 1024
    }

    static func mib(_ bytes: Int) -> Int { bytes / (1 << 20) }
}

/// Unbuffered, so figures appear as they are measured even when the output goes to a file.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
