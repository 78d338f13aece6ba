import Foundation
import PledgeTestSupport
import PostgresNIO
import Synchronization
import Testing
@testable import PledgeStore

/// A request takes its connection at its first query, one for the whole request, and passes its
/// gate once for it; a request that never reaches the database takes neither.
@Suite("Request lease")
struct RequestLeaseTests {
    let logger = TestDatabase.logger

    /// Counts who is inside; refuses everyone while `refusing`.
    final class CountingGate: LeaseGate {
        struct Counts { var entered = 0, left = 0, refusing = false }
        let counts = Mutex(Counts())
        struct Refused: Error {}

        func enter() async throws {
            try counts.withLock { c in
                if c.refusing { throw Refused() }
                c.entered += 1
            }
        }

        func leave() { counts.withLock { $0.left += 1 } }
        var now: Counts { counts.withLock { $0 } }
    }

    @Test func aRequestWithoutAQueryTakesNothing() async throws {
        try await TestDatabase.withDatabase { client in
            let gate = CountingGate()
            let held = try await Database(client).withRequestConnection(gate: gate) { Database.lease!.isHeld }
            #expect(!held)
            #expect(gate.now.entered == 0 && gate.now.left == 0)
        }
    }

    @Test func everyQueryOfARequestJoinsOneConnection() async throws {
        try await TestDatabase.withDatabase { client in
            let gate = CountingGate()
            let db = Database(client)
            let pids = try await db.withRequestConnection(gate: gate) {
                // Asked at once: the second waits for the connection the first is leasing.
                try await withThrowingTaskGroup(of: Int32.self) { group in
                    for _ in 0..<8 {
                        group.addTask { try await db.query("SELECT pg_backend_pid()", logger: logger).collect()[0].decode(Int32.self) }
                    }
                    var pids: Set<Int32> = []
                    for try await pid in group { pids.insert(pid) }
                    let later = try await db.withTransaction(logger: logger) { conn in
                        try await conn.run("SELECT pg_backend_pid()", logger: logger).collect()[0].decode(Int32.self)
                    }
                    pids.insert(later)
                    return pids
                }
            }
            #expect(pids.count == 1)
            #expect(gate.now.entered == 1 && gate.now.left == 1)
        }
    }

    @Test func aRefusalTakesNoConnectionAndTheNextQueryTriesAgain() async throws {
        try await TestDatabase.withDatabase { client in
            let gate = CountingGate()
            gate.counts.withLock { $0.refusing = true }
            let db = Database(client)
            try await db.withRequestConnection(gate: gate) {
                await #expect(throws: CountingGate.Refused.self) { try await db.query("SELECT 1", logger: logger) }
                #expect(!Database.lease!.isHeld)
                gate.counts.withLock { $0.refusing = false }
                _ = try await db.query("SELECT 1", logger: logger).collect()
                #expect(Database.lease!.isHeld)
            }
            #expect(gate.now.entered == 1 && gate.now.left == 1)
        }
    }

    /// A task the request started and left running inherits its lease, not a connection of the pool:
    /// once the request has ended, its query is refused instead of running on a connection given back.
    @Test func aTaskThatOutlivesItsRequestIsRefused() async throws {
        try await TestDatabase.withDatabase { client in
            let db = Database(client)
            let late = try await db.withRequestConnection {
                Task {
                    try await Task.sleep(for: .milliseconds(100))
                    return try await db.query("SELECT 1", logger: logger).collect().count
                }
            }
            await #expect(throws: RequestLease.Ended.self) { _ = try await late.value }
        }
    }

    /// An exhausted pool still answers within the lease timeout, and gives the gate's place back.
    @Test func anExhaustedPoolIsRefusedQuickly() async throws {
        try await TestDatabase.withDatabase { client, configuration in
            // The smallest pool we make holds two connections (DatabaseURL.tuned): both are taken here.
            try await withRunningClient(DatabaseURL.tuned(configuration, maximumConnections: 2), logger: logger) { small in
                let gate = CountingGate()
                let db = Database(small, leaseTimeout: .milliseconds(300))
                try await small.withConnection { _ in
                    try await small.withConnection { _ in
                        let started = ContinuousClock.now
                        try await db.withRequestConnection(gate: gate) {
                            await #expect(throws: DatabaseUnavailable.self) { try await db.query("SELECT 1", logger: logger) }
                        }
                        #expect(ContinuousClock.now - started < .seconds(5))
                    }
                }
                #expect(gate.now.entered == 1 && gate.now.left == 1)
            }
        }
    }
}
