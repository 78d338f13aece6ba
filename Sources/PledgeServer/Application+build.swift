import Hummingbird
import Logging
import OpenAPIHummingbird
import PledgeAPI
import PostgresNIO
import Prometheus

public struct AppConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    public static let maxBodyBytes = 1 << 20

    public init(host: String = "127.0.0.1", port: Int = 8080, logLevel: Logger.Level = .info) {
        self.host = host
        self.port = port
        self.logLevel = logLevel
    }
}

/// The composition root: the router with its middleware and handlers, and the database client
/// as a service so it starts before the HTTP server and stops after it.
public func buildApplication(configuration: AppConfiguration, client: PostgresClient,
                             metrics: PrometheusCollectorRegistry,
                             logger: Logger) throws -> some ApplicationProtocol {
    let router = try buildRouter(client: client, metrics: metrics, logger: logger)
    var app = Application(router: router,
                          configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                               serverName: "PledgeMatch"),
                          logger: logger)
    app.addServices(client)
    return app
}

func buildRouter(client: PostgresClient, metrics: PrometheusCollectorRegistry, logger: Logger) throws -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: BodyLimitMiddleware(maxBytes: AppConfiguration.maxBodyBytes))
    router.add(middleware: HeaderEncodingMiddleware())
    let service = PledgeService(client: client, metrics: metrics, logger: logger)
    try service.registerHandlers(on: router)
    return router
}
