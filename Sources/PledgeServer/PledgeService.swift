import Foundation
import Logging
import PledgeAPI
import PledgeCore
import PledgeStore
import PledgeWorkflows
import PostgresNIO
import Prometheus

/// Implements the operations of openapi.yaml. Each handler maps the generated input to a core
/// input and hands it to one workflow (PledgeWorkflows) or, for plain records, one repository call.
/// A class, shared: the generated server holds it by value and copied it for every request, and as
/// a struct each copy retained every repository, pool and logger in it (a twentieth of `/healthz`).
final class PledgeService: APIProtocol, Sendable {
    let firms: FirmRepository
    let assets: AssetRepository
    let valuations: ValuationRepository
    let banks: BankRepository
    let products: ProductRepository
    let targets: TargetRepository
    let industries: IndustryRepository
    let licences: LicenceRepository
    let lifecycle: LifecycleRepository
    let auditTrail: AuditRepository
    let matching: MatchingRepository
    let database: Database
    let users: UserRepository
    let consents: ConsentRepository
    let audit: AuditEvents
    let throttle: LoginThrottle
    let boundary: BankBoundary
    let matchIndex: MatchIndex
    let applicationFlow: ApplicationWorkflow
    let ledger: LedgerWorkflow
    let matchingFlow: MatchingWorkflow
    let client: PostgresClient
    let metrics: PrometheusCollectorRegistry
    let logger: Logger
    /// Today in Asia/Shanghai, where the programme's dates are kept.
    let today: @Sendable () -> CivilDate

    init(client: PostgresClient, metrics: PrometheusCollectorRegistry, logger: Logger, matchIndex: MatchIndex? = nil,
         today: @escaping @Sendable () -> CivilDate = { BusinessCalendar.today() },
         throttle: LoginThrottle = LoginThrottle(), boundary: BankBoundary = BankBoundary(),
         leaseTimeout: Duration = Database.defaultLeaseTimeout) {
        self.client = client
        self.metrics = metrics
        self.logger = logger
        self.today = today
        firms = FirmRepository(client: client, logger: logger)
        assets = AssetRepository(client: client, logger: logger)
        valuations = ValuationRepository(client: client, logger: logger)
        banks = BankRepository(client: client, logger: logger)
        products = ProductRepository(client: client, logger: logger)
        targets = TargetRepository(client: client, logger: logger)
        industries = IndustryRepository(client: client, logger: logger)
        licences = LicenceRepository(client: client, logger: logger)
        lifecycle = LifecycleRepository(client: client, logger: logger)
        auditTrail = AuditRepository(client: client, logger: logger)
        matching = MatchingRepository(client: client, logger: logger)
        database = Database(client, leaseTimeout: leaseTimeout)
        users = UserRepository(client: client, logger: logger)
        consents = ConsentRepository(client: client, logger: logger)
        audit = AuditEvents(client: client, logger: logger)
        self.throttle = throttle
        self.boundary = boundary
        self.matchIndex = matchIndex ?? MatchIndex(repository: matching, logger: logger, today: today)
        applicationFlow = ApplicationWorkflow(lifecycle: lifecycle, matching: matching, database: database)
        ledger = LedgerWorkflow(lifecycle: lifecycle, applications: applicationFlow)
        matchingFlow = MatchingWorkflow(index: self.matchIndex, products: products, consents: consents, audit: audit)
    }

    /// The caller of the current request, as the workflows take it.
    var caller: Caller { boundary.caller }
}
