import Foundation
import Logging
import PledgeCore
import PostgresNIO

/// How every repository reaches PostgreSQL. A request holds at most one connection for its whole
/// life (`Database.withRequestConnection`, leased at its first query: `RequestLease`) and every
/// query made while it runs, from any repository, goes over that connection, so no request ever
/// waits for a second connection of the pool it already holds one of. Inside
/// `Database.inRequestTransaction` those queries run in the request's one transaction, so its
/// writes, the audit rows and its idempotency record commit together or not at all. Outside a
/// request (commands, tests) queries use the pool as usual.
public struct Database: Sendable {
    public let client: PostgresClient
    /// How long a request waits for a connection before it is told the database is unavailable.
    public let leaseTimeout: Duration

    /// The connection of the transaction the current task runs in, if any.
    @TaskLocal public static var transaction: PostgresConnection?
    /// The current request's connection, in or out of a transaction, leased at its first query.
    @TaskLocal public static var lease: RequestLease?

    /// A probe's and a person's patience: well under the 2 s a load balancer or a user waits.
    /// PLEDGEMATCH_DB_LEASE_TIMEOUT_MS overrides it (a loaded test machine, a slow network).
    public static let defaultLeaseTimeout: Duration = {
        let ms = ProcessInfo.processInfo.environment["PLEDGEMATCH_DB_LEASE_TIMEOUT_MS"].flatMap(Int.init) ?? 1500
        return .milliseconds(min(max(ms, 50), 600_000))
    }()

    public init(_ client: PostgresClient, leaseTimeout: Duration = Database.defaultLeaseTimeout) {
        self.client = client
        self.leaseTimeout = leaseTimeout
    }

    public func query(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        if let conn = try await Self.requestConnection() { return try await conn.run(query, logger: logger) }
        return try await client.query(query, logger: logger)
    }

    /// A prepared statement (`RequestStatements.swift`) on the request's connection or one of the pool.
    func execute<Statement: PostgresPreparedStatement>(_ statement: Statement, logger: Logger) async throws -> [PostgresRow]
        where Statement.Row == PostgresRow {
        try await withConnection { conn in try await conn.run(statement, logger: logger) }
    }

