import Crypto
import Foundation
import Logging
import NIOCore
import PledgeCore
import PostgresNIO

/// A user as the API shows it; the password hash never leaves the store except to be verified.
public struct UserRecord: Sendable, Equatable {
    public var id: Int64
    public var login: String
    public var displayName: String
    public var role: Role
    public var bankId: Int64?
    public var hasPassword: Bool
    public var disabledAt: Date?
    public var createdAt: Date

    public var principal: Principal { Principal(actor: login, role: role, bankId: bankId) }
}

/// A session or API token, without its secret.
public struct TokenRecord: Sendable, Equatable {
    public var id: Int64
    public var userId: Int64
    public var login: String
    public var kind: String
    public var name: String
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?
    public var lastUsedAt: Date?
}

/// The caller a bearer token stands for.
public struct Authenticated: Sendable, Equatable {
    public var principal: Principal
    public var userId: Int64
    public var tokenId: Int64
}

/// What the rate limit says of a sign-in attempt.
public enum LoginAttempt: Sendable, Equatable {
    case allowed(attemptId: Int64)
    case refused(LoginThrottle.Limit)
}

/// Users, their tokens and the login rate limit's record of failures.
public struct UserRepository: StoreBacked {
    /// Sign-in lookups and failures run outside any transaction, on the request's connection: a
    /// failed login's record must outlive the refused request.
    package let access: StoreAccess

    public init(client: PostgresClient, logger: Logger) { access = StoreAccess(client, logger: logger) }

    static let userColumns = "id, login, display_name, role, bank_id, password_hash IS NOT NULL AS has_password, disabled_at, created_at"

    /// Names of the constraints a client can break, with the field to fix.
    static let constraints: [String: (conflict: Bool, error: FieldError)] = [
        "users_login": (true, .init("duplicate_login", field: "login", zh: "该登录名已被使用", en: "The login is taken")),
        "users_login_check": (false, .init("invalid_login", field: "login",
            zh: "登录名须为 2–63 个小写字母、数字或 . _ -", en: "The login must be 2–63 lower-case letters, digits or . _ -")),
        "users_bank_id_fkey": (false, .init("unknown_bank", field: "bankId", zh: "银行不存在", en: "No such bank")),
        "users_bank_matches_role": (false, .init("bank_role_mismatch", field: "bankId",
            zh: "银行客户经理必须绑定一家银行，其他角色不能绑定银行", en: "A bank officer needs a bank; other roles have none")),
        "users_display_name_check": (false, .init("invalid_display_name", field: "displayName",
            zh: "姓名须为 1–100 个字符", en: "The display name must be 1 to 100 characters")),
    ]

