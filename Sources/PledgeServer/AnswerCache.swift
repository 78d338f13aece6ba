import HTTPTypes
import Metrics
import OpenAPIRuntime
import PledgeWorkflows
import Synchronization

/// A firm's explained products (`GET /firms/{id}/matches`), kept as sent. Building that answer is
/// cheap next to encoding it: every product's gates and explanations in two languages, 191 KB of
/// JSON for the demo's 20 products, and the JSON encoder took three fifths of the server's time
/// under load. The same question about an unchanged firm gets the same bytes back.
///
/// An answer is kept with its firm's stamp (`MatchIndex.answerStamp`: the day, and the last change
/// to the firm, its assets, any product or any licence) and served only while the stamp is the
/// same after the request's own catch-up, so it never shows less than a fresh answer would: every
/// write committed before the request, on any instance, is in it.
final class AnswerCache: Sendable {
    struct Stamp: Equatable, Sendable {
        var asOf: String
        var changedAt: Int64
    }

    struct Answer: Sendable {
        var stamp: Stamp
        var fields: HTTPFields
        var body: [UInt8]
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
        guard answer.body.count <= maxAnswerBytes else { return }
        state.withLock { s in
            if let old = s.answers.updateValue(answer, forKey: key) {
                s.bytes -= old.body.count
            } else {
                s.order.append(key)
            }
            s.bytes += answer.body.count
            while s.bytes > maxBytes, s.head < s.order.count {
                let oldest = s.order[s.head]
                s.head += 1
                if let gone = s.answers.removeValue(forKey: oldest) { s.bytes -= gone.body.count }
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

/// Serves `listFirmMatches` from the `AnswerCache` when the firm's stamp allows, and keeps what the
/// handler answers with 200 otherwise. Runs after the role and contract checks, so a kept answer
/// reaches only callers who may ask, with the contract's checks made as for any request.
struct AnswerCacheMiddleware: ServerMiddleware {
    let cache: AnswerCache
    let index: MatchIndex
    /// On /metrics: how many questions were answered from the cache and how many afresh.
    let hits = Counter(label: "pledgematch_kept_answers_total", dimensions: [("result", "hit")])
    let misses = Counter(label: "pledgematch_kept_answers_total", dimensions: [("result", "miss")])

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        guard operationID == "listFirmMatches", request.method == .get,
              let firmId = metadata.pathParameters["firmId"].flatMap({ Int64($0) }),
              let stamp = await stamp(firmId: firmId) else {
            return try await next(request, body, metadata)
        }
        let key = Self.key(request, firmId: firmId)
        if let kept = cache.answer(key, stamp: stamp) {
            hits.increment()
            return (HTTPResponse(status: .ok, headerFields: kept.fields), HTTPBody(kept.body))
        }
        misses.increment()
        let (response, responseBody) = try await next(request, body, metadata)
        guard response.status == .ok, let responseBody else { return (response, responseBody) }
        let bytes = try await [UInt8](collecting: responseBody, upTo: Int.max)
        cache.keep(key, AnswerCache.Answer(stamp: stamp, fields: response.headerFields, body: bytes))
        return (response, HTTPBody(bytes))
    }

    /// The firm's stamp after this request's catch-up; nil (answer afresh) while the index warms up,
    /// when the catch-up fails or for a firm it does not hold: the handler then answers as always.
    private func stamp(firmId: Int64) async -> AnswerCache.Stamp? {
        do { try await index.syncForAnswer() } catch { return nil }
        guard let s = await index.answerStamp(firmId: firmId) else { return nil }
        return AnswerCache.Stamp(asOf: s.asOf.description, changedAt: s.changedAt)
    }

    /// The question: the firm, the query as sent, and what the caller accepts.
    static func key(_ request: HTTPRequest, firmId: Int64) -> String {
        let path = request.path ?? ""
        let query = path.firstIndex(of: "?").map { String(path[$0...]) } ?? ""
        let accept = request.headerFields[.accept] ?? ""
        let language = request.headerFields[.acceptLanguage] ?? ""
        return "\(firmId)\(query)\n\(accept)\n\(language)"
    }
}
