import Hummingbird
import PledgeStore

/// Leases one database connection for the whole request (authentication, the transaction, the
/// handler, the audit rows), waiting at most the lease timeout for it. One connection a request
/// means that however many requests arrive, none can hold a connection while it waits for a second
/// one of the same pool; the timeout means an exhausted pool or a database that is down answers
/// 503 quickly (ProblemMiddleware) instead of hanging. Health and metrics need no database; a
/// sign-in leases for each of its steps itself, so no connection waits on its bcrypt check.
struct ConnectionMiddleware<Context: RequestContext>: RouterMiddleware {
    let database: Database
    static var ownLeases: Set<String> { ["/healthz", "/readyz", "/metrics", "/auth/login"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.ownLeases.contains(request.uri.path) { return try await next(request, context) }
        nonisolated(unsafe) let next = next
        return try await database.withRequestConnection {
            // The body is gathered while the connection is held: a handler's streamed body may still read.
            var response = try await next(request, context)
            let collector = BodyCollector()
            try await response.body.write(collector.writer)
            response.body = .init(byteBuffer: ByteBuffer(bytes: collector.bytes))
            return response
        }
    }
}
