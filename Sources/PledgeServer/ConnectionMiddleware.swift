import Hummingbird
import PledgeCore
import PledgeStore

/// Gives the request its one database connection (`RequestLease`), leased at its first query and
/// held until its answer is written, waiting at most the lease timeout for it. One connection a
/// request means that however many requests arrive, none can hold a connection while it waits for a
/// second one of the same pool; the timeout means an exhausted pool or a database that is down
/// answers 503 quickly (ProblemMiddleware) instead of hanging. A request answered without a query (a
/// kept answer: AnswerCacheMiddleware) takes none. Health and metrics need no database; a sign-in
/// leases for each of its steps itself, so no connection waits on its bcrypt check.
struct ConnectionMiddleware<Context: RequestContext>: RouterMiddleware {
    let database: Database
    /// Reports are the heaviest reads: a quarter of the pool serves them, the rest everything else.
    /// A report passes it when it first needs the database, so a kept report never queues.
    let reports: Bulkhead

    init(database: Database, poolSize: Int) {
        self.database = database
        self.reports = Bulkhead(limit: poolSize / 4, patience: .seconds(15))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if OperationAccess.openPaths.contains(request.uri.path) || ConsoleSession.isOpen(request.uri.path) { return try await next(request, context) }
        let gate: Bulkhead? = request.uri.path.hasPrefix("/reports/") ? reports : nil
        return try await database.withRequestConnection(gate: gate) {
            // The body is gathered while the connection is held: a handler's streamed body may still read.
            var response = try await next(request, context)
            if Self.streamsItsOwnBody(request) { return response }
            let collector = BodyCollector()
            try await response.body.write(collector.writer)
            response.body = .init(byteBuffer: collector.buffer)
            return response
        }
    }

    /// A table export's body is a file written in full before its handler returned (ExportHandlers.fileBody):
    /// it reads nothing through the connection, so it streams after the connection is given back instead
    /// of being gathered in memory (a million assets are 180 MB of CSV).
    static func streamsItsOwnBody(_ request: Request) -> Bool {
        request.method == .get && request.uri.path.hasPrefix("/exports/")
    }
}
