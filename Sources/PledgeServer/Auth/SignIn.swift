import Foundation
import PledgeCore
import PledgeStore

/// The steps of a sign-in (POST /auth/login). Each step leases the request pool briefly; no
/// connection is held while bcrypt runs, so a burst of sign-ins cannot take the connections other
/// requests need.
extension PledgeService {
    /// The throttle's verdict; a refusal is audited and answered 429.
    func admitSignIn(login: String, origin: RequestOrigin) async throws -> Int64 {
        let attempt = try await database.withRequestConnection {
            try await users.claimAttempt(login: login, address: origin.address, throttle: throttle)
        }
        guard case .allowed(let attemptId) = attempt else {
            let limit: LoginThrottle.Limit = if case .refused(let l) = attempt { l } else { .account }
            try await database.withRequestConnection {
                try await audit.record(action: "login_refused", entity: "user", entityId: nil, actor: login,
                                       requestId: origin.requestId, details: ["address": origin.address, "limit": "\(limit)"])
            }
            throw AccessProblem.throttled(limit, retryAfter: throttle.windowSeconds)
        }
        return attemptId
    }

    /// The user whose password this is; a wrong one is audited and answered 401.
    func checkPassword(_ password: String, login: String, origin: RequestOrigin) async throws -> UserRecord {
        let found = try await database.withRequestConnection { try await users.credentials(login: login) }
        // bcrypt stops at a NUL and after 72 bytes, and no stored password is longer or holds one: such
        // an attempt is wrong whatever it starts with (the decoy keeps its timing).
        let plausible = password.utf8.count <= UserInput.maximumPasswordBytes && !password.utf8.contains(0)
        guard try await Passwords.verify(password, hash: plausible ? found?.passwordHash : nil), plausible,
              let user = found?.user else {
            // The attempt's failure row is already written (claimAttempt).
            try await database.withRequestConnection {
                try await audit.record(action: "login_failed", entity: "user", entityId: found?.user.id, actor: login,
                                       requestId: origin.requestId, details: ["address": origin.address])
            }
            throw AccessProblem.badCredentials
        }
        return user
    }

    /// A session token for the user; the attempt is forgiven and the sign-in audited.
    func openSession(_ user: UserRecord, attemptId: Int64, origin: RequestOrigin) async throws -> (secret: String, token: TokenRecord) {
        let secret = TokenSecret.make()
        let token = try await database.withRequestConnection {
            try await users.forgiveAttempt(attemptId)
            let token = try await users.createToken(userId: user.id, kind: "session", name: "login", secret: secret,
                                                    expiresAt: Date().addingTimeInterval(TokenSecret.sessionLifetime))
            try await audit.record(action: "login", entity: "user", entityId: user.id, actor: user.login,
                                   requestId: origin.requestId, details: ["address": origin.address, "tokenId": "\(token.id)"])
            return token
        }
        return (secret, token)
    }
}
