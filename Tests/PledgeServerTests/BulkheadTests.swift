import Foundation
import Testing
@testable import PledgeServer

/// The reports' bulkhead: a served waiter leaves nothing running behind it.
@Suite("Bulkhead")
struct BulkheadTests {
    @Test("one sweeper at most, however many wait, and none once the queue is empty")
    func oneSweeperAtMost() async throws {
        let bulkhead = Bulkhead(limit: 1, patience: .seconds(600))
        let served = try await withThrowingTaskGroup(of: Int?.self) { group in
            for i in 0..<200 {
                group.addTask { try await bulkhead.run { await Task.yield(); return i } }
            }
            return try await group.reduce(into: 0) { count, result in if result != nil { count += 1 } }
        }
        #expect(served == 200)
        // Before, each queued request left a task asleep for the whole patience (15 s in service):
        // at thousands of reports a second that held hundreds of MiB.
        var state = bulkhead.state
        for _ in 0..<200 where state.liveSweepers > 0 {
            try await Task.sleep(for: .milliseconds(10))
            state = bulkhead.state
        }
        #expect(state.waiters == 0)
        #expect(state.liveSweepers == 0)
        // A stopped sweeper may still be finishing when the next queue forms; a task per waiter
        // would have reached about 199 here.
        #expect(state.peakSweepers < 10)
    }

    @Test("a waiter whose patience runs out is refused and leaves the queue")
    func impatientWaiterIsRefused() async throws {
        let bulkhead = Bulkhead(limit: 1, patience: .milliseconds(50))
        let (gate, open) = AsyncStream<Void>.makeStream()
        async let holder: Int? = bulkhead.run {
            for await _ in gate { break }
            return 1
        }
        try await Task.sleep(for: .milliseconds(20))
        let late = try await bulkhead.run { 2 }
        #expect(late == nil)
        #expect(bulkhead.state.waiters == 0)
        open.yield()
        #expect(try await holder == 1)
        #expect(try await bulkhead.run { 3 } == 3)
    }

    @Test("every waiter whose patience runs out is refused, the sweeper then stops")
    func manyImpatientWaiters() async throws {
        let bulkhead = Bulkhead(limit: 1, patience: .milliseconds(50))
        let (gate, open) = AsyncStream<Void>.makeStream()
        async let holder: Int? = bulkhead.run {
            for await _ in gate { break }
            return 0
        }
        try await Task.sleep(for: .milliseconds(20))
        let refused = try await withThrowingTaskGroup(of: Int?.self) { group in
            for i in 1...50 { group.addTask { try await bulkhead.run { i } } }
            return try await group.reduce(into: 0) { count, result in if result == nil { count += 1 } }
        }
        #expect(refused == 50)
        open.yield()
        #expect(try await holder == 0)
        var state = bulkhead.state
        for _ in 0..<200 where state.liveSweepers > 0 {
            try await Task.sleep(for: .milliseconds(10))
            state = bulkhead.state
        }
        #expect(state.waiters == 0)
        #expect(state.liveSweepers == 0)
    }
}