    public func withConnection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        if let conn = try await Self.requestConnection() { return try await body(conn) }
        return try await client.withConnection(body)
    }

    /// The connection of the current request's transaction or of the request, if the task runs in one.
    private static func requestConnection() async throws -> PostgresConnection? {
        if let conn = transaction { return conn }
        return try await lease?.connection()
    }

    /// A transaction of its own, or a savepoint inside the request's transaction: the body's writes
    /// still vanish together when it fails, and the request can go on.
    public func withTransaction<Result: Sendable>(logger: Logger,
                                                  _ body: (PostgresConnection) async throws -> sending Result) async throws -> Result {
        if let conn = Self.transaction {
            _ = try await conn.run("SAVEPOINT nested", logger: logger)
            do {
                let result = try await body(conn)
                _ = try await conn.run("RELEASE SAVEPOINT nested", logger: logger)
                return result
            } catch {
                _ = try? await conn.run("ROLLBACK TO SAVEPOINT nested", logger: logger)
                throw error
            }
        }
        guard let lease = Self.lease else { return try await client.withTransaction(logger: logger, body) }
        let conn = try await lease.connection()
        _ = try await conn.run("BEGIN", logger: logger)
        do {
            let result = try await Self.$transaction.withValue(conn) { try await body(conn) }
            _ = try await conn.run("COMMIT", logger: logger)
            return result
        } catch {
            _ = try? await conn.run("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// Leases a connection of this pool for `body`, waiting at most `leaseTimeout` for it: with the
    /// database down or every connection busy the caller gets `DatabaseUnavailable` at once instead
    /// of waiting on the pool's reconnect back-off. Only the wait is bounded, never the body.
    public func withLease<Result>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let (conn, handoff) = try await lease()
        defer { handoff.giveBack() }
        return try await body(conn)
    }

    /// A connection of this pool, within `leaseTimeout`, until the handoff gives it back.
    func lease() async throws -> (PostgresConnection, LeaseHandoff) {
        // A task of its own holds the lease and hands the connection over, so a timed-out wait is
        // abandoned rather than awaited: a cancelled lease request can stay queued in the pool until
        // its circuit breaker trips, many seconds later. The caller uses it in its own task.
        let handoff = LeaseHandoff()
        let client = self.client, timeout = self.leaseTimeout
        let conn: PostgresConnection = try await withCheckedThrowingContinuation { continuation in
            handoff.wait(continuation)
            let lease = Task {
                do {
                    try await client.withConnection { conn in
                        guard handoff.deliver(conn) else { return }
                        await handoff.untilGivenBack()
                    }
                } catch {
                    handoff.fail(error)
                }
            }
            handoff.setTimer(Task {
                try? await Task.sleep(for: timeout)
                if handoff.timeOut() { lease.cancel() }
            })
        }
        return (conn, handoff)
    }

    /// Runs `body` as one request: its first query through any `Database` leases a connection of
    /// this pool (after passing `gate`, if any), and every later one joins it. Inside another
    /// request's body, `body` joins that request.
    public func withRequestConnection<Result: Sendable>(gate: (any LeaseGate)? = nil,
                                                        _ body: () async throws -> Result) async throws -> Result {
        if Self.lease != nil { return try await body() }
        let lease = RequestLease(self, gate: gate)
        defer { lease.end() }
        return try await Self.$lease.withValue(lease) { try await body() }
    }

    /// Who is writing, for the audit trigger (audit_row in 0005_audit.sql), set for this transaction only.
    public struct Session: Sendable {
        public var actor: String
        public var requestId: String?
        /// Extra transaction-local settings (name → value), e.g. the caller's bank for row-level security.
        public var settings: [String: String]
        /// Take this database role for the transaction (SET LOCAL ROLE), so row-level security applies
        /// even when the server logs in as a superuser or as the tables' owner.
        public var databaseRole: DatabaseRole?
        /// A read: the transaction only carries the settings row-level security reads.
        public var readOnly: Bool
        /// The token the caller signed in with: the transaction's first statement finds it still
        /// unrevoked and unexpired, its user enabled and in the same role and bank, or the
        /// transaction ends with `CredentialGone`. So a revocation binds every transaction at once,
        /// whatever an instance remembered of the token (TokenCache).
        public var credential: Authenticated?

        public init(actor: String, requestId: String?, settings: [String: String] = [:],
                    databaseRole: DatabaseRole? = nil, readOnly: Bool = false, credential: Authenticated? = nil) {
            self.actor = actor; self.requestId = requestId; self.settings = settings
            self.databaseRole = databaseRole; self.readOnly = readOnly; self.credential = credential
        }
    }

    /// The session's token was revoked, expired or its user disabled or changed since it was looked up.
    public struct CredentialGone: Error, Sendable {}

    /// Roles created by the migrations (0007_access.sql); a closed set, as SET ROLE takes no parameter.
    public enum DatabaseRole: String, Sendable {
        case app = "pledgematch_app"
    }

    /// Runs `body` in one transaction on one connection with the session's settings; every Database
    /// call made inside (from any repository) joins it. Commits only when `body` returns `commit: true`.
    public func inRequestTransaction<Result: Sendable>(
        _ session: Session, logger: Logger,
        _ body: (PostgresConnection) async throws -> (result: Result, commit: Bool)
    ) async throws -> Result {
        try await withRequestConnection {
            let conn = try await Self.lease!.connection()
            _ = try await conn.run(session.readOnly ? "BEGIN READ ONLY" : "BEGIN", logger: logger)
            do {
                let setUp = if let prepared = SetUpStatement(session) {
                    try await conn.run(prepared, logger: logger)
                } else {
                    try await conn.run(Self.setUp(session), logger: logger).collect()
                }
                if setUp.isEmpty {
                    TokenCache.shared.forgetAll()
                    throw CredentialGone()
                }
                let hooks = CommitHooks()
                let outcome = try await Self.$commitHooks.withValue(hooks) {
                    try await Self.$transaction.withValue(conn) { try await body(conn) }
                }
                _ = try await conn.run(outcome.commit ? "COMMIT" : "ROLLBACK", logger: logger)
                if outcome.commit { hooks.run() }
                return outcome.result
            } catch {
                _ = try? await conn.run("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}

extension Database {
    /// One round trip for all of a transaction's set-up: the role (set_config('role') is SET LOCAL
    /// ROLE), the settings, and the check of the caller's token, which answers no row when the
    /// token no longer holds. The role takes effect after the statement's own permission checks,
    /// so the token is read as the login role.
    static func setUp(_ session: Session) -> PostgresQuery {
        var settings = session.settings
        settings["pledgematch.actor"] = session.actor
        settings["pledgematch.request_id"] = session.requestId ?? ""
        var binds = PostgresBindings()
        var calls: [String] = []
        if let role = session.databaseRole { calls.append("set_config('role', '\(role.rawValue)', true)") }
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
            binds.append(name)
            binds.append(value)
            calls.append("set_config($\(binds.count - 1), $\(binds.count), true)")
        }
        var sql = "SELECT " + calls.joined(separator: ", ")
        if let credential = session.credential {
            let n = binds.count
            binds.append(credential.tokenId)
            binds.append(credential.userId)
            binds.append(credential.principal.role.rawValue)
            binds.append(credential.principal.bankId)
            sql += """
                 FROM access_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.id = $\(n + 1) AND t.user_id = $\(n + 2) AND t.revoked_at IS NULL AND t.expires_at > now()
                  AND u.disabled_at IS NULL AND u.role = $\(n + 3) AND u.bank_id IS NOT DISTINCT FROM $\(n + 4)
                """
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// Work to do once the current request transaction commits, such as forgetting what a change
    /// made stale; outside a request transaction, at once.
    @TaskLocal static var commitHooks: CommitHooks?

    public static func afterCommit(_ hook: @escaping @Sendable () -> Void) {
        if let hooks = commitHooks { hooks.add(hook) } else { hook() }
    }
}

final class CommitHooks: @unchecked Sendable {
    private let lock = NSLock()
    private var hooks: [@Sendable () -> Void] = []

    func add(_ hook: @escaping @Sendable () -> Void) { lock.withLock { hooks.append(hook) } }

    func run() { for hook in lock.withLock({ hooks }) { hook() } }
}

/// The database cannot be reached now: no connection within the lease timeout, or the connection
/// broke. The API answers 503 with Retry-After; nothing was committed by the failed request.
public struct DatabaseUnavailable: Error, Sendable {
    public enum Reason: String, Sendable { case leaseTimeout = "lease_timeout", connectionLost = "connection_lost" }
    public let reason: Reason
    public init(reason: Reason) { self.reason = reason }

    /// Whether `error` (or what it wraps) means the database went away rather than refused a query.
    public static func matches(_ error: any Error) -> Bool {
        if error is DatabaseUnavailable { return true }
        if let psql = error as? PSQLError {
            switch psql.code {
            case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection,
                 .poolClosed:
                return true
            default:
                // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now.
                return ["57P01", "57P02", "57P03"].contains(psql.serverInfo?[.sqlState] ?? "")
            }
        }
        if let tx = error as? PostgresTransactionError {
            return [tx.closureError, tx.beginError, tx.commitError].contains { $0.map(matches) ?? false }
        }
        // The pool's own errors (its circuit breaker after a long outage, a shutdown) come from a
        // module PostgresNIO does not export; their type's name is stable.
        return "\(type(of: error))" == "ConnectionPoolError"
    }
}

/// One lease handed from the task that holds it to the caller: the connection, an error, or the
/// timeout, whichever comes first; then the connection back when the caller is done with it.
final class LeaseHandoff: @unchecked Sendable {
    private let lock = NSLock()
    private var waiting: CheckedContinuation<PostgresConnection, any Error>?
    private var settled = false
    private var timer: Task<Void, Never>?
    private var returned = false
    private var holder: CheckedContinuation<Void, Never>?

    func wait(_ continuation: CheckedContinuation<PostgresConnection, any Error>) {
        lock.withLock { waiting = continuation }
    }

    func setTimer(_ task: Task<Void, Never>) {
        let cancel: Bool = lock.withLock {
            if settled { return true }
            timer = task
            return false
        }
        if cancel { task.cancel() }
    }

    /// The connection came: hand it over, unless the caller stopped waiting.
    func deliver(_ conn: PostgresConnection) -> Bool {
        guard let (continuation, timer) = settle() else { return false }
        timer?.cancel()
        continuation.resume(returning: conn)
        return true
    }

    func timeOut() -> Bool {
        guard let (continuation, _) = settle() else { return false }
        continuation.resume(throwing: DatabaseUnavailable(reason: .leaseTimeout))
        return true
    }

    func fail(_ error: any Error) {
        guard let (continuation, timer) = settle() else { return }
        timer?.cancel()
        continuation.resume(throwing: error)
    }

    private func settle() -> (CheckedContinuation<PostgresConnection, any Error>, Task<Void, Never>?)? {
        lock.withLock {
            guard !settled, let continuation = waiting else { return nil }
            settled = true
            waiting = nil
            return (continuation, timer)
        }
    }

    /// Held by the leasing task until the caller gives the connection back.
    func untilGivenBack() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done: Bool = lock.withLock {
                if returned { return true }
                holder = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    func giveBack() {
        let continuation: CheckedContinuation<Void, Never>? = lock.withLock {
            returned = true
            defer { holder = nil }
            return holder
        }
        continuation?.resume()
    }
}


extension PostgresError.Code {
    /// Failures that a retry of the whole transaction can cure.
    public var isRetryable: Bool { self == .serializationFailure || self == .deadlockDetected }
}
