import ArgumentParser
import Foundation
import Logging
import PledgeCore
import PledgeImport
import PledgeImportStore
import PledgeServer
import PledgeStore
import PostgresNIO
import PledgeTooling

/// `pledgematch bench import`: generated files of each format, imported as the command imports them,
/// next to a bare COPY of the same rows into the same tables in the same run.
struct BenchImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import: rows/s for CSV (UTF-8, GB18030) and .xlsx against a bare COPY of the same rows.",
        discussion: """
            Generates --firms firms and --assets patents (owners by credit code) as CSV in UTF-8 with BOM, CSV in \
            GB18030 and .xlsx, then for each format imports both files into a new database `pledgematch_bench_import` \
            of the embedded cluster (read, check every row with the core validators, COPY into staging, merge), \
            and finally COPYs the same rows, already in COPY's text form, straight into the tables of a new database: \
            once as a bulk load without row triggers (bare COPY), once with the audit trigger writing each row's audit row.
            """)

    @Option(help: "Number of firms.") var firms = 100_000
    @Option(help: "Number of IP assets.") var assets = 1_000_000
    @Option(parsing: .upToNextOption, help: "Formats: csv gb18030 xlsx.") var formats: [String] = ["csv", "gb18030", "xlsx"]
    @Option(help: "Rows checked, staged and merged at a time (default: the import's own choice; the file's size: one block).")
    var blockRows: Int?
    @Option(help: "Folder for the generated files (default: a temporary folder, removed afterwards).") var folder: String?
    @OptionGroup var database: DatabaseOptions

    static let databaseName = "pledgematch_bench_import"

    func run() async throws {
        var logger = try database.makeLogger("pledgematch.bench")
        logger.logLevel = max(logger.logLevel, .notice)
        guard database.databaseURL == nil else {
            throw ValidationError("bench writes its own database; run it on the embedded cluster (unset DATABASE_URL).")
        }
        let dir = URL(fileURLWithPath: folder ?? NSTemporaryDirectory() + "pledgematch-bench-import-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { if folder == nil { try? FileManager.default.removeItem(at: dir) } }
        let (firms, assets) = (self.firms, self.assets)
        say("Generating \(firms) firms and \(assets) assets …")
        var files: [String: (URL, URL)] = [:]
        let firmsCSV = GeneratedFiles.firmsCSV(count: firms), assetsCSV = GeneratedFiles.assetsCSV(count: assets, firms: firms)
        for format in formats {
            let f = dir.appendingPathComponent("firms-\(format).\(format == "xlsx" ? "xlsx" : "csv")")
            let a = dir.appendingPathComponent("assets-\(format).\(format == "xlsx" ? "xlsx" : "csv")")
            switch format {
            case "csv":
                try Data(firmsCSV).write(to: f); try Data(assetsCSV).write(to: a)
            case "gb18030":
                try Data(try TextEncoding.utf8ToGB18030(Array(firmsCSV.dropFirst(3)))).write(to: f)
                try Data(try TextEncoding.utf8ToGB18030(Array(assetsCSV.dropFirst(3)))).write(to: a)
            case "xlsx":
                try GeneratedFiles.xlsx(header: GeneratedFiles.firmHeader, count: firms, row: { GeneratedFiles.firmRow($0) }, to: f)
                try GeneratedFiles.xlsx(header: GeneratedFiles.assetHeader, count: assets, row: { GeneratedFiles.assetRow($0, firms: firms) }, to: a)
            default: throw ValidationError("Unknown format \(format); use csv, gb18030 or xlsx.")
            }
            let size = { (u: URL) in ((try? FileManager.default.attributesOfItem(atPath: u.path)[.size] as? Int) ?? 0) / 1_048_576 }
            say("  \(format): \(f.lastPathComponent) \(size(f)) MiB, \(a.lastPathComponent) \(size(a)) MiB")
            files[format] = (f, a)
        }
        let embedded = EmbeddedPostgres(dataDirectory: database.dataDir)
        let started = try embedded.start(logger: logger)
        defer { if started { embedded.stop(logger: logger) } }
        let config = DatabaseURL.tuned(embedded.clientConfiguration(database: Self.databaseName))
        let migrations = try Migration.bundled()
        func freshDatabase() async throws {
            try? embedded.dropDatabase(name: Self.databaseName)
            try embedded.createDatabaseIfMissing(name: Self.databaseName)
            try await withRunningClient(config, logger: logger) { client in
                try await Migrator(client: client, migrations: migrations, logger: logger).migrate()
            }
        }
        let today = BusinessCalendar.today()
        say("")
        // check, copy and merge overlap (the rows are checked while the blocks before are staged and
        // merged), so they add up to more than the total.
        say(benchRow("format", "table", "rows", "read s", "check s", "copy s", "merge s", "total s", "rows/s"))
        var results: [(String, String, Int, Double)] = []
        for format in formats {
            let (f, a) = files[format]!
            try await freshDatabase()
            try await withRunningClient(config, logger: logger) { client in
                for (kind, url) in [(ImportKind.firms, f), (.assets, a)] {
                    let t0 = ContinuousClock.now
                    let source = try SourceFile.read(url)
                    let t1 = ContinuousClock.now
                    let outcome = try await ImportService(client: client, logger: logger).run(
                        kind, table: source.table, options: ImportOptions(actor: "bench", today: today, blockRows: blockRows))
                    let t2 = ContinuousClock.now
                    guard outcome.written, outcome.inserted == outcome.rows else {
                        throw ValidationError("\(kind) did not load: \(outcome.issues.prefix(5).map(\.text).joined(separator: "\n"))")
                    }
                    let total = (t2 - t0).seconds
                    results.append((format, kind.rawValue, outcome.rows, total))
                    let s = outcome.seconds
                    say(benchRow(format, kind.rawValue, "\(outcome.rows)", f2((t1 - t0).seconds), f2(s.checking), f2(s.loading),
                                 f2(s.merging), f2(total), f0(Double(outcome.rows) / total)))
                }
            }
        }
        // The floor: the same rows, already COPY text, straight into the tables with their constraints and
        // indexes; once as a bulk load (no row triggers, no audit trail), once with the audit trigger
        // writing each row's audit row (as any other writer; the engine trigger off, as the previous
        // figures had it).
        let firmRows = (0..<firms).map { GeneratedFiles.firmRow($0) }
        let firmText = BareCopy.firmsText(firmRows, industries: firmRows.map { $0[2] })
        var floors: [(String, Double)] = []
        for (label, bulk) in [("bare COPY", true), ("COPY+audit", false)] {
            try await freshDatabase()
            let rate = try await withRunningClient(config, logger: logger) { client in
                let t0 = ContinuousClock.now
                try await BareCopy.copy(client, table: "firms", columns: BareCopy.firmColumns, text: firmText, bulk: bulk, logger: logger)
                let t1 = ContinuousClock.now
                let ids = try await BareCopy.firmIds(client, logger: logger)
                let assetText = BareCopy.assetsText(count: assets, firms: firms, firmIds: ids)
                let t2 = ContinuousClock.now
                try await BareCopy.copy(client, table: "ip_assets", columns: BareCopy.assetColumns, text: assetText, bulk: bulk, logger: logger)
                let t3 = ContinuousClock.now
                say(benchRow(label, "firms", "\(firms)", "", "", f2((t1 - t0).seconds), "", f2((t1 - t0).seconds), f0(Double(firms) / (t1 - t0).seconds)))
                say(benchRow(label, "assets", "\(assets)", "", "", f2((t3 - t2).seconds), "", f2((t3 - t2).seconds), f0(Double(assets) / (t3 - t2).seconds)))
                return Double(firms + assets) / ((t1 - t0).seconds + (t3 - t2).seconds)
            }
            floors.append((label, rate))
        }
        say("")
        for format in formats {
            let rows = results.filter { $0.0 == format }
            let n = rows.reduce(0) { $0 + $1.2 }, s = rows.reduce(0) { $0 + $1.3 }
            let against = floors.map { "\(f0(100 * Double(n) / s / $0.1))% of \($0.0) (\(f0($0.1)) rows/s)" }.joined(separator: ", ")
            say("\(format): \(f0(Double(n) / s)) rows/s over firms and assets, \(against)")
        }
        try? embedded.dropDatabase(name: Self.databaseName)
    }
}

