import HTTPTypes
import OpenAPIRuntime
import PledgeCore

/// The one role check: every operation's caller is held against OperationAccess.table by the
/// operation's id, before its input is decoded or its handler runs. Handlers never check roles.
struct AuthorizationMiddleware: ServerMiddleware {
    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        switch OperationAccess.decide(operationId: operationID, principal: RequestPrincipal.current) {
        case .allow: return try await next(request, body, metadata)
        case .unauthenticated: throw AccessProblem.unauthenticated
        case .forbidden: throw AccessProblem.forbidden
        }
    }
}
