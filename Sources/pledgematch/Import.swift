import ArgumentParser
import Foundation
import Logging
import PledgeCore
import PledgeImport
import PledgeImportStore
import PledgeServer
import PledgeStore
import PostgresNIO

/// `pledgematch import KIND FILE`: the same checks and merge as POST /imports.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import firms, IP assets, valuations, GI licences or historical loans from .xlsx or CSV (导入).",
        discussion: """
            KIND is firms, assets, valuations, licences or loans. FILE is .xlsx (first sheet, or --sheet) or CSV in UTF-8, \
            UTF-8 with BOM or GB18030 (detected). Headers in Chinese or English, in any order (docs/import.md lists them). \
            Every row is checked first and every problem printed. By default the file loads all or nothing; with \
            --skip-invalid the good rows load and the refused ones go to a rejects file with their reasons. Rows are \
            matched on natural keys, so importing the same file twice changes nothing.
            """)

    @Argument(help: "firms, assets, valuations, licences or loans") var kind: String
    @Argument(help: "The .xlsx or .csv file.") var file: String
    @Flag(name: .customLong("dry-run"), help: "Check and report; write nothing.") var dryRun = false
    @Flag(name: .customLong("skip-invalid"), help: "Load the good rows; write the refused ones to the rejects file.") var skipInvalid = false
    @Option(help: "The sheet of an .xlsx workbook (default: the first).") var sheet: String?
    @Option(help: "Where to write refused rows (default: FILE's name with .rejects before its extension).") var rejects: String?
    @Option(help: "Who is importing, for the audit trail.") var actor = "import:\(ProcessInfo.processInfo.environment["USER"] ?? "cli")"
    @Flag(help: "No progress line.") var quiet = false
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        guard let kind = ImportKind(rawValue: kind) else {
            throw ValidationError("KIND is one of: \(ImportKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let url = URL(fileURLWithPath: file)
        let started = Date()
        let source: SourceFile.Read
        do { source = try SourceFile.read(url, sheet: sheet) } catch let e as XLSXReader.Failure {
            throw ValidationError("\(e.zh)\n\(e.en)")
        } catch let e as TextEncoding.DecodingError {
            throw ValidationError("\(e.zh)\n\(e.en)")
        }
        let logger = try database.makeLogger("pledgematch.import")
        let db = try database.open(logger: logger)
        defer { db.close(logger: logger) }
        let bar = ProgressLine(enabled: !quiet)
        let options = ImportOptions(dryRun: dryRun, skipInvalid: skipInvalid, actor: actor, today: BusinessCalendar.today())
        let outcome = try await withRunningClient(db.configuration, logger: logger) { client in
            let migrator = Migrator(client: client, migrations: try Migration.bundled(), logger: logger)
            if db.isEmbedded { try await migrator.migrate() }
            return try await ImportService(client: client, logger: logger).run(kind, table: source.table, options: options) { phase, done, total in
                bar.show(phase.rawValue, done, total)
            }
        }
        bar.finish()
        let seconds = Date().timeIntervalSince(started)
        printReport(outcome, source: source, seconds: seconds)
        if !outcome.rejected.isEmpty {
            let target = rejects.map { URL(fileURLWithPath: $0) } ?? url.deletingPathExtension().appendingPathExtension("rejects." + source.format.rawValue)
            try RejectsFile.write(header: outcome.header, rejected: outcome.rejected, issues: outcome.issues, format: source.format, to: target)
            say("被拒绝的行已写入 Refused rows written to \(target.path)（改正后可再次导入 correct them and import that file again）")
        }
        if !outcome.issues.isEmpty && !skipInvalid || !outcome.issues.filter({ $0.line == nil }).isEmpty { throw ExitCode(2) }
    }

    func printReport(_ o: ImportOutcome, source: SourceFile.Read, seconds: Double) {
        let enc = source.encoding.map { "，编码 \($0.rawValue)" } ?? ""
        say("\(o.kind.label.zh) \(o.kind.label.en): \(source.format.rawValue) 工作表/文件 sheet \(o.sheet)\(enc)")
        for issue in o.issues { say(issue.text) }
        if !o.ignoredHeaders.isEmpty { say("未识别、已忽略的列 Columns not recognised (ignored): \(o.ignoredHeaders.joined(separator: ", "))") }
        let rate = seconds > 0 ? Int(Double(o.rows) / seconds) : 0
        say("行 rows: \(o.rows)，有效 valid: \(o.valid)，拒绝 refused: \(o.rejected.count)（\(String(format: "%.2f", seconds)) s, \(rate) rows/s）")
        if o.written {
            if o.changedNothing { say("没有变化：数据库中已是这些记录 Nothing changed: the database already holds these records (\(o.unchanged) unchanged)") }
            else { say("已写入 Written: 新增 inserted \(o.inserted)，更新 updated \(o.updated)，未变 unchanged \(o.unchanged)") }
        } else if o.dryRun && o.valid > 0 && (o.issues.isEmpty || skipInvalid) {
            say("试运行，未写入 Dry run, nothing written: 将新增 would insert \(o.inserted)，将更新 would update \(o.updated)，未变 unchanged \(o.unchanged)")
        } else {
            say("未写入任何数据 Nothing written: 请改正上述问题后重新导入，或用 --skip-invalid 只导入有效行 correct the problems above, or use --skip-invalid to load the valid rows only")
        }
    }
}

/// A progress line on standard error: phase, bar, rows, rows/s and time left.
final class ProgressLine: @unchecked Sendable {
    let enabled: Bool
    private let lock = NSLock()
    private var last = Date.distantPast
    private var phaseStart: [String: Date] = [:]
    private let tty = isatty(2) != 0

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ phase: String, _ done: Int, _ total: Int) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        let start = phaseStart[phase] ?? now
        if phaseStart[phase] == nil { phaseStart[phase] = now }
        guard now.timeIntervalSince(last) >= 0.2 || done == total else { return }
        last = now
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let width = 24
        let filled = Int(fraction * Double(width))
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        let line = String(format: "%@ [%@%@] %3d%% %d/%d rows  %.0f rows/s  %@", phase,
                          String(repeating: "█", count: filled), String(repeating: "·", count: width - filled),
                          Int(fraction * 100), done, total, rate, done < total ? String(format: "剩余 ETA %.0fs", left) : "")
        FileHandle.standardError.write(Data(((tty ? "\r\u{1B}[K" : "") + line + (tty ? "" : "\n")).utf8))
    }

    func finish() {
        if enabled && tty { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
