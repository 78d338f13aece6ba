import Foundation
import Logging
import PledgeCore
import PledgeImport
import PledgeImportStore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing

/// Imports into a real PostgreSQL, through the service every door uses.
@Suite("Import into PostgreSQL", .serialized) struct ImportDatabaseTests {
    static let logger = TestDatabase.logger

    static func importing(_ client: PostgresClient, _ kind: ImportKind, _ name: String, dryRun: Bool = false,
                          skipInvalid: Bool = false, sheet: String? = nil) async throws -> ImportOutcome {
        let read = try SourceFile.read(Fixture.url(name), sheet: sheet)
        return try await importing(client, kind, read.table, dryRun: dryRun, skipInvalid: skipInvalid)
    }

    static func importing(_ client: PostgresClient, _ kind: ImportKind, _ table: SheetTable, dryRun: Bool = false,
                          skipInvalid: Bool = false) async throws -> ImportOutcome {
        try await ImportService(client: client, logger: logger).run(
            kind, table: table, options: ImportOptions(dryRun: dryRun, skipInvalid: skipInvalid, actor: "import:test", today: Fixture.today))
    }

    static func count(_ client: PostgresClient, _ sql: String) async throws -> Int {
        for try await n in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) { return n }
        return -1
    }

    @Test func everyEncodingAndTheSpreadsheetLoadTheSameFirms() async throws {
        try await TestDatabase.withDatabase { client in
            let first = try await Self.importing(client, .firms, "firms_zh_utf8.csv")
            #expect(first.issues.isEmpty, "\(first.issues.map(\.text))")
            #expect(first.inserted == 3 && first.updated == 0 && first.written)
            let gb = try await Self.importing(client, .firms, "firms_gb18030.csv")
            #expect(gb.changedNothing && gb.unchanged == 3, "GB18030 holds the same rows")
            let xlsx = try await Self.importing(client, .firms, "firms_libreoffice.xlsx")
            #expect(xlsx.issues.isEmpty, "\(xlsx.issues.map(\.text))")
            #expect(xlsx.changedNothing && xlsx.unchanged == 3, "LibreOffice's workbook holds the same rows")
            let named = try await Self.importing(client, .firms, "firms_libreoffice.xlsx", sheet: "firms_libreoffice")
            #expect(named.unchanged == 3)
            await #expect(throws: XLSXReader.Failure.self) {
                _ = try await Self.importing(client, .firms, "firms_libreoffice.xlsx", sheet: "没有这张表")
            }
            let en = try await Self.importing(client, .firms, "firms_en_bom.csv")
            #expect(en.inserted == 2)
            #expect(try await Self.count(client, "SELECT count(*)::int FROM firms") == 5)
            #expect(try await Self.count(client, "SELECT annual_revenue_fen::int FROM firms WHERE credit_code = '91500102MA5U00004B'") == 880_000_050)
        }
    }

    @Test func sameFileTwiceChangesNothingAndAChangedRowUpdates() async throws {
        try await TestDatabase.withDatabase { client in
            _ = try await Self.importing(client, .firms, "firms_zh_utf8.csv")
            let audit = try await Self.count(client, "SELECT count(*)::int FROM audit_log")
            let again = try await Self.importing(client, .firms, "firms_zh_utf8.csv")
            #expect(again.changedNothing && again.unchanged == 3 && again.written)
            #expect(try await Self.count(client, "SELECT count(*)::int FROM audit_log") == audit, "no write, no audit row")
            var (table, _) = try Fixture.csv("firms_zh_utf8.csv")
            table.rows[2].cells[6] = "1,500"   // 研发 … 年营业收入（万元） of the second firm
            let changed = try await Self.importing(client, .firms, table)
            #expect(changed.updated == 1 && changed.inserted == 0 && changed.unchanged == 2)
            #expect(try await Self.count(client, "SELECT version FROM firms WHERE credit_code = '91500102MA5U000025'") == 2)
            #expect(try await Self.count(client, "SELECT annual_revenue_fen::int FROM firms WHERE credit_code = '91500102MA5U000025'") == 1_500_000_000)
            #expect(try await Self.count(client, "SELECT count(*)::int FROM audit_log") == audit + 1)
            #expect(try await Self.count(client, "SELECT count(*)::int FROM audit_log WHERE actor = 'import:test' AND action = 'update'") == 1)
            #expect(try await Self.count(client, "SELECT count(*)::int FROM firms") == 3, "never a duplicate")
            // The merge writes its audit rows itself (0014): the rows the trigger writes for any other writer.
            #expect(try await Self.count(client, """
                SELECT count(*)::int FROM audit_log l JOIN firms f ON f.id = l.entity_id
                WHERE l.entity = 'firm' AND l.table_name = 'firms' AND l.action = 'update' AND l.actor = 'import:test'
                  AND l.after = to_jsonb(f) AND (l.before ->> 'version')::int = 1 AND (l.before ->> 'annual_revenue_fen')::bigint = 1200000000
                """) == 1)
            // An insert's row names the record without its images (ImportAuditTests).
            #expect(try await Self.count(client, """
                SELECT count(*)::int FROM audit_log l JOIN firms f ON f.id = l.entity_id
                WHERE l.entity = 'firm' AND l.action = 'insert' AND l.before IS NULL AND l.after IS NULL
                """) == 3)
            _ = try await Self.count(client, "WITH u AS (UPDATE firms SET town = town || '镇' WHERE credit_code = '91500102MA5U000025' RETURNING 1) SELECT count(*)::int FROM u")
            #expect(try await Self.count(client, """
                SELECT count(DISTINCT (SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(after) k))::int
                FROM audit_log WHERE entity = 'firm' AND action = 'update'
                """) == 1, "the trigger's row and the merge's row have the same fields")
            #expect(try await Self.count(client, "SELECT count(*)::int FROM audit_log WHERE action = 'update' AND actor = 'system'") == 1)
            _ = try await Self.count(client, "WITH u AS (UPDATE firms SET town = '涪陵高新区' WHERE credit_code = '91500102MA5U000025' RETURNING 1) SELECT count(*)::int FROM u")
            // A file without the optional columns leaves them as they are.
            let partial = SheetTable(name: "p", rows: [
                SheetRow(line: 1, cells: ["统一社会信用代码", "企业名称", "所属行业", "所在园区/镇街", "企业规模", "成立日期"]),
                SheetRow(line: 2, cells: ["91500102MA5U000025", "重庆涪陵新材料科技有限公司", "先进材料", "涪陵高新区", "小型", "2018-06-01"]),
            ])
            #expect(try await Self.importing(client, .firms, partial).changedNothing)
        }
    }

    @Test func badRowsAllOrNothingThenSkippedThenCorrected() async throws {
        try await TestDatabase.withDatabase { client in
            let strict = try await Self.importing(client, .firms, "firms_bad.csv")
            #expect(!strict.written)
            #expect(Set(strict.issues.compactMap(\.line)) == [3, 4, 5, 6, 7])
            #expect(try await Self.count(client, "SELECT count(*)::int FROM firms") == 0, "all or nothing")
            let dry = try await Self.importing(client, .firms, "firms_bad.csv", dryRun: true, skipInvalid: true)
            #expect(dry.inserted == 2 && !dry.written)
            #expect(try await Self.count(client, "SELECT count(*)::int FROM firms") == 0, "a dry run writes nothing")
            let skipped = try await Self.importing(client, .firms, "firms_bad.csv", skipInvalid: true)
            #expect(skipped.inserted == 2 && skipped.written)
            #expect(skipped.rejected.map(\.line) == [3, 4, 5, 6, 7])
            // The rejects file, as a person gets it, corrected in place and imported again.
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wt14-rejects-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let rejectsURL = folder.appendingPathComponent("firms_bad.rejects.csv")
            try RejectsFile.write(header: skipped.header, rejected: skipped.rejected, issues: skipped.issues, format: .csv, to: rejectsURL)
            var text = String(decoding: try Data(contentsOf: rejectsURL), as: UTF8.self)
            #expect(text.contains("错误原因 Reasons") && text.contains("credit_code") == false && text.contains("校验位"))
            text = text.replacingOccurrences(of: "91500102MA5U000013", with: "91500102MA5U00007L")
                .replacingOccurrences(of: "2025-13-01", with: "2021-03-01")
                .replacingOccurrences(of: "1.2345678", with: "1.234567")
                .replacingOccurrences(of: "火箭", with: "其他")
            // The row that repeats line 2 is dropped, as a person would.
            text = text.split(separator: "\r\n", omittingEmptySubsequences: false).filter { !$0.contains("重复的公司") }.joined(separator: "\r\n")
            let (corrected, _) = try CSVReader.read(bytes: Array(text.utf8), name: "firms_bad.rejects.csv")
            let again = try await Self.importing(client, .firms, corrected)
            #expect(again.issues.isEmpty, "\(again.issues.map(\.text))")
            #expect(again.inserted == 4)
            #expect(try await Self.count(client, "SELECT count(*)::int FROM firms") == 6)
            #expect(try await Self.count(client, "SELECT annual_revenue_fen::int FROM firms WHERE credit_code = '91500102MA5U000038'") == 1_234_567, "1.234567 万元 is 12,345.67 元")
        }
    }

    @Test func officeExportsLinkAssetsByName() async throws {
        try await TestDatabase.withDatabase { client in
            _ = try await Self.importing(client, .firms, "firms_zh_utf8.csv")
            let patents = try await Self.importing(client, .assets, "assets_patent_office.csv")
            #expect(patents.issues.isEmpty, "\(patents.issues.map(\.text))")
            #expect(patents.inserted == 4)
            // The engine's change log names every new firm and asset, numbered by the one clock.
            #expect(try await Self.count(client, "SELECT count(*)::int FROM engine_changes WHERE source = 'firms' AND asset_id IS NULL") == 3)
            // Assets are noted once per firm (the asset itself when it is the firm's only one).
            #expect(try await Self.count(client, """
                SELECT ((SELECT count(*) FROM engine_changes WHERE source = 'ip_assets') - (SELECT count(DISTINCT firm_id) FROM ip_assets))::int
                """) == 0)
            #expect(try await Self.count(client, "SELECT ((SELECT n FROM engine_clock) - max(n))::int FROM engine_changes") == 0)
            #expect(try await Self.count(client, "SELECT (max(n) - min(n) + 1 - count(*))::int FROM engine_changes") == 0, "no gaps, no repeats")
            let strict = try await Self.importing(client, .assets, "assets_trademark_office.csv")
            #expect(!strict.written && strict.issues.map(\.code) == ["unknown_firm_name"])
            let marks = try await Self.importing(client, .assets, "assets_trademark_office.csv", skipInvalid: true)
            #expect(marks.inserted == 2)
            #expect(try await Self.count(client, "SELECT renewal_count FROM ip_assets WHERE number = '1234567'") == 1)
            #expect(try await Self.count(client, "SELECT nice_classes[1]::int FROM ip_assets WHERE number = '12345678'") == 29)
            #expect(try await Self.importing(client, .assets, "assets_patent_office.csv").changedNothing)
            // An asset already held by another firm is refused, not moved.
            var (table, _) = try Fixture.csv("assets_patent_office.csv")
            table.rows[2].cells[4] = "重庆白涛化工装备有限公司"
            let moved = try await Self.importing(client, .assets, table)
            #expect(!moved.written && moved.issues.map(\.code) == ["owned_by_another_firm"] && moved.issues.first?.line == 3)
        }
    }

    @Test func historicalLoansEnterTheLedgerInTheirMonths() async throws {
        try await TestDatabase.withDatabase { client in
            let fixture = LedgerFixture(client: client)
            let bank = try await fixture.bank("CQRCB")
            _ = try await fixture.product(bank: bank, code: "FZD-CQRCB-01")
            _ = try await Self.importing(client, .firms, "firms_zh_utf8.csv")
            _ = try await Self.importing(client, .assets, "assets_patent_office.csv")
            _ = try await Self.importing(client, .assets, "assets_trademark_office.csv", skipInvalid: true)
            let vals = try await Self.importing(client, .valuations, "valuations.csv")
            #expect(vals.inserted == 2, "\(vals.issues.map(\.text))")
            #expect(try await Self.importing(client, .valuations, "valuations.csv").changedNothing)
            let loans = try await Self.importing(client, .loans, "loans.csv")
            #expect(loans.issues.isEmpty, "\(loans.issues.map(\.text))")
            #expect(loans.inserted == 2)
            #expect(try await Self.importing(client, .loans, "loans.csv").changedNothing)
            #expect(try await Self.count(client, "SELECT count(*)::int FROM loans") == 2)
            #expect(try await Self.count(client, "SELECT count(*)::int FROM loan_entries") == 4)
            // The monthly series counts them in October 2025 and March 2026, as of any later day.
            let reports = ReportRepository(client: client, logger: Self.logger)
            let range = try ReportRange.check(asOf: "2026-04-30", from: "2025-09", to: "2026-04", today: Fixture.today)
            let monthly = try await reports.monthly(range, dimensions: [])
            let byMonth = Dictionary(uniqueKeysWithValues: monthly.total.months.map { ("\($0.month)", $0.newPrincipalFen) })
            #expect(byMonth["2025-10"] == 500_000_000)
            #expect(byMonth["2026-03"] == 300_000_000)
            #expect(byMonth["2025-11"] == 0)
            let progress = try await reports.progress(asOf: Fixture.today)
            #expect(progress.targets.first?.achievedFen == 800_000_000)
            #expect(progress.targets.first?.achievedFirms == 2)
            // The cleared loan's pledge is released; the open one's asset stays pledged.
            #expect(try await Self.count(client, "SELECT count(*)::int FROM pledge_assets WHERE active") == 1)
            #expect(try await Self.count(client, "SELECT count(*)::int FROM applications WHERE state = 'repaid'") == 1)
            // More repaid later: one repayment entry for the difference, and the loan is settled.
            var (table, _) = try Fixture.csv("loans.csv")
            table.rows[2].cells[10] = "300"
            table.rows[2].cells[11] = "2026-11-02"
            let repaid = try await Self.importing(client, .loans, table)
            #expect(repaid.updated == 1 && repaid.inserted == 0, "\(repaid.issues.map(\.text))")
            #expect(try await Self.count(client, "SELECT count(*)::int FROM applications WHERE state = 'repaid'") == 2)
            #expect(try await Self.count(client, "SELECT count(*)::int FROM pledge_assets WHERE active") == 0)
            // Other terms for a recorded loan are refused: loans are never changed.
            table.rows[2].cells[4] = "301"
            let changed = try await Self.importing(client, .loans, table)
            #expect(!changed.written && changed.issues.map(\.code) == ["loan_differs"])
        }
    }

    @Test func exportedTablesImportAgainUnchanged() async throws {
        try await TestDatabase.withDatabase { client in
            let fixture = LedgerFixture(client: client)
            let bank = try await fixture.bank("CQRCB")
            _ = try await fixture.product(bank: bank, code: "FZD-CQRCB-01")
            _ = try await Self.importing(client, .firms, "firms_zh_utf8.csv")
            _ = try await Self.importing(client, .firms, "firms_en_bom.csv")
            _ = try await Self.importing(client, .assets, "assets_patent_office.csv")
            _ = try await Self.importing(client, .assets, "assets_trademark_office.csv", skipInvalid: true)
            _ = try await Self.importing(client, .valuations, "valuations.csv")
            _ = try await Self.importing(client, .loans, "loans.csv")
            let export = ExportService(client: client, logger: Self.logger)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wt14-export-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            for kind in [ImportKind.firms, .assets, .valuations, .loans] {
                let table = try await export.table(kind)
                let csvURL = folder.appendingPathComponent("\(kind).csv"), xlsxURL = folder.appendingPathComponent("\(kind).xlsx")
                try Data(table.csv()).write(to: csvURL)
                try table.xlsx(to: xlsxURL)
                for url in [csvURL, xlsxURL] {
                    let read = try SourceFile.read(url)
                    let again = try await Self.importing(client, kind, read.table)
                    #expect(again.issues.isEmpty, "\(kind) \(url.lastPathComponent): \(again.issues.map(\.text))")
                    #expect(again.changedNothing && again.unchanged == table.rows.count, "\(kind) \(url.lastPathComponent)")
                }
            }
        }
    }

    /// A load killed with SIGKILL while it streams rows leaves every table as it was.
    @Test func killedMidFileLeavesEveryTableAsItWas() async throws {
        let binary = Fixture.folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/pledgematch")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the executable first (swift build)")
        try await TestDatabase.withDatabase { client, configuration in
            _ = try await Self.importing(client, .firms, "firms_zh_utf8.csv")
            let tables = try await Self.tableNames(client)
            let before = try await Self.rowCounts(client, tables)
            // A file big enough that the kill lands while rows are being copied.
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wt14-kill-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("firms.csv")
            try Data(GeneratedFiles.firmsCSV(count: 300_000, firstSerial: 100)).write(to: file)
            let process = Process()
            process.executableURL = binary
            process.arguments = ["import", "firms", file.path]
            var env = ProcessInfo.processInfo.environment
            env["DATABASE_URL"] = "postgres://postgres@localhost/\(configuration.database ?? "")?host=\(TestDatabase.cluster.dataDirectory)"
            process.environment = env
            let stderr = Pipe()
            process.standardError = stderr
            process.standardOutput = FileHandle.nullDevice
            let seen = SeenText()
            stderr.fileHandleForReading.readabilityHandler = { h in seen.append(String(decoding: h.availableData, as: UTF8.self)) }
            try process.run()
            // Wait until it is copying rows inside its transaction, then kill it.
            let deadline = Date().addingTimeInterval(120)
            while !seen.contains("载入 loading") && process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(process.isRunning, "the import was still running when killed: \(seen.text.suffix(400))")
            kill(process.processIdentifier, SIGKILL)
            await waitForExit(process)
            stderr.fileHandleForReading.readabilityHandler = nil
            #expect(process.terminationReason == .uncaughtSignal)
            #expect(seen.contains("载入 loading"), "killed during the load")
            let after = try await Self.rowCounts(client, tables)
            #expect(after == before)
            #expect(try await Self.count(client, "SELECT count(*)::int FROM firms") == 3)
        }
    }

    static func tableNames(_ client: PostgresClient) async throws -> [String] {
        var names: [String] = []
        for try await n in try await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
                                                   logger: logger).decode(String.self) { names.append(n) }
        return names
    }

    static func rowCounts(_ client: PostgresClient, _ tables: [String]) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for t in tables { counts[t] = try await count(client, "SELECT count(*)::int FROM \"\(t)\"") }
        return counts
    }
}

final class SeenText: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = ""
    func append(_ s: String) { lock.lock(); buffer += s; if buffer.count > 100_000 { buffer = String(buffer.suffix(10_000)) }; lock.unlock() }
    func contains(_ s: String) -> Bool { lock.lock(); defer { lock.unlock() }; return buffer.contains(s) }
    var text: String { lock.lock(); defer { lock.unlock() }; return buffer }
}
