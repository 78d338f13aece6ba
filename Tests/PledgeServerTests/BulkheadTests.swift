import Foundation
import Testing
@testable import PledgeServer

/// The reports' bulkhead: waiters are served in turn or refused after their patience, and nothing is
/// left running behind them.
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
        let state = try await settled(bulkhead)
        #expect(state.waiters == 0)
        #expect(state.liveSweepers == 0)
        // A stopped sweeper may still be finishing when the next queue forms; a task per waiter
        // would have reached about 199 here.
        #expect(state.peakSweepers < 10)
    }

    @Test("every waiter whose patience runs out is refused, the sweeper then stops, the slot still serves")
    func impatientWaitersAreRefused() async throws {
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
        let state = try await settled(bulkhead)
        #expect(state.waiters == 0)
        #expect(state.liveSweepers == 0)
        #expect(try await bulkhead.run { 51 } == 51)
    }

    /// The state once the last sweeper has finished, or after two seconds.
    private func settled(_ bulkhead: Bulkhead) async throws -> (waiters: Int, liveSweepers: Int, peakSweepers: Int) {
        var state = bulkhead.state
        for _ in 0..<200 where state.liveSweepers > 0 {
            try await Task.sleep(for: .milliseconds(10))
            state = bulkhead.state
        }
        return state
    }
}
