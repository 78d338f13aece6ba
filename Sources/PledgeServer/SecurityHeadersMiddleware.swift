import HTTPTypes
import Hummingbird
import PledgeCore

/// Headers a bank's security review expects on every response: no sniffing, no framing, no
/// referrer, a content policy that lets a JSON or CSV answer load nothing; and `no-store` on every
/// answer to a caller with a token, so no proxy or browser cache keeps loan data.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        let path = request.uri.path
        let fixed = ConsoleSession.isConsole(path) ? SecurityHeaders.console : SecurityHeaders.fixed
        // Appended as built once (a field's value is checked when it is made), unless already set.
        for field in fixed where response.headers[field.name] == nil { response.headers.append(field) }
        if request.headers[.authorization] != nil || !OperationAccess.openPaths.contains(path) {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}

enum SecurityHeaders {
    // Built once: every response carries them.
    static let fixed: [HTTPField] = [HTTPField(name: .xContentTypeOptions, value: "nosniff"),
         HTTPField(name: HTTPField.Name("X-Frame-Options")!, value: "DENY"),
         HTTPField(name: HTTPField.Name("Referrer-Policy")!, value: "no-referrer"),
         HTTPField(name: .contentSecurityPolicy, value: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")]

    /// The console's pages load their one stylesheet and post their forms to the service itself; no
    /// script, no frame, nothing from elsewhere.
    static let console: [HTTPField] = fixed.filter { $0.name != .contentSecurityPolicy }
        + [HTTPField(name: .contentSecurityPolicy,
                     value: "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")]
}
