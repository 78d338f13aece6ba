import Foundation
import PledgeCore
import PledgeImport
import PledgeImportStore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing

/// A file larger than one block (checked, staged and merged a block at a time) keeps every rule of a
/// file loaded whole: each test loads the same table in blocks of 3 rows and as one block, and holds
/// the reports and the tables equal.
@Suite("Import in blocks", .serialized) struct ImportBlockTests {
    static func importing(_ client: PostgresClient, _ kind: ImportKind, _ table: SheetTable, blockRows: Int?,
                          dryRun: Bool = false, skipInvalid: Bool = false) async throws -> ImportOutcome {
        try await ImportService(client: client, logger: TestDatabase.logger).run(
            kind, table: table, options: ImportOptions(dryRun: dryRun, skipInvalid: skipInvalid, actor: "import:test",
                                                       today: Fixture.today, blockRows: blockRows))
    }

    static func count(_ client: PostgresClient, _ sql: String) async throws -> Int { try await ImportDatabaseTests.count(client, sql) }

    /// `n` good firms, as the benchmark's files have them (line 1 the header, firm i on line i + 2).
    static func firms(_ n: Int, firstSerial: Int = 0) throws -> SheetTable {
        try CSVReader.read(bytes: GeneratedFiles.firmsCSV(count: n, firstSerial: firstSerial), name: "firms.csv").0
    }

    static func assets(_ n: Int, firms: Int) throws -> SheetTable {
        try CSVReader.read(bytes: GeneratedFiles.assetsCSV(count: n, firms: firms), name: "assets.csv").0
    }

    /// What a report says, without what may differ between two runs (nothing should).
    static func report(_ o: ImportOutcome) -> [String] {
        ["rows \(o.rows) valid \(o.valid) inserted \(o.inserted) updated \(o.updated) unchanged \(o.unchanged) written \(o.written)",
         "rejected \(o.rejected.map(\.line))"] + o.issues.map(\.text)
    }

    /// The same import in blocks of 3 and whole, each in a database of its own with the same
    /// `setUp`: the reports are equal; returns the blocked one's report and its database's `probe`.
    static func bothWays(_ kind: ImportKind, _ table: SheetTable, dryRun: Bool = false, skipInvalid: Bool = false,
                         setUp: @escaping @Sendable (PostgresClient) async throws -> Void = { _ in },
                         probe: [String]) async throws -> (ImportOutcome, [Int]) {
        var results: [(ImportOutcome, [Int])] = []
        for blockRows in [3, nil] {
            results.append(try await TestDatabase.withDatabase { client in
                try await setUp(client)
                let outcome = try await Self.importing(client, kind, table, blockRows: blockRows, dryRun: dryRun, skipInvalid: skipInvalid)
                var seen: [Int] = []
                for sql in probe { seen.append(try await Self.count(client, sql)) }
                return (outcome, seen)
            })
        }
        #expect(report(results[0].0) == report(results[1].0))
        #expect(results[0].1 == results[1].1, "\(probe)")
        return results[0]
    }

    static let tables = [
        "SELECT count(*)::int FROM firms", "SELECT count(*)::int FROM ip_assets", "SELECT count(*)::int FROM audit_log",
        "SELECT count(*)::int FROM engine_changes", "SELECT coalesce(max(n), 0)::int FROM engine_clock",
    ]

    @Test func aBadRowInALateBlockWritesNothingAndEveryProblemIsReported() async throws {
        var table = try Self.firms(15)
        table.rows[2].cells[0] = "91500102MA5U000013"   // line 3: a wrong check character
        table.rows[14].cells[5] = "2025-13-01"          // line 15, the last block: no such month
        table.rows[15].cells[3] = ""                    // line 16, the last block: no town
        let (strict, counts) = try await Self.bothWays(.firms, table, probe: Self.tables)
        #expect(!strict.written && strict.inserted == 0)
        #expect(strict.issues.compactMap(\.line) == [3, 15, 16])
        #expect(strict.rejected.map(\.line) == [3, 15, 16] && strict.valid == 12)
        #expect(counts == [0, 0, 0, 0, 0], "all or nothing")
    }

