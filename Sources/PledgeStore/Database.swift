import Logging
import PostgresNIO

/// How every repository reaches PostgreSQL. Inside `Database.inRequestTransaction` all of a request's
/// queries run on that request's one transaction, so its writes, the audit rows the triggers add and
/// its idempotency record commit together or not at all; outside it, queries use the pool as usual.
public struct Database: Sendable {
    public let client: PostgresClient

    /// The connection of the transaction the current task runs in, if any.
    @TaskLocal public static var transaction: PostgresConnection?

    public init(_ client: PostgresClient) {
        self.client = client
    }

    public func query(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        if let conn = Self.transaction { return try await conn.query(query, logger: logger) }
        return try await client.query(query, logger: logger)
    }

    public func withConnection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        if let conn = Self.transaction { return try await body(conn) }
        return try await client.withConnection(body)
    }

    /// A transaction of its own, or a savepoint inside the request's transaction: the body's writes
    /// still vanish together when it fails, and the request can go on.
    public func withTransaction<Result: Sendable>(logger: Logger,
                                                  _ body: (PostgresConnection) async throws -> sending Result) async throws -> Result {
        guard let conn = Self.transaction else { return try await client.withTransaction(logger: logger, body) }
        _ = try await conn.query("SAVEPOINT nested", logger: logger)
        do {
            let result = try await body(conn)
            _ = try await conn.query("RELEASE SAVEPOINT nested", logger: logger)
            return result
        } catch {
            _ = try? await conn.query("ROLLBACK TO SAVEPOINT nested", logger: logger)
            throw error
        }
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

        public init(actor: String, requestId: String?, settings: [String: String] = [:],
                    databaseRole: DatabaseRole? = nil, readOnly: Bool = false) {
            self.actor = actor; self.requestId = requestId; self.settings = settings
            self.databaseRole = databaseRole; self.readOnly = readOnly
        }
    }

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
        try await client.withConnection { conn in
            _ = try await conn.query(session.readOnly ? "BEGIN READ ONLY" : "BEGIN", logger: logger)
            do {
                if let role = session.databaseRole {
                    _ = try await conn.query(PostgresQuery(unsafeSQL: "SET LOCAL ROLE \(role.rawValue)"), logger: logger)
                }
                var settings = session.settings
                settings["pledgematch.actor"] = session.actor
                settings["pledgematch.request_id"] = session.requestId ?? ""
                _ = try await conn.query(Self.setConfig(settings), logger: logger)
                let outcome = try await Self.$transaction.withValue(conn) { try await body(conn) }
                _ = try await conn.query(outcome.commit ? "COMMIT" : "ROLLBACK", logger: logger)
                return outcome.result
            } catch {
                _ = try? await conn.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}

extension Database {
    /// One round trip for all of a transaction's settings.
    static func setConfig(_ settings: [String: String]) -> PostgresQuery {
        var binds = PostgresBindings()
        var calls: [String] = []
        for (i, (name, value)) in settings.sorted(by: { $0.key < $1.key }).enumerated() {
            binds.append(name)
            binds.append(value)
            calls.append("set_config($\(2 * i + 1), $\(2 * i + 2), true)")
        }
        return PostgresQuery(unsafeSQL: "SELECT " + calls.joined(separator: ", "), binds: binds)
    }
}

extension PostgresError.Code {
    /// Failures that a retry of the whole transaction can cure.
    public var isRetryable: Bool { self == .serializationFailure || self == .deadlockDetected }
}
