import Foundation
import Hummingbird
import HummingbirdTesting
import PledgeCore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Prometheus
import Testing
@testable import PledgeServer
import PledgeWorkflows
import PledgeTooling

/// A kept answer to `GET /firms/{id}/matches` must be byte for byte what a server without the
/// cache answers, after every kind of write the engine's change log records.
@Suite("Kept matches answers")
struct AnswerCacheTests {
    let today = BusinessCalendar.today()
    let logger = TestDatabase.logger

    /// A router over `client` with its own index, keeping answers in `answers` (nil: none kept).
    func router(_ client: PostgresClient, _ engine: PostgresClient, answers: AnswerCache?) throws -> Router<AppRequestContext> {
        let index = MatchIndex(repository: MatchingRepository(client: engine, logger: logger), logger: logger,
                               today: { BusinessCalendar.today() })
        return try buildRouter(client: client, metrics: PrometheusCollectorRegistry(), logger: logger, index: index, answers: answers)
    }

    /// Runs `body` with a client of a server that keeps answers and one of a server that does not.
    func withServers(_ body: @Sendable @escaping (AnswerCache, any TestClientProtocol, any TestClientProtocol, PostgresClient) async throws -> Void)
        async throws {
        try await TestDatabase.withDatabase { client, configuration in
            _ = try await DemoLoader(client: client, logger: logger).loadIfEmpty(today: today)
            try await withRunningClient(DatabaseURL.engine(configuration), logger: logger) { engine in
                let cache = AnswerCache()
                let kept = Application(router: try router(client, engine, answers: cache), logger: logger)
                let plain = Application(router: try router(client, engine, answers: nil), logger: logger)
                try await TestUsers.$current.withValue(TestUsers(client: client)) {
                    try await kept.test(.router) { keeping in
                        try await plain.test(.router) { fresh in try await body(cache, keeping, fresh, client) }
                    }
                }
            }
        }
    }

    static let firms: [Int64] = [1, 2, 3, 5, 8, 13, 21, 34]

    @Test func sameBytesAfterEveryKindOfWrite() async throws {
        try await withServers { cache, keeping, fresh, db in
            for id in Self.firms { _ = try await keeping.send(.get, "/firms/\(id)/matches") }
            #expect(cache.counts.kept == Self.firms.count)
            let again = try await keeping.send(.get, "/firms/2/matches")
            #expect(cache.counts.hits == 1)
            #expect(again.status == .ok)
            for sql in IndexCatchUpTests.writes + ["UPDATE loan_products SET max_amount_fen = max_amount_fen / 2 WHERE id % 3 = 0"] {
                _ = try await db.query(PostgresQuery(unsafeSQL: sql), logger: TestDatabase.logger)
                for id in Self.firms {
                    let a = try await keeping.send(.get, "/firms/\(id)/matches")
                    let b = try await fresh.send(.get, "/firms/\(id)/matches")
                    #expect(a.status == b.status, "firm \(id) after \(sql)")
                    #expect(a.text == b.text, "firm \(id) after \(sql)")
                }
            }
            #expect(cache.counts.hits > 1, "unchanged firms were answered from the cache")
        }
    }

    @Test func eachQuestionHasItsOwnAnswer() async throws {
        try await withServers { cache, keeping, fresh, _ in
            for uri in ["/firms/2/matches", "/firms/2/matches?termMonths=12", "/firms/2/matches?amountFen=100000000",
                        "/firms/2/matches?asOf=2026-01-15", "/firms/2/matches?termMonths=0", "/firms/999999/matches"] {
                for _ in 0..<2 {
                    let a = try await keeping.send(.get, uri)
                    let b = try await fresh.send(.get, uri)
                    #expect(a.status == b.status, "\(uri)")
                    // A problem carries its own request id; its code is the answer.
                    if a.status == .ok { #expect(a.text == b.text, "\(uri)") }
                    else { #expect(a.json["code"] as? String == b.json["code"] as? String, "\(uri)") }
                }
            }
            // Only the four good questions are kept; the refused term and the unknown firm are not.
            #expect(cache.counts.kept == 4)
            #expect(cache.counts.hits == 4)
            // A caller who may not ask hears 403 although the answer is kept.
            let bank = try await keeping.send(.get, "/firms/2/matches", as: .bankOfficer(1))
            #expect(bank.status == .forbidden)
        }
    }

    @Test func boundedByBytes() {
        let cache = AnswerCache(maxBytes: 1000, maxAnswerBytes: 600)
        let stamp = AnswerCache.Stamp(asOf: "2026-12-01", changedAt: 1)
        for i in 0..<10 { cache.keep("k\(i)", .init(stamp: stamp, fields: [:], body: [UInt8](repeating: 1, count: 300))) }
        #expect(cache.counts.kept == 3)
        #expect(cache.answer("k9", stamp: stamp) != nil)
        #expect(cache.answer("k0", stamp: stamp) == nil)
        #expect(cache.answer("k9", stamp: .init(asOf: "2026-12-01", changedAt: 2)) == nil)
        cache.keep("big", .init(stamp: stamp, fields: [:], body: [UInt8](repeating: 1, count: 700)))
        #expect(cache.answer("big", stamp: stamp) == nil)
    }
}
