import Foundation
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeStore

/// A query on a connection that closed must fail, never wait: PostgresNIO drops a query written to a
/// closed channel without answering it, which hung requests when PostgreSQL stopped under them.
@Suite("Connection loss")
struct ConnectionLossTests {
    @Test func aQueryOnAClosedConnectionFailsAtOnce() async throws {
        try await TestDatabase.withDatabase { client, _ in
            try await client.withConnection { conn in
                try await conn.close()
                let started = ContinuousClock.now
                await #expect(throws: DatabaseUnavailable.self) { try await conn.run("SELECT 1", logger: TestDatabase.logger) }
                #expect(ContinuousClock.now - started < .seconds(1))
            }
        }
    }

    /// PostgresNIO keeps a failed preparation for the connection's life; the connection is closed
    /// instead, so the statement is prepared afresh once its cause has passed.
    @Test func aPreparedStatementTheDatabaseRefusedIsPreparedAfresh() async throws {
        let logger = TestDatabase.logger
        try await TestDatabase.withDatabase { client, _ in
            try await client.withConnection { conn in
                _ = try await conn.run("BEGIN", logger: logger)
                await #expect(throws: PSQLError.self) { try await conn.run("SELECT 1/0", logger: logger).collect() }
                // The transaction has failed, so its preparation is refused (25P02).
                await #expect(throws: PSQLError.self) { try await conn.run(ProductStatement(id: 1), logger: logger) }
                _ = try? await conn.run("ROLLBACK", logger: logger)
                if !conn.isClosed {
                    // The cause has passed: the statement must run on this connection.
                    #expect(try await conn.run(ProductStatement(id: 1), logger: logger).isEmpty)
                }
            }
            let rows = try await client.withConnection { conn in try await conn.run(ProductStatement(id: 1), logger: logger) }
            #expect(rows.isEmpty)
        }
    }

    @Test func aQueryOnAConnectionTheServerEndedFails() async throws {
        try await TestDatabase.withDatabase { client, _ in
            try await client.withConnection { conn in
                let pid = try await conn.run("SELECT pg_backend_pid()", logger: TestDatabase.logger).collect()[0].decode(Int32.self)
                _ = try await client.query("SELECT pg_terminate_backend(\(pid))", logger: TestDatabase.logger).collect()
                for _ in 0..<50 where !conn.isClosed { try await Task.sleep(for: .milliseconds(20)) }
                let started = ContinuousClock.now
                do {
                    _ = try await conn.run("SELECT 1", logger: TestDatabase.logger).collect()
                    Issue.record("a query on a terminated connection answered")
                } catch {
                    #expect(DatabaseUnavailable.matches(error), "\(String(reflecting: error))")
                }
                #expect(ContinuousClock.now - started < .seconds(2))
            }
        }
    }

    /// The watchdog's half: an answer that never comes after the connection closed is given up on.
    @Test func anUnansweredQueryIsGivenUpOnceTheConnectionClosed() async throws {
        try await TestDatabase.withDatabase { client, _ in
            try await client.withConnection { conn in
                try await conn.close()
                let started = ContinuousClock.now
                await #expect(throws: DatabaseUnavailable.self) {
                    try await ConnectionLoss.answer(on: conn) { try await Task.sleep(for: .seconds(60)); return 1 }
                }
                // Two checks half a second apart, nominally; the bound leaves room for a loaded machine
                // (3.6 s seen with a release build beside the suite) and is still far from the answer's 60 s.
                #expect(ContinuousClock.now - started < .seconds(10))
            }
        }
    }

    /// While the connection stays open, a slow answer is waited for, however long it takes.
    @Test func aSlowAnswerOnAnOpenConnectionIsAwaited() async throws {
        try await TestDatabase.withDatabase { client, _ in
            try await client.withConnection { conn in
                let n = try await ConnectionLoss.answer(on: conn) { try await Task.sleep(for: .milliseconds(1300)); return 7 }
                #expect(n == 7)
                let rows = try await conn.run("SELECT 1 FROM pg_sleep(1.2)", logger: TestDatabase.logger).collect()
                #expect(rows.count == 1)
            }
        }
    }
}
