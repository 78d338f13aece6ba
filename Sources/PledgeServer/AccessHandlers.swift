import Foundation
import PledgeAPI
import PledgeCore
import PledgeStore

/// Sign-in, users and tokens. Who may call what is decided before these run (AuthorizationMiddleware);
/// what is left here is whose records a call reaches: your own tokens, or anyone's for an administrator.
extension PledgeService {
    func login(_ input: Operations.Login.Input) async throws -> Operations.Login.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedBody }
        let origin = RequestOrigin.current
        let login = body.login.lowercased()
        let (accountFailures, addressFailures) = try await users.recentFailures(login: login, address: origin.address,
                                                                                within: throttle.windowSeconds)
        if let limit = throttle.blocked(accountFailures: accountFailures, addressFailures: addressFailures) {
            try await audit.record(action: "login_refused", entity: "user", entityId: nil, actor: login,
                                   requestId: origin.requestId, details: ["address": origin.address, "limit": "\(limit)"])
            throw AccessProblem.throttled(limit, retryAfter: throttle.windowSeconds)
        }
        let found = try await users.credentials(login: login)
        guard try await Passwords.verify(body.password, hash: found?.passwordHash), let user = found?.user else {
            try await users.recordFailure(login: login, address: origin.address)
            try await audit.record(action: "login_failed", entity: "user", entityId: found?.user.id, actor: login,
                                   requestId: origin.requestId, details: ["address": origin.address])
            throw AccessProblem.badCredentials
        }
        let secret = TokenSecret.make()
        let token = try await users.createToken(userId: user.id, kind: "session", name: "login", secret: secret,
                                                expiresAt: Date().addingTimeInterval(TokenSecret.sessionLifetime))
        try await audit.record(action: "login", entity: "user", entityId: user.id, actor: user.login,
                               requestId: origin.requestId, details: ["address": origin.address, "tokenId": "\(token.id)"])
        return .ok(.init(headers: .init(cacheControl: "no-store"),
                         body: .json(.init(token: secret, tokenType: .bearer, expiresAt: token.expiresAt.apiTimestamp,
                                           user: Self.user(user)))))
    }

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let q = input.query
        let page = try await users.list(page: Paging.request(cursor: q.cursor, limit: q.limit, includeArchived: q.includeDisabled))
        return .ok(.init(body: .json(.init(items: page.items.map(Self.user), nextCursor: Paging.cursor(page.nextCursor)))))
    }

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        let role = Role(rawValue: b.role.rawValue)!
        let hash: String?
        if let password = b.password {
            try Self.checkPassword(password)
            hash = try await Passwords.hash(password)
        } else {
            hash = nil
        }
        let user = try await users.create(login: b.login, displayName: b.displayName, role: role, bankId: b.bankId, passwordHash: hash)
        return .created(.init(body: .json(Self.user(user))))
    }

    func disableUser(_ input: Operations.DisableUser.Input) async throws -> Operations.DisableUser.Output {
        if RequestOrigin.current.credential?.userId == input.path.userId { throw AccessProblem.selfDisable }
        try await users.disable(id: input.path.userId)
        return .noContent(.init())
    }

    func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        let q = input.query
        let page = try await users.tokens(userId: ownerScope(), page: Paging.request(cursor: q.cursor, limit: q.limit,
                                                                                    includeArchived: q.includeRevoked))
        return .ok(.init(body: .json(.init(items: page.items.map(Self.token), nextCursor: Paging.cursor(page.nextCursor)))))
    }

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        guard let me = RequestOrigin.current.credential else { throw AccessProblem.unauthenticated }
        var owner = me.userId
        if let other = b.userId, other != me.userId {
            guard me.principal.role == .administrator else { throw AccessProblem.administratorsOnly }
            let user = try await users.get(id: other)
            guard user.disabledAt == nil else {
                throw StoreError.invalid(.init("user_disabled", field: "userId", zh: "该用户已停用", en: "The user is disabled"))
            }
            owner = user.id
        }
        let days = b.expiresInDays ?? 90
        guard (1...366).contains(days) else {
            throw StoreError.invalid(.init("invalid_expiry", field: "expiresInDays", zh: "有效天数须在 1 到 366 之间",
                                           en: "expiresInDays must be between 1 and 366"))
        }
        let name = b.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else {
            throw StoreError.invalid(.init("invalid_name", field: "name", zh: "名称须为 1–100 个字符", en: "The name must be 1 to 100 characters"))
        }
        let secret = TokenSecret.make()
        let token = try await users.createToken(userId: owner, kind: "api", name: name, secret: secret,
                                                expiresAt: Date().addingTimeInterval(Double(days) * 86_400))
        return .created(.init(headers: .init(cacheControl: "no-store"), body: .json(.init(token: secret, details: Self.token(token)))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        if RequestOrigin.current.credential?.tokenId == input.path.tokenId { throw AccessProblem.tokenInUse }
        try await users.revokeToken(id: input.path.tokenId, userId: ownerScope())
        return .noContent(.init())
    }

    /// Whose tokens the caller reaches: their own, or everyone's for an administrator.
    private func ownerScope() -> Int64? {
        let credential = RequestOrigin.current.credential
        return credential?.principal.role == .administrator ? nil : (credential?.userId ?? -1)
    }

    static func checkPassword(_ password: String) throws {
        guard password.count >= Passwords.minimumLength, password.count <= 200 else {
            throw StoreError.invalid(.init("weak_password", field: "password",
                                           zh: "密码至少 \(Passwords.minimumLength) 个字符", en: "The password needs at least \(Passwords.minimumLength) characters"))
        }
    }

    static func user(_ u: UserRecord) -> Components.Schemas.User {
        .init(id: u.id, login: u.login, displayName: u.displayName, role: .init(rawValue: u.role.rawValue)!, bankId: u.bankId,
              hasPassword: u.hasPassword, disabledAt: u.disabledAt?.apiTimestamp, createdAt: u.createdAt.apiTimestamp)
    }

    static func token(_ t: TokenRecord) -> Components.Schemas.Token {
        .init(id: t.id, userId: t.userId, login: t.login, kind: .init(rawValue: t.kind) ?? .api, name: t.name,
              createdAt: t.createdAt.apiTimestamp, expiresAt: t.expiresAt.apiTimestamp, revokedAt: t.revokedAt?.apiTimestamp,
              lastUsedAt: t.lastUsedAt?.apiTimestamp)
    }
}
