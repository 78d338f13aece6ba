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
        #expect(migrations.map(\.version) == Array(1...migrations.count))
        for migration in migrations {
            #expect(!SQLScript.statements(in: migration.sql).isEmpty)
        }
    }
}