    func mappedAccess<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch {
            var inner: any Error = error
            if let wrapped = error as? PostgresTransactionError, let e = wrapped.closureError ?? wrapped.commitError { inner = e }
            if let psql = inner as? PSQLError, let name = psql.serverInfo?[.constraintName], let known = Self.constraints[name] {
                throw known.conflict ? StoreError.conflict(known.error) : StoreError.invalid(known.error)
            }
            throw StoreError.map(error)
        }
    }

    // MARK: Users

    public func create(login: String, displayName: String, role: Role, bankId: Int64?, passwordHash: String?) async throws -> UserRecord {
        try await mappedAccess {
            try await decodeAll(client.query("""
                INSERT INTO users (login, display_name, role, bank_id, password_hash)
                VALUES (\(login), \(displayName), \(role.rawValue), \(bankId), \(passwordHash))
                RETURNING \(unescaped: Self.userColumns)
                """, logger: logger), Self.decodeUser)[0]
        }
    }

    public func get(id: Int64) async throws -> UserRecord {
        let rows = try await client.query("SELECT \(unescaped: Self.userColumns) FROM users WHERE id = \(id)", logger: logger)
        guard let user = try await decodeAll(rows, Self.decodeUser).first else { throw StoreError.notFound(entity: "user", id: id) }
        return user
    }

    public func list(page: PageRequest) async throws -> Page<UserRecord> {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.userColumns) FROM users
            WHERE id > \(page.after) AND (\(page.includeArchived) OR disabled_at IS NULL)
            ORDER BY id LIMIT \(page.limit + 1)
            """, logger: logger)
        return Page(fetched: try await decodeAll(rows, Self.decodeUser), limit: page.limit, id: \.id)
    }

    public func count() async throws -> Int {
        for try await n in try await client.query("SELECT count(*) FROM users", logger: logger).decode(Int.self) { return n }
        return 0
    }

    /// Disables the account and revokes every token it holds, in one statement.
    public func disable(id: Int64) async throws {
        defer { forgetTokens() }
        let rows = try await client.query("""
            WITH u AS (UPDATE users SET disabled_at = coalesce(disabled_at, now()) WHERE id = \(id) RETURNING id),
                 t AS (UPDATE access_tokens SET revoked_at = now() WHERE user_id IN (SELECT id FROM u) AND revoked_at IS NULL)
            SELECT count(*) FROM u
            """, logger: logger)
        for try await n in rows.decode(Int.self) where n == 0 { throw StoreError.notFound(entity: "user", id: id) }
    }

    /// The account and its password hash, for a sign-in; nil when unknown or disabled.
    public func credentials(login: String) async throws -> (user: UserRecord, passwordHash: String?)? {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.userColumns), password_hash FROM users WHERE login = \(login) AND disabled_at IS NULL
            """, logger: logger)
        for try await row in rows {
            let r = row.makeRandomAccess()
            return (try Self.decodeUser(r), try r["password_hash"].decode(String?.self))
        }
        return nil
    }

    public func setPassword(login: String, passwordHash: String) async throws {
        let rows = try await client.query("UPDATE users SET password_hash = \(passwordHash) WHERE login = \(login) RETURNING id",
                                          logger: logger)
        for try await _ in rows { return }
        throw StoreError.invalid(.init("unknown_login", field: "login", zh: "没有这个用户", en: "No such user"))
    }

    // MARK: Tokens

    public static func secretHash(_ secret: String) -> [UInt8] { Array(SHA256.hash(data: Array(secret.utf8))) }

    static let tokenColumns = """
        t.id, t.user_id, u.login, t.kind, t.name, t.created_at, t.expires_at, t.revoked_at, t.last_used_at
        """

    /// Stores a token for `userId`; only the hash of `secret` is kept.
    public func createToken(userId: Int64, kind: String, name: String, secret: String, expiresAt: Date) async throws -> TokenRecord {
        try await mappedAccess {
            try await decodeAll(client.query("""
                WITH t AS (INSERT INTO access_tokens (user_id, kind, name, secret_hash, expires_at)
                           VALUES (\(userId), \(kind), \(name), \(ByteBuffer(bytes: Self.secretHash(secret))), \(expiresAt))
                           RETURNING *)
                SELECT \(unescaped: Self.tokenColumns) FROM t JOIN users u ON u.id = t.user_id
                """, logger: logger), Self.decodeToken)[0]
        }
    }

    /// The caller behind a bearer secret: the token unrevoked and unexpired, its user enabled.
    /// Answers found in the last second come from `TokenCache` (how revocation still holds: there).
    public func authenticate(secret: String) async throws -> Authenticated? {
        let hash = Self.secretHash(secret)
        let key = TokenCache.Key(pool: ObjectIdentifier(client.client), secretHash: hash)
        if let known = TokenCache.shared.get(key) { return known }
        let generation = TokenCache.shared.currentGeneration
        // Joins the request's connection, or leases one with the same bounded wait (a sign-in's bearer).
        guard let (found, expiresAt) = try await client.withRequestConnection({ try await lookUp(hash) }) else { return nil }
        TokenCache.shared.put(key, found, expiresAt: expiresAt, generation: generation)
        return found
    }

    private func lookUp(_ hash: [UInt8]) async throws -> (Authenticated, expiresAt: Date)? {
        let rows = try await client.query("""
            SELECT u.id AS user_id, u.login, u.role, u.bank_id, t.id AS token_id, t.expires_at,
                   t.last_used_at IS NULL OR t.last_used_at < now() - interval '5 minutes' AS stale_use
            FROM access_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.secret_hash = \(ByteBuffer(bytes: hash))
              AND t.revoked_at IS NULL AND t.expires_at > now() AND u.disabled_at IS NULL
            """, logger: logger)
        // Read to the end before the next query: the request has one connection.
        guard let r = try await rows.collect().first?.makeRandomAccess(),
              let role = Role(rawValue: try r["role"].decode(String.self)) else { return nil }
        let found = Authenticated(principal: Principal(actor: try r["login"].decode(String.self), role: role,
                                                       bankId: try r["bank_id"].decode(Int64?.self)),
                                  userId: try r["user_id"].decode(Int64.self), tokenId: try r["token_id"].decode(Int64.self))
        // Last use is kept to the nearest few minutes: a write on every request would cost more than it tells.
        if try r["stale_use"].decode(Bool.self) {
            _ = try? await client.query("UPDATE access_tokens SET last_used_at = now() WHERE id = \(found.tokenId)", logger: logger)
        }
        return (found, try r["expires_at"].decode(Date.self))
    }

    /// Who a token stands for changed: forget every remembered token now (outside a transaction the
    /// change is committed), and again once the request transaction commits, so no lookup that read
    /// the old rows meanwhile is kept.
    private func forgetTokens() {
        TokenCache.shared.forgetAll()
        Database.afterCommit { TokenCache.shared.forgetAll() }
    }

    /// Tokens of one user, or of everyone when `userId` is nil; newest last.
    public func tokens(userId: Int64?, page: PageRequest) async throws -> Page<TokenRecord> {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.tokenColumns) FROM access_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.id > \(page.after) AND (\(userId)::bigint IS NULL OR t.user_id = \(userId))
              AND (\(page.includeArchived) OR (t.revoked_at IS NULL AND t.expires_at > now()))
            ORDER BY t.id LIMIT \(page.limit + 1)
            """, logger: logger)
        return Page(fetched: try await decodeAll(rows, Self.decodeToken), limit: page.limit, id: \.id)
    }

    /// Revokes a token of `userId` (any user's when nil). Someone else's token is "not found".
    public func revokeToken(id: Int64, userId: Int64?) async throws {
        defer { forgetTokens() }
        let rows = try await client.query("""
            UPDATE access_tokens SET revoked_at = coalesce(revoked_at, now())
            WHERE id = \(id) AND (\(userId)::bigint IS NULL OR user_id = \(userId)) RETURNING id
            """, logger: logger)
        for try await _ in rows { return }
        throw StoreError.notFound(entity: "token", id: id)
    }

    // MARK: Login rate limit

    /// One sign-in attempt, counted before its password is checked: under a lock per login and per
    /// address, the failures in the window are counted and, when under the limits, a failure row is
    /// written at once (`forgiveAttempt` removes it when the password is right). However many
    /// attempts arrive together, at most the limit's number of them get to a password check.
    public func claimAttempt(login: String, address: String, throttle: LoginThrottle) async throws -> LoginAttempt {
        try await client.withTransaction(logger: logger) { conn in
            _ = try await conn.run("""
                SELECT pg_advisory_xact_lock(hashtext('pledgematch.login'), hashtext(\(login))),
                       pg_advisory_xact_lock(hashtext('pledgematch.address'), hashtext(\(address)))
                """, logger: logger)
            let seconds = throttle.windowSeconds
            let counts = try await conn.run("""
                SELECT (SELECT count(*) FROM login_failures WHERE login = \(login) AND at > now() - make_interval(secs => \(seconds))),
                       (SELECT count(*) FROM login_failures WHERE address = \(address) AND at > now() - make_interval(secs => \(seconds)))
                """, logger: logger).collect()
            let (account, byAddress) = try counts.first?.decode((Int, Int).self) ?? (0, 0)
            if let limit = throttle.blocked(accountFailures: account, addressFailures: byAddress) { return .refused(limit) }
            let ids = try await conn.run("""
                INSERT INTO login_failures (login, address) VALUES (\(login), \(address)) RETURNING id
                """, logger: logger).collect()
            _ = try await conn.run("DELETE FROM login_failures WHERE at < now() - interval '1 day'", logger: logger)
            return .allowed(attemptId: try ids[0].decode(Int64.self))
        }
    }

    /// The password was right: the attempt was no failure.
    public func forgiveAttempt(_ attemptId: Int64) async throws {
        _ = try await client.query("DELETE FROM login_failures WHERE id = \(attemptId)", logger: logger)
    }

    static func decodeUser(_ r: PostgresRandomAccessRow) throws -> UserRecord {
        UserRecord(id: try r["id"].decode(Int64.self), login: try r["login"].decode(String.self),
                   displayName: try r["display_name"].decode(String.self),
                   role: try StoredCode.decode(try r["role"].decode(String.self), as: Role.self, table: "users", column: "role"),
                   bankId: try r["bank_id"].decode(Int64?.self), hasPassword: try r["has_password"].decode(Bool.self),
                   disabledAt: try r["disabled_at"].decode(Date?.self), createdAt: try r["created_at"].decode(Date.self))
    }

    static func decodeToken(_ r: PostgresRandomAccessRow) throws -> TokenRecord {
        TokenRecord(id: try r["id"].decode(Int64.self), userId: try r["user_id"].decode(Int64.self),
                    login: try r["login"].decode(String.self), kind: try r["kind"].decode(String.self),
                    name: try r["name"].decode(String.self), createdAt: try r["created_at"].decode(Date.self),
                    expiresAt: try r["expires_at"].decode(Date.self), revokedAt: try r["revoked_at"].decode(Date?.self),
                    lastUsedAt: try r["last_used_at"].decode(Date?.self))
    }
}