    @Test func skipInvalidLoadsTheGoodRowsOfEveryBlock() async throws {
        var table = try Self.firms(14)
        table.rows[2].cells[0] = "91500102MA5U000013"
        table.rows[14].cells[5] = "2025-13-01"
        let (skipped, counts) = try await Self.bothWays(.firms, table, skipInvalid: true, probe: Self.tables)
        #expect(skipped.written && skipped.inserted == 12 && skipped.rejected.map(\.line) == [3, 15])
        #expect(counts[0] == 12 && counts[2] == 12 && counts[3] == 12)
        let (dry, none) = try await Self.bothWays(.firms, table, dryRun: true, skipInvalid: true, probe: Self.tables)
        #expect(!dry.written && dry.inserted == 12)
        #expect(none == [0, 0, 0, 0, 0], "a dry run writes nothing")
    }

    @Test func aDuplicateInALaterBlockNamesTheFirstLine() async throws {
        var table = try Self.firms(10)
        table.rows[10].cells = table.rows[2].cells       // line 11 repeats line 3's firm
        table.rows[10].cells[1] = "重复的公司"
        let (strict, counts) = try await Self.bothWays(.firms, table, probe: Self.tables)
        #expect(strict.issues.map(\.code) == ["duplicate_row"] && strict.issues.first?.line == 11)
        #expect(strict.issues.first?.en.contains("as line 3") == true)
        #expect(counts == [0, 0, 0, 0, 0])
        let (skipped, loaded) = try await Self.bothWays(.firms, table, skipInvalid: true, probe: Self.tables)
        #expect(skipped.inserted == 9 && skipped.rejected.map(\.line) == [11] && loaded[0] == 9)
    }

    /// Twelve assets of five firms over four blocks: each firm noted once in the engine's log, with one
    /// clock step, and the database's own refusal in a late block.
    @Test func assetsInBlocksAreNotedOncePerFirmAndRefusedTogether() async throws {
        let firms = try Self.firms(5)
        let assets = try Self.assets(12, firms: 5)
        let load: @Sendable (PostgresClient) async throws -> Void = { client in
            _ = try await Self.importing(client, .firms, firms, blockRows: nil)
        }
        let probe = Self.tables + ["SELECT count(*)::int FROM engine_changes WHERE source = 'ip_assets'",
                                   "SELECT (max(n) - min(n) + 1 - count(*))::int FROM engine_changes"]
        let (loaded, counts) = try await Self.bothWays(.assets, assets, setUp: load, probe: probe)
        #expect(loaded.inserted == 12 && loaded.written, "\(loaded.issues.map(\.text))")
        #expect(counts[1] == 12 && counts[5] == 5 && counts[6] == 0, "one note per firm, no gaps")

        // The asset on line 13 (the last block) is held by another firm already.
        let held: @Sendable (PostgresClient) async throws -> Void = { client in
            try await load(client)
            var one = try Self.assets(12, firms: 5)
            one.rows = [one.rows[0], one.rows[12]]
            one.rows[1].cells[0] = firms.rows[1].cells[0]     // line 13's asset, registered to firm 0 instead of firm 1
            let first = try await Self.importing(client, .assets, one, blockRows: nil)
            #expect(first.inserted == 1, "\(first.issues.map(\.text))")
        }
        let (strict, before) = try await Self.bothWays(.assets, assets, setUp: held, probe: probe)
        #expect(!strict.written && strict.issues.map(\.code) == ["owned_by_another_firm"] && strict.issues.first?.line == 13)
        #expect(before[1] == 1, "nothing written")
        let (skipped, after) = try await Self.bothWays(.assets, assets, skipInvalid: true, setUp: held, probe: probe)
        #expect(skipped.inserted == 11 && skipped.rejected.map(\.line) == [13] && after[1] == 12)
    }

    @Test func theSameFileTwiceInBlocksChangesNothing() async throws {
        try await TestDatabase.withDatabase { client in
            let table = try Self.firms(11)
            let first = try await Self.importing(client, .firms, table, blockRows: 3)
            #expect(first.inserted == 11 && first.written)
            let audit = try await Self.count(client, "SELECT count(*)::int FROM audit_log")
            let clock = try await Self.count(client, "SELECT n::int FROM engine_clock")
            let again = try await Self.importing(client, .firms, table, blockRows: 3)
            #expect(again.changedNothing && again.unchanged == 11 && again.written)
            #expect(try await Self.count(client, "SELECT count(*)::int FROM audit_log") == audit)
            #expect(try await Self.count(client, "SELECT n::int FROM engine_clock") == clock)
            #expect(try await Self.count(client, "SELECT max(version)::int FROM firms") == 1)
        }
    }
}
