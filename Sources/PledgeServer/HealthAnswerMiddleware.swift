import HTTPTypes
import OpenAPIRuntime

/// `GET /healthz` answers the same bytes every time, so they are written once rather than encoded
/// for every probe: the generated handler's JSONEncoder was 4% of the machine under a
/// stream of them. Runs after the role and contract checks, as the generated handler would.
struct HealthAnswerMiddleware: ServerMiddleware {
    static let body = Array(#"{"status":"ok"}"#.utf8)

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        guard operationID == "getHealth", DirectJSON.takes(request) else { return try await next(request, body, metadata) }
        return DirectJSON.answer(Self.body)
    }
}
