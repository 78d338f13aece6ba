import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PledgeTestSupport
import PostgresNIO
import PledgeCore
import PledgeStore
import Prometheus
@testable import PledgeServer
import PledgeWorkflows

/// Builds the real application on a fresh database and drives it through its router.
/// `boundary: BankBoundary(enforced: false)` turns the server's own bank check off, leaving the
/// database's row-level security alone.
/// `refusesWhileWarming: true` makes the index as `serve` makes it (503 until built).
func withApp(throttle: LoginThrottle = LoginThrottle(), boundary: BankBoundary = BankBoundary(), refusesWhileWarming: Bool = false,
             _ body: @Sendable @escaping (any TestClientProtocol, PostgresClient) async throws -> Void) async throws {
    try await TestDatabase.withDatabase { client, configuration in
        // The matching index reads through its own pool, with generic plans, as in `serve`.
        try await withRunningClient(DatabaseURL.engine(configuration), logger: TestDatabase.logger) { engineClient in
            let index = MatchIndex(repository: MatchingRepository(client: engineClient, logger: TestDatabase.logger),
                                   logger: TestDatabase.logger, today: { BusinessCalendar.today() },
                                   refusesWhileWarming: refusesWhileWarming)
            let router = try buildRouter(client: client, metrics: PrometheusCollectorRegistry(), logger: TestDatabase.logger,
                                         index: index, throttle: throttle, boundary: boundary)
            let app = Application(router: router, logger: TestDatabase.logger)
            try await TestUsers.$current.withValue(TestUsers(client: client)) {
                try await app.test(.router) { testClient in try await body(testClient, client) }
            }
        }
    }
}

/// Who a test request acts as: `send(…, as: .bankOfficer(bankId))`. Each is a real user of the test
/// database with a real API token, made on first use (a bank officer's bank must exist by then).
enum TestUser: Hashable, Sendable {
    case administrator, operations, analyst, anonymous
    case bankOfficer(Int64)

    var role: Role? {
        switch self {
        case .administrator: .administrator
        case .operations: .operations
        case .analyst: .analyst
        case .bankOfficer: .bankOfficer
        case .anonymous: nil
        }
    }

    var login: String {
        switch self {
        case .bankOfficer(let bank): "test-bank-\(bank)"
        default: "test-\(role?.rawValue ?? "anonymous")"
        }
    }
}

/// The test users of one test database and their tokens.
actor TestUsers {
    @TaskLocal static var current: TestUsers?
    let client: PostgresClient
    private var tokens: [TestUser: String] = [:]

    init(client: PostgresClient) { self.client = client }

    private var userIds: [TestUser: Int64] = [:]

    /// The `Authorization` value for `user`; nil for `.anonymous`.
    func authorization(_ user: TestUser) async throws -> String? {
        if let token = tokens[user] { return "Bearer \(token)" }
        guard let secret = try await newToken(user) else { return nil }
        tokens[user] = secret
        return "Bearer \(secret)"
    }

    /// Another token of the same user, for a test that signs out or revokes one.
    func newToken(_ user: TestUser) async throws -> String? {
        guard let role = user.role else { return nil }
        let users = UserRepository(client: client, logger: TestDatabase.logger)
        if userIds[user] == nil {
            let bankId: Int64? = if case .bankOfficer(let id) = user { id } else { nil }
            userIds[user] = try await users.create(login: user.login, displayName: user.login, role: role, bankId: bankId,
                                                   passwordHash: nil).id
        }
        let secret = TokenSecret.make()
        _ = try await users.createToken(userId: userIds[user]!, kind: "api", name: "test", secret: secret,
                                        expiresAt: Date().addingTimeInterval(3600))
        return secret
    }
}

extension TestClientProtocol {
    /// One API call as `user` (default: an operations-centre user). JSON bodies get their content
    /// type, POSTs a fresh Idempotency-Key unless the test passes one, and the caller's token goes in
    /// `Authorization` unless the test sets that header itself.
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields = [:],
              as user: TestUser = .operations) async throws -> TestResponse {
        var headers = headers
        if headers[.authorization] == nil, let value = try await TestUsers.current?.authorization(user) {
            headers[.authorization] = value
        }
        if json != nil { headers[.contentType] = "application/json" }
        // Every POST needs a key; a test that studies replays passes its own.
        if method == .post, headers[WriteTransaction.keyHeader] == nil {
            headers[WriteTransaction.keyHeader] = UUID().uuidString
        }
        return try await execute(uri: uri, method: method, headers: headers,
                                 body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }
    var text: String { String(buffer: body) }
}

/// Counts rows, to prove a refused request wrote nothing.
func count(_ table: String, _ client: PostgresClient) async throws -> Int {
    let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: TestDatabase.logger)
    for try await n in rows.decode(Int.self) { return n }
    return -1
}

let firmJSON = """
    {"creditCode":"914403001922038216","name":"重庆涪陵测试材料有限公司","industryCode":"advanced_materials",
     "town":"白涛工业园区","size":"medium","foundedOn":"2012-05-08","annualRevenueFen":120000000000,"highTech":true}
    """

func createFirm(_ client: any TestClientProtocol, json: String = firmJSON) async throws -> Int64 {
    let r = try await client.send(.post, "/firms", json: json)
    return (r.json["id"] as? NSNumber)?.int64Value ?? -1
}
