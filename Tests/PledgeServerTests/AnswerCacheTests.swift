import Foundation
import Hummingbird
import NIOCore
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

/// A kept answer to `GET /firms/{id}/matches` or `GET /reports/progress` must be byte for byte what
/// a server without the cache answers, after every kind of write the engine's change log records.
@Suite("Kept answers")
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

    /// The progress report, kept, against a fresh one after a ledger entry written through the other
    /// server (as on another instance) and after a target's change. Both writes change the report,
    /// so a kept answer that missed either would differ.
    @Test func progressAfterLedgerAndTargetWrites() async throws {
        try await withServers { cache, keeping, fresh, db in
            let yesterday = today.adding(days: -1)
            let uris = ["/reports/progress", "/reports/progress?asOf=\(yesterday)"]
            func same(_ after: String) async throws -> [String] {
                var bodies: [String] = []
                for uri in uris {
                    let a = try await keeping.send(.get, uri, as: .analyst)
                    let b = try await fresh.send(.get, uri, as: .analyst)
                    #expect(a.status == .ok && b.status == .ok, "\(uri) after \(after)")
                    #expect(Self.figures(a.text) == Self.figures(b.text), "\(uri) after \(after)")
                    bodies.append(Self.figures(a.text))
                }
                return bodies
            }
            let before = try await same("nothing")
            #expect(try await same("nothing") == before)
            #expect(cache.counts.hits >= 2, "an unchanged report is answered from the cache")

            // A repayment recorded today, effective yesterday: yesterday's report counts it as a later change.
            let loans = try await db.query("SELECT id, bank_id FROM loans WHERE disbursed_on < \(yesterday) ORDER BY id",
                                           logger: logger).collect()
            var recorded = false
            for row in loans where !recorded {
                let (loanId, bankId) = try row.decode((Int64, Int64).self)
                let entry = try await fresh.send(.post, "/loans/\(loanId)/entries", json: """
                    {"kind":"repayment","amountFen":100,"effectiveOn":"\(yesterday)"}
                    """, as: .bankOfficer(bankId))
                recorded = entry.status == .created
            }
            try #require(recorded, "a demo loan takes a back-dated repayment")
            let afterEntry = try await same("a ledger entry")
            #expect(afterEntry[1] != before[1], "the entry changed yesterday's report")

            _ = try await db.query("UPDATE programme_targets SET amount_fen = amount_fen + 100", logger: logger)
            let afterTarget = try await same("a target's change")
            #expect(afterTarget[0] != afterEntry[0], "the target's change changed today's report")
            // An operations officer asks the same question and shares the kept answer; a bank officer may not ask.
            #expect(try await keeping.send(.get, uris[0], as: .operations).status == .ok)
            #expect(try await keeping.send(.get, uris[0], as: .bankOfficer(1)).status == .forbidden)
        }
    }

    /// Pages of the firm list, kept, against fresh ones after every kind of write the change log
    /// records (an asset's leaves the list as it was, and is answered from the cache), a rename and
    /// an archive. A bank officer may not list firms, kept pages or not.
    @Test func firmListAfterEveryKindOfWrite() async throws {
        try await withServers { cache, keeping, fresh, db in
            let uris = ["/firms?limit=50", "/firms?limit=5&includeArchived=true", "/firms?q=%E7%A7%91%E6%8A%80&limit=20"]
            let renames = ["UPDATE firms SET name = name || '（更名）' WHERE id = 5",
                           "UPDATE firms SET archived_at = now() WHERE id = 8"]
            var first: [String] = []
            for sql in [""] + IndexCatchUpTests.writes + renames {
                if !sql.isEmpty { _ = try await db.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
                var pages: [String] = []
                for uri in uris {
                    for user in [TestUser.operations, .bankOfficer(1)] {
                        let a = try await keeping.send(.get, uri, as: user)
                        let b = try await fresh.send(.get, uri, as: user)
                        #expect(a.status == b.status, "\(uri) as \(user) after \(sql)")
                        // A problem carries its own request id; its code is the answer (a bank officer hears 403).
                        if a.status == .ok { #expect(a.text == b.text, "\(uri) as \(user) after \(sql)") }
                        else { #expect(a.json["code"] as? String == b.json["code"] as? String, "\(uri) as \(user)") }
                        pages.append(a.text)
                    }
                }
                if first.isEmpty { first = pages }
            }
            #expect(cache.counts.hits > uris.count, "pages of an unchanged list were answered from the cache")
            // The rename and the archive changed the first page, so a stale kept page would have shown.
            let renamed = try await keeping.send(.get, uris[0])
            #expect(renamed.text != first[0] && renamed.text.contains("（更名）"))
        }
    }

    /// A kept answer takes no connection of the request pool: with every one held elsewhere, the kept
    /// report, firm list and firm's matches still answer, and a question that needs the database is
    /// refused with 503 within the lease timeout. (The caller's token is remembered for a second
    /// after a lookup, which needs a connection too: each try looks it up just before the pool is taken.)
    @Test func keptAnswersNeedNoConnection() async throws {
        try await TestDatabase.withDatabase { big, configuration in
            _ = try await DemoLoader(client: big, logger: logger).loadIfEmpty(today: today)
            try await withRunningClient(DatabaseURL.tuned(configuration, maximumConnections: 2), logger: logger) { client in
                try await withRunningClient(DatabaseURL.engine(configuration), logger: logger) { engine in
                    let index = MatchIndex(repository: MatchingRepository(client: engine, logger: logger), logger: logger,
                                           today: { BusinessCalendar.today() })
                    let router = try buildRouter(client: client, metrics: PrometheusCollectorRegistry(), logger: logger, index: index,
                                                 leaseTimeout: .milliseconds(300))
                    let uris = ["/reports/progress", "/firms?limit=50", "/firms/2/matches"]
                    try await TestUsers.$current.withValue(TestUsers(client: big)) {
                        try await Application(router: router, logger: logger).test(.router) { http in
                            var kept: [String] = []
                            for uri in uris { kept.append(try await http.send(.get, uri).text) }
                            var served = false
                            for _ in 0..<5 where !served {
                                TokenCache.shared.forgetAll()
                                #expect(try await http.send(.get, "/firms/3").status == .ok)
                                // Both connections of the smallest pool we make (DatabaseURL.tuned).
                                served = try await client.withConnection { _ in try await client.withConnection { _ in
                                    var answers: [String] = []
                                    for uri in uris {
                                        let a = try await http.send(.get, uri)
                                        if a.status == .ok { answers.append(a.text) }
                                    }
                                    let fresh = try await http.send(.get, "/firms/4")
                                    #expect(fresh.status == .serviceUnavailable, "\(fresh.text)")
                                    return answers.map(Self.figures) == kept.map(Self.figures)
                                } }
                            }
                            #expect(served, "the kept answers were served with the pool taken")
                        }
                    }
                }
            }
        }
    }

    /// The report without the moment it was computed, which a kept answer keeps from when it was.
    static func figures(_ body: String) -> String {
        body.replacingOccurrences(of: #""generatedAt":"[^"]*""#, with: "", options: .regularExpression)
    }

    @Test func boundedByBytes() {
        let cache = AnswerCache(maxBytes: 1000, maxAnswerBytes: 600)
        let stamp = AnswerCache.Stamp(asOf: "2026-12-01", changedAt: 1)
        for i in 0..<10 { cache.keep("k\(i)", .init(stamp: stamp, fields: [:], body: ByteBuffer(repeating: 1, count: 300))) }
        #expect(cache.counts.kept == 3)
        #expect(cache.answer("k9", stamp: stamp) != nil)
        #expect(cache.answer("k0", stamp: stamp) == nil)
        #expect(cache.answer("k9", stamp: .init(asOf: "2026-12-01", changedAt: 2)) == nil)
        cache.keep("big", .init(stamp: stamp, fields: [:], body: ByteBuffer(repeating: 1, count: 700)))
        #expect(cache.answer("big", stamp: stamp) == nil)
    }
}
