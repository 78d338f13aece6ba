import ArgumentParser
import PledgeStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending database migrations (db/migrations), each in its own transaction.",
        discussion: "Run it once before starting servers against an external DATABASE_URL; `serve` does it itself on the embedded database.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = try database.makeLogger("pledgematch.migrate")
        let db = try database.open(logger: logger)
        defer { db.close(logger: logger) }
        let applied = try await withRunningClient(db.configuration, logger: logger) { client in
            try await Migrator(client: client, migrations: Migration.bundled(), logger: logger).migrate()
        }
        print(applied.isEmpty ? "Database is up to date. 数据库已是最新。"
                              : "Applied \(applied.count) migration(s): \(applied.joined(separator: ", "))")
    }
}
