import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OpenAPIRuntime
import PledgeCore
import PledgeStore
import PostgresNIO

/// Runs every write request in one database transaction (Database.inRequestTransaction): its
/// effects, the audit rows, and the idempotency record of a POST commit together, and the response
/// leaves only after the commit. So after a crash a request either happened with its key stored,
/// or did not happen at all, and its retry with the same key is safe.
///
/// IdempotencyPolicy says per operation whether an Idempotency-Key is required, optional or not read.
/// With a key, a replay gets the first response again byte for byte, the same key with another body
/// gets 422, and a replay while the first still runs gets 409. Only successful responses are kept: a
/// refused request changed nothing, so running it again is harmless.
/// Serialization failures and deadlocks are retried a few times before they reach the client.
///
/// Every request transaction takes the database role pledgematch_app and carries the caller's role
/// and bank, so row-level security (0007_access.sql) binds it; a bank officer's reads run in such a
/// transaction too, read-only. Open operations (health, login) run outside any.
struct TransactionMiddleware<Context: RequestContext>: RouterMiddleware {
    let database: Database
    let maxBytes: Int
    let attempts = 5
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Open operations (health, login) act for nobody: they need no transaction of the caller's.
        if OperationAccess.openPaths.contains(request.uri.path) || ConsoleSession.isOpen(request.uri.path) { return try await next(request, context) }
        do {
            guard [.post, .put, .patch, .delete].contains(request.method) else { return try await read(request, context: context, next: next) }
            return try await write(request, context: context, next: next)
        } catch is Database.CredentialGone {
            // Revoked (or its user disabled) since authentication remembered it: as if it had been found so.
            guard ConsoleSession.isConsole(request.uri.path) else { throw AccessProblem.invalidToken }
            return ConsoleLayout.redirect("/console/login", headers: [.setCookie: ConsoleSession.clearCookie(request: request)])
        }
    }

    private func write(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: maxBytes)
        let key = try ConsoleSession.isConsole(request.uri.path) ? ConsoleSession.formKey(String(buffer: body)) : idempotencyKey(request)
        let principal = RequestPrincipal.current
        let scope = principal?.actor ?? "anonymous"
        let claim = IdempotencyClaim(keys: IdempotencyRepository(logger: context.logger), scope: scope, key: key,
                                     hash: IdempotencyRepository.hash(method: request.method.rawValue, path: request.uri.description,
                                                                      body: Array(buffer: body)))
        let session = Database.Session(actor: scope, requestId: context.id, settings: principal.map(WriteTransaction.settings) ?? [:],
                                       databaseRole: .app, credential: RequestOrigin.current.credential)
        for attempt in 1...attempts {
            do {
                return try await database.inRequestTransaction(session, logger: context.logger) { conn in
                    if let replay = try await claim.replay(conn) { return (replay, false) }
                    return try await Self.answer(request, context: context, next: next, saving: claim, on: conn)
                }
            } catch where attempt < attempts && WriteTransaction.isRetryable(error) {
                context.logger.notice("Retrying a write after a serialization failure", metadata: ["attempt": "\(attempt)"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...(20 * attempt))))
            }
        }
        throw APIProblem(.serviceUnavailable, code: "busy", zh: "数据库繁忙，请稍后重试", en: "The database is busy; try again")
    }

    /// Runs the handler inside the write's transaction and keeps a successful answer for replays;
    /// the flag says whether the transaction commits.
    private static func answer(_ request: Request, context: Context, next: (Request, Context) async throws -> Response,
                               saving claim: IdempotencyClaim, on conn: PostgresConnection) async throws -> (Response, Bool) {
        let response = try await next(request, context)
        let stored = try await WriteTransaction.store(response)
        // A console form that worked answers 303 to the page that shows the result.
        let succeeded = response.status.kind == .successful || response.status == .seeOther
        // A response marked no-store (a new token's secret) is never kept for replays.
        let keep = response.headers[.cacheControl]?.contains("no-store") != true
        if succeeded, keep { try await claim.save(conn, stored) }
        return (WriteTransaction.response(stored, replayed: false), succeeded)
    }

    /// A bank officer's reads run in a transaction as the application role, with their bank set, so
    /// row-level security filters every row they could reach, whatever a handler forgets. The
    /// transaction may write: a read that exports (the candidates) records its audit row in it, on
    /// the request's own connection. Other roles reach every bank; their reads need no transaction.
    private func read(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let principal = RequestPrincipal.current, principal.role == .bankOfficer else { return try await next(request, context) }
        let session = Database.Session(actor: principal.actor, requestId: context.id, settings: WriteTransaction.settings(principal),
                                       databaseRole: .app, credential: RequestOrigin.current.credential)
        return try await database.inRequestTransaction(session, logger: context.logger) { _ in
            // The body is written inside the transaction: a streamed body would otherwise be read after it ended.
            let response = try await next(request, context)
            let stored = try await WriteTransaction.store(response)
            return (WriteTransaction.response(stored, replayed: false), true)
        }
    }

    private func idempotencyKey(_ request: Request) throws -> String? {
        let policy = IdempotencyPolicy.of(method: request.method, path: request.uri.path)
        guard policy != .absent else { return nil }
        guard let key = request.headers[WriteTransaction.keyHeader] else {
            guard policy == .required else { return nil }
            throw APIProblem(.badRequest, code: "idempotency_key_required",
                             zh: "此请求必须带 Idempotency-Key 头（重复执行会重复放款、记账或建档；每个新请求一个新值，重试时沿用）",
                             en: "This request needs an Idempotency-Key header (a duplicate would move money or make a record twice; new for each request, the same on retry)",
                             field: "Idempotency-Key")
        }
        guard (1...255).contains(key.count), key.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x21 && $0.value < 0x7F }) else {
            throw APIProblem(.badRequest, code: "idempotency_key_invalid", zh: "Idempotency-Key 须为不超过 255 个可见 ASCII 字符",
                             en: "Idempotency-Key must be at most 255 visible ASCII characters", field: "Idempotency-Key")
        }
        return key
    }
}