func f2(_ v: Double) -> String { String(format: "%.2f", v) }
func f0(_ v: Double) -> String { String(format: "%.0f", v) }

/// One line of the table: columns padded to fixed widths.
func benchRow(_ cells: String...) -> String {
    let widths = [11, 7, 10, 9, 9, 9, 9, 9, 12]
    return cells.enumerated().map { i, c in
        let w = i < widths.count ? widths[i] : 10
        let pad = String(repeating: " ", count: max(0, w - c.count))
        return i < 2 ? c + pad : pad + c
    }.joined(separator: " ")
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// COPY of ready rows, without reading, checking, merging or an audit trail: what the import is measured against.
enum BareCopy {
    static let firmColumns = ["credit_code", "name", "industry_code", "town", "size", "founded_on", "annual_revenue_fen", "employees", "high_tech"]
    static let assetColumns = ["firm_id", "type", "number", "title", "filing_date", "grant_date", "expiry_date", "legal_status",
                               "ipc_classes", "claims"]
    static let sizes = ["微型": "micro", "小型": "small", "中型": "medium", "大型": "large"]

    static func firmsText(_ rows: [[String]], industries: [String]) -> String {
        var out = ""
        out.reserveCapacity(rows.count * 120)
        for r in rows {
            let revenue = r[6].replacingOccurrences(of: ".", with: "")
            out += "\(r[0])\t\(r[1])\t\(r[2])\t\(r[3])\t\(sizes[r[4]]!)\t\(r[5])\t\(revenue)\t\(r[7])\t\(r[8] == "是" ? "t" : "f")\n"
        }
        return out
    }

    static func assetsText(count: Int, firms: Int, firmIds: [String: Int64]) -> String {
        var out = ""
        out.reserveCapacity(count * 120)
        for i in 0..<count {
            let r = GeneratedFiles.assetRow(i, firms: firms)
            let invention = r[1] == "发明"
            let filing = CivilDate(iso: r[4])!
            let expiry = ProtectionTerm.expiry(type: invention ? .invention : .utilityModel, filing: filing, registration: nil, renewals: 0)!
            out += "\(firmIds[r[0]]!)\t\(invention ? "invention" : "utility_model")\t\(r[2])\t\(r[3])\t\(r[4])\t\(r[5])\t\(expiry)\tin_force\t{\"\(r[7])\"}\t\(r[8])\n"
        }
        return out
    }

    static func firmIds(_ client: PostgresClient, logger: Logger) async throws -> [String: Int64] {
        var ids: [String: Int64] = [:]
        for try await (id, code) in try await client.query("SELECT id, credit_code FROM firms", logger: logger).decode((Int64, String).self) {
            ids[code] = id
        }
        return ids
    }

    /// In one transaction; `bulk` marks it as a bulk load, as an import's is, so the rows go in with the
    /// same constraints and indexes and without the row triggers (0014_bulk_audit.sql): only COPY's own
    /// work, no audit rows and no engine notes, which the import writes. Without it each row's audit
    /// trigger writes its audit row, as for any other writer (the engine trigger is off for the load).
    static func copy(_ client: PostgresClient, table: String, columns: [String], text: String, bulk: Bool, logger: Logger) async throws {
        try await client.withConnection { conn in
            _ = try await conn.run("BEGIN", logger: logger)
            if bulk {
                _ = try await conn.run("SELECT set_config('pledgematch.bulk_import', 'on', true)", logger: logger)
            } else {
                // The engine trigger steps the one-row clock per row, quadratic in one transaction (0012): off for this run.
                _ = try await conn.run(PostgresQuery(unsafeSQL: "ALTER TABLE \(table) DISABLE TRIGGER \(table)_engine"), logger: logger)
            }
            try await conn.copyFrom(table: table, columns: columns, logger: logger) { writer in
                var start = text.utf8.startIndex
                let utf8 = text.utf8
                while start < utf8.endIndex {
                    let end = utf8.index(start, offsetBy: 1 << 20, limitedBy: utf8.endIndex) ?? utf8.endIndex
                    var buffer = ByteBufferAllocator().buffer(capacity: 1 << 20)
                    buffer.writeBytes(utf8[start..<end])
                    try await writer.write(buffer)
                    start = end
                }
            }
            if !bulk { _ = try await conn.run(PostgresQuery(unsafeSQL: "ALTER TABLE \(table) ENABLE TRIGGER \(table)_engine"), logger: logger) }
            _ = try await conn.run("COMMIT", logger: logger)
        }
    }
}
