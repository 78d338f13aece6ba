import ArgumentParser
import PledgeCore
import PledgeServer
import PledgeStore
import PledgeTooling

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load data into the database.",
        discussion: "--demo loads a deterministic Fuling-like dataset (~150 firms, ~1,500 IP assets, valuations, 8 banks, ~12 products) into an empty database.")

    @Flag(help: "Load the demo dataset.")
    var demo = false

    @Option(help: "Seed of the demo dataset's random choices; the same seed gives the same data.")
    var seed: UInt64 = 20_250_922

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard demo else { throw ValidationError("Say what to load: --demo") }
    }

    func run() async throws {
        let logger = try database.makeLogger("pledgematch.seed")
        let db = try database.open(logger: logger)
        defer { db.close(logger: logger) }
        let seed = self.seed
        let summary = try await withRunningClient(db.configuration, logger: logger) { client in
            let migrator = Migrator(client: client, migrations: try Migration.bundled(), logger: logger)
            if db.isEmbedded { try await migrator.migrate() }
            let data = try await DemoLoader(client: client, logger: logger).loadIfEmpty(today: BusinessCalendar.today(), seed: seed)
            return "\(data)\n" + (try await DemoAccess.seedIfNoUsers(client: client, logger: logger))
        }
        print(summary)
    }
}
