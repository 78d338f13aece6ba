import ArgumentParser
import Foundation
import PledgeCore
import PledgeServer
import PledgeStore

/// The finance bureau's reports in the terminal: the same figures as the API, as aligned tables
/// (or the API's CSV with --csv).
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a report: progress to the targets, the monthly series, or the programme's cost (报表).",
        subcommands: [ReportProgress.self, ReportMonthly.self, ReportCost.self])
}

struct ReportOptions: ParsableArguments {
    @Option(name: .customLong("as-of"), help: "The ledger as it stood at the end of this day, YYYY-MM-DD, Asia/Shanghai (default: today).")
    var asOf: String?

    @Flag(help: "Print CSV (UTF-8 with byte-order mark, as the API exports it) instead of a table.")
    var csv = false

    @OptionGroup var database: DatabaseOptions

    /// Runs `body` on the reports of the configured database and prints its sheet.
    func show(_ body: @escaping @Sendable (ReportRepository) async throws -> ReportSheet) async throws {
        let logger = try database.makeLogger("pledgematch.report")
        let db = try database.open(logger: logger)
        defer { db.close(logger: logger) }
        let sheet = try await withRunningClient(db.configuration, logger: logger) { client in
            let migrator = Migrator(client: client, migrations: try Migration.bundled(), logger: logger)
            if db.isEmbedded { try await migrator.migrate() }
            return try await body(ReportRepository(client: client, logger: logger))
        }
        say(csv ? ReportCSV.render(sheet) : TextTable.render(sheet))
    }

    func range(from: String?, to: String?) throws -> ReportRange {
        do {
            return try ReportRange.check(asOf: asOf, from: from, to: to, today: BusinessCalendar.today())
        } catch {
            throw ValidationError(error.errors.map { "\($0.field): \($0.zh) \($0.en)" }.joined(separator: "\n"))
        }
    }

    /// Beijing time with its offset, as every time a person reads.
    static var generatedAt: String {
        Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970.rounded(.down))).beijingText
    }
}

struct ReportProgress: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress", abstract: "Progress to each programme target (目标进度).")

    @OptionGroup var options: ReportOptions

    func run() async throws {
        let asOf = try options.range(from: nil, to: nil).asOf
        try await options.show { reports in
            ReportSheets.progress(try await reports.progress(asOf: asOf), generatedAt: ReportOptions.generatedAt)
        }
    }
}

struct ReportMonthly: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monthly", abstract: "The monthly series, with breakdowns on request (月度统计).")

    @Option(help: "First month, YYYY-MM (default: eleven months before --to).") var from: String?
    @Option(help: "Last month, YYYY-MM (default: the as-of month).") var to: String?
    @Option(name: .customLong("by"), parsing: .upToNextOption,
            help: "Breakdowns: bank product ip_type industry town size, or all (default: the total only).")
    var by: [String] = []
    @OptionGroup var options: ReportOptions

    func run() async throws {
        let range = try options.range(from: from, to: to)
        var dimensions: [ReportDimension] = []
        for name in by {
            if name == "all" { dimensions = ReportDimension.allCases; break }
            guard let d = ReportDimension(rawValue: name) else {
                throw ValidationError("Unknown breakdown '\(name)'; use \(ReportDimension.allCases.map(\.rawValue).joined(separator: ", ")) or all.")
            }
            if !dimensions.contains(d) { dimensions.append(d) }
        }
        let chosen = dimensions
        try await options.show { reports in
            ReportSheets.monthly(try await reports.monthly(range, dimensions: chosen), generatedAt: ReportOptions.generatedAt)
        }
    }
}

struct ReportCost: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost", abstract: "Interest subsidy payable and the risk fund's exposure per month (贴息与风险补偿).")

    @Option(help: "First month, YYYY-MM (default: eleven months before --to).") var from: String?
    @Option(help: "Last month, YYYY-MM (default: the as-of month).") var to: String?
    @OptionGroup var options: ReportOptions

    func run() async throws {
        let range = try options.range(from: from, to: to)
        try await options.show { reports in
            ReportSheets.cost(try await reports.cost(range), generatedAt: ReportOptions.generatedAt)
        }
    }
}
