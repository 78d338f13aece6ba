import HTTPTypes
import Hummingbird
import PledgeCore
import PledgeStore

/// Establishes who calls: reads `Authorization: Bearer <token>`, looks the token up (hashed), and
/// sets RequestPrincipal.current for everything after it (the transaction's row-level security
/// settings, the role check, the handlers). Outside the open paths a request without a valid token
/// ends here with 401, before a transaction or an idempotency key is touched.
struct AuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let users: UserRepository

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var credential: Authenticated?
        if ConsoleSession.isConsole(request.uri.path) {
            // The console signs in with a cookie; a page without a valid one goes to the sign-in page.
            credential = try await ConsoleSession.secret(request).asyncFlatMap { try await users.authenticate(secret: $0) }
            if credential == nil && !ConsoleSession.isOpen(request.uri.path) { return Self.signIn(request) }
        } else if let header = request.headers[.authorization] {
            credential = try await bearer(header)
        } else if !OperationAccess.openPaths.contains(request.uri.path) {
            throw AccessProblem.unauthenticated
        }
        let address = (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress ?? "unknown"
        let origin = RequestOrigin(address: address, requestId: context.id, credential: credential)
        return try await RequestOrigin.$current.withValue(origin) {
            try await RequestPrincipal.$current.withValue(credential?.principal) {
                try await next(request, context)
            }
        }
    }

    /// The credential an `Authorization: Bearer` header names. A bad token is refused even on an
    /// open path: the client believes it is signed in.
    private func bearer(_ header: String) async throws -> Authenticated {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty, parts[1].count <= 200 else {
            throw AccessProblem.malformedAuthorization
        }
        guard let credential = try await users.authenticate(secret: String(parts[1])) else { throw AccessProblem.invalidToken }
        return credential
    }

    /// A console page without a valid session goes to the sign-in page, which brings the reader back
    /// to it (a form's target is not a page, so after a POST to the console's home); a stale cookie is cleared.
    private static func signIn(_ request: Request) -> Response {
        ConsoleLayout.redirect("/console/login?next=" + ConsoleQuery.encode(request.method == .get ? request.uri.description : "/console"),
                               headers: ConsoleSession.secret(request) == nil ? [:] : [.setCookie: ConsoleSession.clearCookie(request: request)])
    }
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
