import PledgeCore
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeStore

@Suite("Repositories and database invariants")
struct RepositoryTests {
    let logger = TestDatabase.logger
    let today = CivilDate(iso: "2026-11-26")!

    func firm(_ code: String = "914403001922038216") throws -> FirmFields {
        try FirmInput(creditCode: code, name: "重庆测试科技有限公司", industryCode: "equipment", town: "李渡街道",
                      size: "small", foundedOn: "2015-03-01").validated(today: today)
    }

    @Test func duplicateCreditCodeIsAConflictOnTheField() async throws {
        try await TestDatabase.withDatabase { client in
            let repo = FirmRepository(client: client, logger: logger)
            _ = try await repo.create(try firm())
            await #expect(throws: StoreError.conflict(StoreError.constraints["firms_credit_code_key"]!.error)) {
                try await repo.create(try firm())
            }
        }
    }

    @Test("The engine's pool runs its catch-up on a generic plan; other pools keep custom plans")
    func engineCatchUpIsPlannedOnce() async throws {
        try await TestDatabase.withDatabase { client, configuration in
            try await withRunningClient(DatabaseURL.engine(configuration), logger: logger) { engine in
                let plans = try await engine.withConnection { conn in
                    for _ in 0..<3 {
                        let rows = try await conn.execute(ChangesStatement(after: 0), logger: logger)
                        for try await _ in rows {}
                    }
                    let rows = try await conn.query("""
                        SELECT generic_plans, custom_plans, current_setting('plan_cache_mode') FROM pg_prepared_statements
                        WHERE statement LIKE '%engine_changes%'
                        """, logger: logger)
                    var found: [(Int, Int, String)] = []
                    for try await row in rows.decode((Int, Int, String).self) { found.append(row) }
                    return found
                }
                #expect(plans.count == 1)
                #expect(plans.first?.0 == 3 && plans.first?.1 == 0 && plans.first?.2 == "force_generic_plan")
            }
            var settings: [String] = []
            for try await setting in try await client.query("SELECT current_setting('plan_cache_mode')", logger: logger)
                .decode(String.self) { settings.append(setting) }
            #expect(settings == ["auto"])
        }
    }

    @Test("Pruning the engine change log removes only rows older than the margin")
    func changeLogPruning() async throws {
        try await TestDatabase.withDatabase { client in
            let firms = FirmRepository(client: client, logger: logger)
            _ = try await firms.create(try firm())
            let prefix = "91500102MA5U7K29X"
            _ = try await firms.create(try firm(prefix + String(CreditCode.checkCharacter(forPrefix: prefix)!)))
            func count() async throws -> Int {
                for try await n in try await client.query("SELECT count(*) FROM engine_changes", logger: logger).decode(Int.self) {
                    return n
                }
                return -1
            }
            let before = try await count()
            #expect(before >= 2)
            _ = try await client.query("""
                UPDATE engine_changes SET changed_at = now() - interval '3 days' WHERE n = (SELECT min(n) FROM engine_changes)
                """, logger: logger)
            let repository = MatchingRepository(client: client, logger: logger)
            #expect(try await repository.pruneChanges(olderThanDays: 2) == 1)
            #expect(try await count() == before - 1)
            #expect(try await repository.pruneChanges(olderThanDays: 2) == 0)
        }
    }

    @Test func unknownIndustryIsInvalid() async throws {
        try await TestDatabase.withDatabase { client in
            var f = try firm()
            f.industryCode = "nonsense"
            do {
                _ = try await FirmRepository(client: client, logger: logger).create(f)
                Issue.record("stored a firm with an unknown industry")
            } catch let StoreError.invalid(e) {
                #expect(e.field == "industryCode")
            }
        }
    }

    @Test func staleVersionIsRefusedAndArchivedIsFrozen() async throws {
        try await TestDatabase.withDatabase { client in
            let repo = FirmRepository(client: client, logger: logger)
            let created = try await repo.create(try firm())
            var changed = created.fields
            changed.name = "重庆改名科技有限公司"
            let updated = try await repo.update(id: created.id, expectedVersion: 1, changed)
            #expect(updated.version == 2)
            await #expect(throws: StoreError.stale(entity: "firm", id: created.id, current: 2)) {
                try await repo.update(id: created.id, expectedVersion: 1, changed)
            }
            try await repo.archive(id: created.id, expectedVersion: 2)
            try await repo.archive(id: created.id, expectedVersion: nil)
            await #expect(throws: StoreError.archived(entity: "firm", id: created.id)) {
                try await repo.update(id: created.id, expectedVersion: 3, changed)
            }
            #expect(try await repo.list(FirmFilter(), page: PageRequest()).items.isEmpty)
            #expect(try await repo.list(FirmFilter(), page: PageRequest(includeArchived: true)).items.count == 1)
            await #expect(throws: StoreError.notFound(entity: "firm", id: 999)) { try await repo.get(id: 999) }
        }
    }

    @Test func cursorPagesCoverEveryRowOnce() async throws {
        try await TestDatabase.withDatabase { client in
            let repo = FirmRepository(client: client, logger: logger)
            var codes: Set<String> = []
            for i in 0..<7 {
                let prefix = "91500102MA5U7K2" + String(i) + "X"
                let code = prefix + String(CreditCode.checkCharacter(forPrefix: prefix)!)
                codes.insert(try await repo.create(try firm(code)).fields.creditCode)
            }
            var seen: [String] = []
            var request = PageRequest(limit: 3)
            while true {
                let page = try await repo.list(FirmFilter(), page: request)
                seen += page.items.map(\.fields.creditCode)
                guard let next = page.nextCursor else { break }
                request.after = next
            }
            #expect(seen.count == 7)
            #expect(Set(seen) == codes)
        }
    }

    @Test func assetWithCoOwnersRoundTrips() async throws {
        try await TestDatabase.withDatabase { client in
            let owner = try await FirmRepository(client: client, logger: logger).create(try firm())
            let input = AssetInput(firmId: owner.id, type: "utility_model", number: "202120123456." + String(PatentNumber.checkCharacter(for: "202120123456")),
                                   title: "一种榨菜脱盐装置", filingDate: "2021-03-02", grantDate: "2021-10-08",
                                   legalStatus: "in_force", ipcClasses: ["A23B 7/10"],
                                   coOwners: [.init(name: "长江师范学院", shareBp: 3_000, consentToPledge: true)])
            let repo = AssetRepository(client: client, logger: logger)
            let stored = try await repo.create(try input.validated(today: today))
            #expect(stored.fields.coOwners.count == 1)
            #expect(stored.fields.expiryDate == CivilDate(iso: "2031-03-01"))
            let read = try await repo.get(id: stored.id)
            #expect(read.fields == stored.fields)
            let valuation = try await ValuationRepository(client: client, logger: logger).create(
                ValuationInput(assetId: stored.id, appraiser: "重庆坤元资产评估有限公司", method: "income",
                               valueFen: 150_000_000, valuationDate: "2026-03-01", validUntil: "2027-03-01",
                               reportNumber: "坤元评报字[2026]第018号").validated(today: today))
            #expect(valuation.firmId == owner.id)
        }
    }

    @Test("The database itself refuses negative money and broken dates")
    func checkConstraintsHold() async throws {
        try await TestDatabase.withDatabase { client in
            await #expect(throws: PSQLError.self) {
                try await client.query("""
                    INSERT INTO programme_targets (name, baseline_date, deadline, amount_fen, firm_count)
                    VALUES ('bad', '2025-01-01', '2024-01-01', 1, 1)
                    """, logger: logger)
            }
            await #expect(throws: PSQLError.self) {
                try await client.query("""
                    INSERT INTO programme_targets (name, baseline_date, deadline, amount_fen, firm_count)
                    VALUES ('neg', '2025-01-01', '2026-01-01', -5, 1)
                    """, logger: logger)
            }
        }
    }
}
