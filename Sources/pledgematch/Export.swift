import ArgumentParser
import Foundation
import PledgeCore
import PledgeImport
import PledgeImportStore
import PledgeServer
import PledgeStore

/// `pledgematch export KIND`: the tables in the import's layout, or the finance bureau's reports.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export firms, assets, valuations, licences or loans (importable again), or the progress / monthly report, as .xlsx or CSV (导出).",
        discussion: """
            KIND is firms, assets, valuations, licences, loans, progress or monthly. The tables use the import's own \
            headers, so a file exported, edited in Excel and imported again round-trips. Reports are written with a \
            title row, units in the header and numbers formatted as numbers. CSV is UTF-8 with a byte-order mark.
            """)

    @Argument(help: "firms, assets, valuations, licences, loans, progress or monthly") var kind: String
    @Option(help: "xlsx or csv") var format = "xlsx"
    @Option(name: [.short, .long], help: "The file to write (default: KIND.FORMAT in the current folder).") var output: String?
    @Option(name: .customLong("as-of"), help: "Reports: the ledger as of this day (default: today).") var asOf: String?
    @Option(help: "Monthly report: first month, YYYY-MM.") var from: String?
    @Option(help: "Monthly report: last month, YYYY-MM.") var to: String?
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        guard format == "xlsx" || format == "csv" else { throw ValidationError("--format is xlsx or csv") }
        let table = ImportKind(rawValue: kind)
        guard table != nil || kind == "progress" || kind == "monthly" else {
            throw ValidationError("KIND is one of: \((ImportKind.allCases.map(\.rawValue) + ["progress", "monthly"]).joined(separator: ", "))")
        }
        let url = URL(fileURLWithPath: output ?? "\(kind).\(format)")
        let logger = try database.makeLogger("pledgematch.export")
        let db = try database.open(logger: logger)
        defer { db.close(logger: logger) }
        let range: ReportRange?
        if table == nil {
            do { range = try ReportRange.check(asOf: asOf, from: from, to: to, today: BusinessCalendar.today()) } catch {
                throw ValidationError(error.errors.map { "\($0.field): \($0.zh) \($0.en)" }.joined(separator: "\n"))
            }
        } else { range = nil }
        let format = self.format, kind = self.kind
        let count = try await withRunningClient(db.configuration, logger: logger) { client in
            let migrator = Migrator(client: client, migrations: try Migration.bundled(), logger: logger)
            if db.isEmbedded { try await migrator.migrate() }
            if let table {
                // Row by row to the file: a table of any size in bounded memory.
                return try await ExportService(client: client, logger: logger)
                    .write(table, format: format == "csv" ? .csv : .xlsx, to: url)
            }
            let reports = ReportRepository(client: client, logger: logger)
            let sheet = kind == "progress"
                ? ReportSheets.progress(try await reports.progress(asOf: range!.asOf), generatedAt: ReportOptions.generatedAt)
                : ReportSheets.monthly(try await reports.monthly(range!, dimensions: []), generatedAt: ReportOptions.generatedAt)
            if format == "csv" { try Data(ReportCSV.render(sheet).utf8).write(to: url) } else { try ExportService.report(sheet, to: url) }
            return sheet.rows.count
        }
        say("\(count) 行 rows → \(url.path)")
    }
}
