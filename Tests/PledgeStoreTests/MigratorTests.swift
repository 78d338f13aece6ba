import Foundation
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeStore

@Suite("Migrations on a real PostgreSQL")
struct MigratorTests {
    let logger = TestDatabase.logger

    @Test func rerunIsANoOp() async throws {
        try await TestDatabase.withDatabase { client in
            let migrator = Migrator(client: client, migrations: try Migration.bundled(), logger: logger)
            #expect(try await migrator.migrate().isEmpty)
            #expect(try await migrator.pending().isEmpty)
            let rows = try await client.query("SELECT count(*) FROM schema_migrations", logger: logger)
            for try await n in rows.decode(Int.self) { #expect(n == (try Migration.bundled()).count) }
        }
    }

    @Test func appliesPendingInOrderAndReportsThem() async throws {
        try await TestDatabase.withDatabase { client in
            let extra = Migration(version: 9_001, name: "extra", sql: """
                CREATE TABLE extra_a (id int PRIMARY KEY);
                INSERT INTO extra_a VALUES (1), (2);
                """)
            let migrator = Migrator(client: client, migrations: try Migration.bundled() + [extra], logger: logger)
            #expect(try await migrator.pending() == ["9001_extra.sql"])
            #expect(try await migrator.migrate() == ["9001_extra.sql"])
            let rows = try await client.query("SELECT count(*) FROM extra_a", logger: logger)
            for try await n in rows.decode(Int.self) { #expect(n == 2) }
        }
    }

    @Test func editedMigrationIsRefusedByName() async throws {
        try await TestDatabase.withDatabase { client in
            var migrations = try Migration.bundled()
            let first = migrations[0]
            migrations[0] = Migration(version: first.version, name: first.name, sql: first.sql + "\n-- edited")
            let migrator = Migrator(client: client, migrations: migrations, logger: logger)
            await #expect(throws: MigrationError.edited(file: "0001_schema.sql")) { try await migrator.migrate() }
            await #expect(throws: MigrationError.edited(file: "0001_schema.sql")) { try await migrator.pending() }
        }
    }

    @Test func failingMigrationLeavesNothingBehind() async throws {
        try await TestDatabase.withDatabase { client in
            let broken = Migration(version: 9_002, name: "broken", sql: """
                CREATE TABLE half_done (id int);
                SELECT no_such_function();
                """)
            let migrator = Migrator(client: client, migrations: try Migration.bundled() + [broken], logger: logger)
            await #expect(throws: (any Error).self) { try await migrator.migrate() }
            let rows = try await client.query("SELECT to_regclass('half_done') IS NULL", logger: logger)
            for try await gone in rows.decode(Bool.self) { #expect(gone) }
            #expect(try await migrator.pending() == ["9002_broken.sql"])
        }
    }

    @Test func seededTargetsAreThere() async throws {
        try await TestDatabase.withDatabase { client in
            let page = try await TargetRepository(client: client, logger: logger).list(page: PageRequest())
            #expect(page.items.map(\.fields.amountFen) == [120_000_000_000, 180_000_000_000])
            #expect(page.items.map(\.fields.firmCount) == [50, 100])
        }
    }
}
