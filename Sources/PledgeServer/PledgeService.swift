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
struct PledgeService: APIProtocol {
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

public enum BusinessCalendar {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!

    /// The calendar date in Beijing time at the given instant.
    public static func today(at instant: Date = Date()) -> CivilDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        return CivilDate(year: c.year!, month: c.month!, day: c.day!)!
    }
}

/// Paging, versions and conversions shared by the handlers.
enum Paging {
    static func request(cursor: String?, limit: Int?, includeArchived: Bool?) throws -> PageRequest {
        var after: Int64 = 0
        if let cursor {
            guard cursor.count <= 18, cursor.allSatisfy(\.isASCII), let value = Int64(cursor), value >= 0 else {
                throw APIProblem.badParameter("cursor", zh: "cursor 无效，请使用上一页返回的 nextCursor",
                                              en: "Invalid cursor; pass the nextCursor of the previous page")
            }
            after = value
        }
        let limit = limit ?? 50
        guard (1...200).contains(limit) else {
            throw APIProblem.badParameter("limit", zh: "limit 必须在 1 到 200 之间", en: "limit must be between 1 and 200")
        }
        return PageRequest(after: after, limit: limit, includeArchived: includeArchived ?? false)
    }

    static func cursor(_ next: Int64?) -> String? { next.map(String.init) }
}

/// Versions as HTTP sends them (VersionTag reads and writes the text).
enum ETag {
    static func make(_ version: Int) -> String { VersionTag.make(version) }

    /// Reads `"3"`, `W/"3"` or `3`; anything else is a client error.
    static func version(from header: String?) throws -> Int? { try VersionTag.version(from: header) }
}

extension Date {
    /// Timestamps go out in RFC 3339 with fractional seconds dropped, as the spec's date-time.
    var apiTimestamp: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}

extension CivilDate {
    var api: String { description }
}

/// Query filters get the same limits the spec declares, so a bad filter is a 400, never a database error.
enum QueryCheck {
    static func text(_ value: String?, _ field: String, max: Int) throws -> String? {
        guard let value else { return nil }
        guard (1...max).contains(value.count),
              !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIProblem.badParameter(field, zh: "参数 \(field) 应为 1–\(max) 个字符且不含控制字符",
                                          en: "\(field) must be 1 to \(max) characters without control characters")
        }
        return value
    }

    static func id(_ value: Int64?, _ field: String) throws -> Int64? {
        guard let value else { return nil }
        guard value >= 1 else {
            throw APIProblem.badParameter(field, zh: "参数 \(field) 应为正整数", en: "\(field) must be a positive integer")
        }
        return value
    }
}
