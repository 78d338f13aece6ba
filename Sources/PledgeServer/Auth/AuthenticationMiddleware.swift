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
        let open = OperationAccess.openPaths.contains(request.uri.path)
        var credential: Authenticated?
        if ConsoleSession.isConsole(request.uri.path) {
            // The console signs in with a cookie; a page without a valid one goes to the sign-in page.
            credential = try await ConsoleSession.secret(request).asyncFlatMap { try await users.authenticate(secret: $0) }
            if credential == nil && !ConsoleSession.isOpen(request.uri.path) {
                return ConsoleLayout.redirect("/console/login?next=" + ConsoleQuery.encode(request.method == .get ? request.uri.description : "/console"),
                                              headers: ConsoleSession.secret(request) == nil ? [:] : [.setCookie: ConsoleSession.clearCookie(request: request)])
            }
        } else if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty, parts[1].count <= 200 else {
                throw AccessProblem.malformedAuthorization
            }
            credential = try await users.authenticate(secret: String(parts[1]))
            // A bad token is refused even on an open path: the client believes it is signed in.
            guard credential != nil else { throw AccessProblem.invalidToken }
        } else if !open {
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
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
