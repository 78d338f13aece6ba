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
        // No account has such a login, and PostgreSQL refuses NUL in text: wrong credentials, no query.
        guard login.count <= 63, !login.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw AccessProblem.badCredentials
        }
        let attemptId = try await admitSignIn(login: login, origin: origin)
        let user = try await checkPassword(body.password, login: login, origin: origin)
        let (secret, token) = try await openSession(user, attemptId: attemptId, origin: origin)
        return .ok(.init(headers: .init(cacheControl: "no-store"),
                         body: .json(.init(token: secret, tokenType: .bearer, expiresAt: token.expiresAt.apiTimestamp,
                                           user: try Self.user(user)))))
    }

    /// Revokes the token in use (DELETE /auth/session). A retry finds the token revoked and gets 401,
    /// which a client reads as "signed out" too.
    func logout(_ input: Operations.Logout.Input) async throws -> Operations.Logout.Output {
        guard let credential = RequestOrigin.current.credential else { throw AccessProblem.unauthenticated }
        try await users.revokeToken(id: credential.tokenId, userId: credential.userId)
        return .noContent(.init())
    }

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let q = input.query
        let page = try await users.list(page: Paging.request(cursor: q.cursor, limit: q.limit, includeArchived: q.includeDisabled))
        return .ok(.init(body: .json(.init(items: try page.items.map(Self.user), nextCursor: Paging.cursor(page.nextCursor)))))
    }

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        let u = try UserInput(login: b.login, displayName: b.displayName, role: try CoreEnum.of(b.role, Role.self), bankId: b.bankId,
                              password: b.password).validated()
        var hash: String?
        if let password = u.password { hash = try await Passwords.hash(password) }
        let user = try await users.create(login: u.login, displayName: u.displayName, role: u.role, bankId: u.bankId, passwordHash: hash)
        return .created(.init(body: .json(try Self.user(user))))
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
        let t = try TokenInput(name: b.name, expiresInDays: b.expiresInDays).validated()
        let secret = TokenSecret.make()
        let token = try await users.createToken(userId: owner, kind: "api", name: t.name, secret: secret,
                                                expiresAt: Date().addingTimeInterval(Double(t.expiresInDays) * 86_400))
        return .created(.init(headers: .init(cacheControl: "no-store"), body: .json(.init(token: secret, details: Self.token(token)))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        // Signing out is DELETE /auth/session; here a client cannot cut off the token it is calling with.
        if RequestOrigin.current.credential?.tokenId == input.path.tokenId { throw AccessProblem.tokenInUse }
        try await users.revokeToken(id: input.path.tokenId, userId: ownerScope())
        return .noContent(.init())
    }

    /// Whose tokens the caller reaches: their own, or everyone's for an administrator.
    private func ownerScope() -> Int64? {
        let credential = RequestOrigin.current.credential
        return credential?.principal.role == .administrator ? nil : (credential?.userId ?? -1)
    }

    static func user(_ u: UserRecord) throws -> Components.Schemas.User {
        .init(id: u.id, login: u.login, displayName: u.displayName, role: try CoreEnum.api(u.role), bankId: u.bankId,
              hasPassword: u.hasPassword, disabledAt: u.disabledAt?.apiTimestamp, createdAt: u.createdAt.apiTimestamp)
    }

    static func token(_ t: TokenRecord) -> Components.Schemas.Token {
        .init(id: t.id, userId: t.userId, login: t.login, kind: .init(rawValue: t.kind) ?? .api, name: t.name,
              createdAt: t.createdAt.apiTimestamp, expiresAt: t.expiresAt.apiTimestamp, revokedAt: t.revokedAt?.apiTimestamp,
              lastUsedAt: t.lastUsedAt?.apiTimestamp)
    }
}
