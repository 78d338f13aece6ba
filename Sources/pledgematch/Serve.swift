import ArgumentParser
import ServiceLifecycle
import Foundation
import Hummingbird
import Logging
import Metrics
import PledgeCore
import PledgeServer
import PledgeStore
import PostgresNIO
import Prometheus
import PledgeTooling

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP service (the default command).",
        discussion: """
            On the embedded database, pending migrations are applied first and the cluster is stopped on \
            SIGINT/SIGTERM. With DATABASE_URL, the service refuses to start while migrations are pending.
            """)

    @Option(help: "Address to listen on (env HOST).")
    var host: String = ProcessInfo.processInfo.environment["HOST"] ?? "127.0.0.1"

    @Option(help: "Port to listen on (env PORT).")
    var port: Int = ProcessInfo.processInfo.environment["PORT"].flatMap(Int.init) ?? 8080

    @Flag(help: "Load the demo dataset first when the database holds no firms.")
    var demo = false

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = try database.makeLogger("pledgematch")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let db = try database.open(logger: logger)
        defer { db.close(logger: logger, always: true) }
        try await prepare(db.configuration, embedded: db.isEmbedded, logger: logger)
        let client = PostgresClient(configuration: DatabaseURL.requests(db.configuration), backgroundLogger: logger)
        let engineClient = PostgresClient(configuration: DatabaseURL.engine(db.configuration), backgroundLogger: logger)
        let app = try buildApplication(configuration: AppConfiguration(host: host, port: port, logLevel: logger.logLevel),
                                       client: client, engineClient: engineClient, metrics: registry, logger: logger)
        print("PledgeMatch is listening on http://\(host):\(port)  (API document: openapi.yaml; Ctrl-C stops)")
        // A request that cannot finish must not keep the process from stopping: after 20 s of graceful
        // shutdown what is left is cancelled, well inside systemd's TimeoutStopSec, and the embedded
        // cluster is then stopped in order.
        var group = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(20)
        group.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: group).run()
    }

    /// Migrations (embedded) or a check that none are pending (external), then the demo data if asked.
    private func prepare(_ configuration: PostgresClient.Configuration, embedded: Bool, logger: Logger) async throws {
        let demo = self.demo
        try await withRunningClient(configuration, logger: logger) { client in
            let migrator = Migrator(client: client, migrations: try Migration.bundled(), logger: logger)
            if embedded {
                try await migrator.migrate()
            } else {
                let pending = try await migrator.pending()
                guard pending.isEmpty else { throw MigrationError.pending(pending) }
            }
            if demo {
                let summary = try await DemoLoader(client: client, logger: logger).loadIfEmpty(today: BusinessCalendar.today())
                logger.info("\(summary)")
                let access = try await DemoAccess.seedIfNoUsers(client: client, logger: logger)
                logger.info("\(access)")
            }
        }
    }
}
