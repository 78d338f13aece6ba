import Testing
@testable import PledgeStore

@Suite struct SQLScriptTests {
    @Test func splitsOnSemicolonsOutsideQuotesAndComments() {
        let sql = """
            -- a comment; with a semicolon
            CREATE TABLE a (x text DEFAULT 'semi;colon');
            /* block; comment */ INSERT INTO a VALUES ('it''s; fine');
            CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
            SELECT "odd;name" FROM a
            """
        let statements = SQLScript.statements(in: sql)
        #expect(statements.count == 4)
        #expect(statements[0] == "CREATE TABLE a (x text DEFAULT 'semi;colon')")
        #expect(statements[1] == "INSERT INTO a VALUES ('it''s; fine')")
        #expect(statements[2].contains("SELECT 1; $body$"))
        #expect(statements[3] == "SELECT \"odd;name\" FROM a")
    }

    @Test func shippedMigrationsSplitIntoStatements() throws {
        let migrations = try Migration.bundled()
        // A number can be reserved for a migration that has not landed yet, so a gap is allowed; the
        // migrator needs the versions unique and in order, starting at 1.
        let versions = migrations.map(\.version)
        #expect(versions.first == 1)
        #expect(versions == versions.sorted() && Set(versions).count == versions.count)
        for migration in migrations {
            #expect(!SQLScript.statements(in: migration.sql).isEmpty)
        }
    }
}
