import HTTPTypes
import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import PledgeAPI
import PostgresNIO
import PledgeCore
import PledgeStore
import Prometheus
import ServiceLifecycle
import PledgeWorkflows

public struct AppConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    public static let maxBodyBytes = 1 << 20
    /// An import's upload (POST /imports): larger files go through the CLI.
    public static let maxImportBytes = 32 << 20

    /// The body limit of a request: an import's upload, or everything else's.
    static func maxBodyBytes(method: HTTPRequest.Method, path: String) -> Int {
        method == .post && (path == "/imports" || path == "/console/imports") ? maxImportBytes : maxBodyBytes
    }

    static let importTooLarge = APIProblem(.contentTooLarge, code: "file_too_large",
        zh: "上传的文件超过 32 MiB：请分成几个文件上传，或在服务器上用命令行 pledgematch import 导入",
        en: "The upload is over 32 MiB: split the file, or import it on the server with the pledgematch import command",
        field: "file")

    public init(host: String = "127.0.0.1", port: Int = 8080, logLevel: Logger.Level = .info) {
        self.host = host
        self.port = port
        self.logLevel = logLevel
    }
}

/// The composition root: the router with its middleware and handlers, and the database clients
/// as services so they start before the HTTP server and stop after it. `engineClient` is the
/// matching index's own pool (`DatabaseURL.engine`).
public func buildApplication(configuration: AppConfiguration, client: PostgresClient, engineClient: PostgresClient,
                             metrics: PrometheusCollectorRegistry,
                             logger: Logger) throws -> some ApplicationProtocol {
    let index = MatchIndex(repository: MatchingRepository(client: engineClient, logger: logger), logger: logger,
                           today: { BusinessCalendar.today() }, refusesWhileWarming: true)
    let imports = ImportJobRunner(client: client, logger: logger)
    let router = try buildRouter(client: client, metrics: metrics, logger: logger, index: index, imports: imports)
    var app = Application(router: router,
                          server: .http1(configuration: .init(additionalChannelHandlers: [MalformedRequestHandler()])),
                          configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                               serverName: "PledgeMatch"),
                          logger: logger)
    app.addServices(client, engineClient, MatchIndexWarmUp(index: index, logger: logger), ImportJobService(runner: imports))
    return app
}

func buildRouter(client: PostgresClient, metrics: PrometheusCollectorRegistry, logger: Logger,
                 index: MatchIndex? = nil, throttle: LoginThrottle = LoginThrottle(),
                 boundary: BankBoundary = BankBoundary(),
                 leaseTimeout: Duration = Database.defaultLeaseTimeout,
                 imports: ImportJobRunner? = nil, answers: AnswerCache? = AnswerCache()) throws -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    // Metrics outside the problem middleware, so they count the status actually sent.
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: BodyLimitMiddleware(maxBytes: AppConfiguration.maxBodyBytes))
    router.add(middleware: HeaderEncodingMiddleware())
    // Outside the connection and the transaction: an accepted upload's job is committed by now.
    router.add(middleware: ImportKickMiddleware(runner: imports ?? ImportJobRunner(client: client, logger: logger, leaseTimeout: leaseTimeout)))
    router.add(middleware: ConnectionMiddleware(database: Database(client, leaseTimeout: leaseTimeout),
                                                poolSize: DatabaseURL.requestPoolSize))
    router.add(middleware: AuthenticationMiddleware(users: UserRepository(client: client, logger: logger)))
    // BodyLimitMiddleware has held every body to its own limit already; here the largest (an import's) applies.
    router.add(middleware: TransactionMiddleware(database: Database(client), maxBytes: AppConfiguration.maxImportBytes))
    // Innermost: a kept answer's buffer goes out as it is kept, past the OpenAPI transport's copy.
    router.add(middleware: HandedBodyMiddleware())
    let service = PledgeService(client: client, metrics: metrics, logger: logger, matchIndex: index,
                                throttle: throttle, boundary: boundary, leaseTimeout: leaseTimeout)
    // Times a person reads are Beijing time with the offset, in JSON as in the CSV exports. The
    // contract is checked after the role: a caller who may not use an operation hears 403 first.
    // JSON goes out compact (keys still sorted, so the same answer is the same bytes): indented, a
    // firm's explained matches were half as large again (287 KB against 191 KB on the demo data).
    let configuration = OpenAPIRuntime.Configuration(dateTranscoder: BeijingDateTranscoder(), jsonEncodingOptions: [.sortedKeys])
    // A firm's explained products are kept as sent while nothing they are made of changes, and
    // written without the generated encoder when they are not; so are a product's candidates and
    // the health probe's answer.
    let middlewares: [any ServerMiddleware] = [AuthorizationMiddleware(),
                                               ContractMiddleware(contract: .shared, maxBytes: AppConfiguration.maxBodyBytes)]
        + (answers.map { [AnswerCacheMiddleware(cache: $0, index: service.matchIndex)] } ?? [])
        + [FirmMatchesMiddleware(service: service), CandidatesMiddleware(service: service), HealthAnswerMiddleware()]
    try service.registerHandlers(on: router, configuration: configuration, middlewares: middlewares)
    ConsoleRoutes(service: service).register(on: router)
    return router
}

/// Builds the matching index while the server starts. Everything else is served meanwhile, and
/// the engine's endpoints answer 503 `index_warming` until the build is done (docs/matching.md).
struct MatchIndexWarmUp: Service {
    let index: MatchIndex
    let logger: Logger

    func run() async throws {
        await index.warmUp()
        try? await gracefulShutdown()
    }
}
