import HTTPTypes
import Hummingbird
import PledgeCore

/// Headers a bank's security review expects on every response: no sniffing, no framing, no
/// referrer, a content policy that lets a JSON or CSV answer load nothing; and `no-store` on every
/// answer to a caller with a token, so no proxy or browser cache keeps loan data.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        let fixed = ConsoleSession.isConsole(request.uri.path) ? SecurityHeaders.console : SecurityHeaders.fixed
        for (name, value) in fixed where response.headers[name] == nil { response.headers[name] = value }
        if request.headers[.authorization] != nil || !OperationAccess.openPaths.contains(request.uri.path) {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}

enum SecurityHeaders {
    // Built once: every response carries them.
    static let fixed: [(HTTPField.Name, String)] = [(.xContentTypeOptions, "nosniff"), (HTTPField.Name("X-Frame-Options")!, "DENY"),
         (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
         (.contentSecurityPolicy, "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")]

    /// The console's pages load their one stylesheet and post their forms to the service itself; no
    /// script, no frame, nothing from elsewhere.
    static let console: [(HTTPField.Name, String)] = fixed.filter { $0.0 != .contentSecurityPolicy }
        + [(.contentSecurityPolicy, "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")]
}