/// The parts of a write transaction that do not depend on the router.
enum WriteTransaction {
    /// Settings the database's row-level security reads for this transaction.
    static func settings(_ principal: Principal) -> [String: String] {
        ["pledgematch.role": principal.role.rawValue, "pledgematch.bank_id": principal.bankId.map(String.init) ?? ""]
    }

    static let keyHeader = HTTPField.Name("Idempotency-Key")!

    static let inFlight = APIProblem(.conflict, code: "idempotency_in_flight",
                                     zh: "使用同一 Idempotency-Key 的请求仍在处理中，请稍后重试",
                                     en: "A request with this Idempotency-Key is still running; retry shortly",
                                     field: "Idempotency-Key")
    static let mismatch = APIProblem(.unprocessableContent, code: "idempotency_key_reused",
                                     zh: "该 Idempotency-Key 已用于另一个不同的请求",
                                     en: "This Idempotency-Key was used for a different request", field: "Idempotency-Key")

    /// Headers worth replaying; the rest (dates, lengths) are the server's to set each time.
    static let keptHeaders: [HTTPField.Name] = [.contentType, .location, .eTag, .contentDisposition, .cacheControl]

    static func store(_ response: Response) async throws -> StoredResponse {
        let collector = BodyCollector()
        try await response.body.write(collector.writer)
        var headers: [String: String] = [:]
        for name in keptHeaders { if let value = response.headers[name] { headers[name.canonicalName] = value } }
        return StoredResponse(status: response.status.code, headers: headers, body: collector.bytes)
    }

    static func response(_ stored: StoredResponse, replayed: Bool) -> Response {
        var headers = HTTPFields()
        for (name, value) in stored.headers { if let field = HTTPField.Name(name) { headers[field] = value } }
        if replayed { headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
        return Response(status: .init(code: stored.status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: stored.body)))
    }

    static func isRetryable(_ error: any Error) -> Bool {
        var current: any Error = error
        for _ in 0..<4 {
            if let psql = current as? PSQLError, let code = psql.serverInfo?[.sqlState] {
                return code == PostgresError.Code.serializationFailure.raw || code == PostgresError.Code.deadlockDetected.raw
            }
            if let tx = current as? PostgresTransactionError, let inner = tx.closureError ?? tx.commitError {
                current = inner
            } else if let server = current as? ServerError {
                current = server.underlyingError
            } else {
                return false
            }
        }
        return false
    }
}

/// A write's Idempotency-Key (if it has one) with the scope and request hash it is stored under.
struct IdempotencyClaim: Sendable {
    let keys: IdempotencyRepository
    let scope: String
    let key: String?
    let hash: [UInt8]

    /// Claims the key in the transaction: the stored response when this is a replay, nil when the
    /// request is to run; a key in use by a running or a different request is refused.
    func replay(_ conn: PostgresConnection) async throws -> Response? {
        guard let key else { return nil }
        switch try await keys.claim(conn, scope: scope, key: key, requestHash: hash) {
        case .inFlight: throw WriteTransaction.inFlight
        case .mismatch: throw WriteTransaction.mismatch
        case .replay(let stored): return WriteTransaction.response(stored, replayed: true)
        case .first: return nil
        }
    }

    func save(_ conn: PostgresConnection, _ response: StoredResponse) async throws {
        guard let key else { return }
        try await keys.save(conn, scope: scope, key: key, requestHash: hash, response: response)
    }
}

/// Gathers a response body that is written as a stream. A body of one chunk (a kept answer, most
/// JSON) is kept as that chunk, not copied: a firm's explained matches are 191 KB.
final class BodyCollector: @unchecked Sendable {
    private(set) var buffer = ByteBuffer()
    var bytes: [UInt8] { Array(buffer: buffer) }

    struct Writer: ResponseBodyWriter {
        let collector: BodyCollector
        mutating func write(_ buffer: ByteBuffer) async throws {
            if collector.buffer.readableBytes == 0 {
                collector.buffer = buffer
            } else {
                var chunk = buffer
                collector.buffer.writeBuffer(&chunk)
            }
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    var writer: Writer { Writer(collector: self) }
}
