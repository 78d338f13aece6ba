import HTTPTypes
import Metrics
import NIOCore
import OpenAPIRuntime
import PledgeWorkflows
import Synchronization

/// Answers kept as sent, for questions asked again and again about data that changes far less often.
/// A firm's explained products (`GET /firms/{id}/matches`) are every product's gates and
/// explanations in two languages, 191 KB of JSON for the demo's 20 products: even written directly
/// (FirmMatchesMiddleware), evaluating and writing them is most of a fresh answer's cost. The progress
/// report is two aggregate queries over the ledger's rollups for a few hundred bytes; a page of the
/// firm list a query and fifty records to encode.
///
/// An answer is kept with its stamp (`MatchIndex.answerStamp` for a firm: the day, and the last
/// change to the firm, its assets, any product or any licence; `MatchIndex.reportStamp` for the
/// progress: the day, and the last ledger entry or target change; `MatchIndex.firmListStamp` for the
/// firm list: the last change to a row of the firms table) and served only while the stamp
/// is the same after the request's own catch-up, so it never shows less than a fresh answer would:
/// every write committed before the request, on any instance, is in it. Its `generatedAt` is when
/// its figures were computed: nothing in them has changed since.
final class AnswerCache: Sendable {
    struct Stamp: Equatable, Sendable {
        var asOf: String
        var changedAt: Int64
    }

    struct Answer: Sendable {
        var stamp: Stamp
        var fields: HTTPFields
        /// Sent as it is (HandedBody): a kept answer is never copied again.
        var body: ByteBuffer
    }

    private struct State {
        var answers: [String: Answer] = [:]
        /// Keys in the order they were stored, oldest first from `head`, for eviction.
        var order: [String] = []
        var head = 0
        var bytes = 0
        var hits = 0
    }

    private let state = Mutex(State())
    let maxBytes: Int
    /// An answer larger than this is not kept: it would push many others out.
    let maxAnswerBytes: Int

    init(maxBytes: Int = 64 << 20, maxAnswerBytes: Int = 8 << 20) {
        self.maxBytes = maxBytes
        self.maxAnswerBytes = maxAnswerBytes
    }

    func answer(_ key: String, stamp: Stamp) -> Answer? {
        state.withLock { s in
            guard let kept = s.answers[key], kept.stamp == stamp else { return nil }
            s.hits += 1
            return kept
        }
    }

    func keep(_ key: String, _ answer: Answer) {
        guard answer.body.readableBytes <= maxAnswerBytes else { return }
        state.withLock { s in
            if let old = s.answers.updateValue(answer, forKey: key) {
                s.bytes -= old.body.readableBytes
            } else {
                s.order.append(key)
            }
            s.bytes += answer.body.readableBytes
            while s.bytes > maxBytes, s.head < s.order.count {
                let oldest = s.order[s.head]
                s.head += 1
                if let gone = s.answers.removeValue(forKey: oldest) { s.bytes -= gone.body.readableBytes }
            }
            if s.head > 1024 && s.head * 2 > s.order.count {
                s.order.removeFirst(s.head)
                s.head = 0
            }
        }
    }

    /// Answers kept, and questions answered from them so far.
    var counts: (kept: Int, hits: Int) { state.withLock { ($0.answers.count, $0.hits) } }
}

/// Serves the questions below from the `AnswerCache` when their stamp allows, and keeps what the
/// handler answers with 200 otherwise: a firm's explained products (`listFirmMatches`), the
/// progress to the targets (`getProgressReport`, the bureau's and the operations centre's most
/// asked report) and the pages of the firm list (`listFirms`, the operations centre's). Runs after the role and contract checks, so a kept answer reaches only callers
/// who may ask, with the contract's checks made as for any request.
struct AnswerCacheMiddleware: ServerMiddleware {
    let cache: AnswerCache
    let index: MatchIndex
    /// On /metrics: how many questions were answered from the cache and how many afresh.
    let hits = Counter(label: "pledgematch_kept_answers_total", dimensions: [("result", "hit")])
    let misses = Counter(label: "pledgematch_kept_answers_total", dimensions: [("result", "miss")])

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        guard request.method == .get, let (key, stamp) = await question(request, metadata: metadata, operationID: operationID) else {
            return try await next(request, body, metadata)
        }
        if let kept = cache.answer(key, stamp: stamp) {
            hits.increment()
            return (HTTPResponse(status: .ok, headerFields: kept.fields), HandedBody.body(kept.body))
        }
        misses.increment()
        let (response, responseBody) = try await next(request, body, metadata)
        guard response.status == .ok, let responseBody else { return (response, responseBody) }
        let bytes = ByteBuffer(bytes: try await [UInt8](collecting: responseBody, upTo: Int.max))
        cache.keep(key, AnswerCache.Answer(stamp: stamp, fields: response.headerFields, body: bytes))
        return (response, HandedBody.body(bytes))
    }

    /// The question's key and its stamp after this request's catch-up; nil (answer afresh) for any
    /// other operation, while the index warms up, when the catch-up fails or for a firm it does not
    /// hold: the handler then answers as always.
    private func question(_ request: HTTPRequest, metadata: ServerRequestMetadata, operationID: String) async -> (String, AnswerCache.Stamp)? {
        switch operationID {
        case "listFirmMatches":
            guard let firmId = metadata.pathParameters["firmId"].flatMap({ Int64($0) }), await caughtUp(),
                  let s = await index.answerStamp(firmId: firmId) else { return nil }
            return (Self.key(request, subject: "firm \(firmId)"), AnswerCache.Stamp(asOf: s.asOf.description, changedAt: s.changedAt))
        case "getProgressReport":
            guard Self.seesEveryBank, await caughtUp(), let s = await index.reportStamp() else { return nil }
            return (Self.key(request, subject: "progress"), AnswerCache.Stamp(asOf: s.asOf.description, changedAt: s.changedAt))
        case "listFirms":
            guard Self.seesEveryBank, await caughtUp(), let s = await index.firmListStamp() else { return nil }
            return (Self.key(request, subject: "firms"), AnswerCache.Stamp(asOf: s.asOf.description, changedAt: s.changedAt))
        default:
            return nil
        }
    }

    /// Whether the caller has no bank of their own: a report and the firm list are the same for every
    /// such caller, while a bank officer's are scoped by row-level security and consent, so only
    /// these callers share one kept answer.
    static var seesEveryBank: Bool {
        guard let principal = RequestPrincipal.current else { return false }
        return principal.bankId == nil && principal.role != .bankOfficer
    }

    private func caughtUp() async -> Bool {
        do { try await index.syncForAnswer() } catch { return false }
        return true
    }

    /// The question: what it is about, the query as sent, and what the caller accepts.
    static func key(_ request: HTTPRequest, subject: String) -> String {
        let path = request.path ?? ""
        let query = path.firstIndex(of: "?").map { String(path[$0...]) } ?? ""
        let accept = request.headerFields[.accept] ?? ""
        let language = request.headerFields[.acceptLanguage] ?? ""
        return "\(subject)\(query)\n\(accept)\n\(language)"
    }
}
