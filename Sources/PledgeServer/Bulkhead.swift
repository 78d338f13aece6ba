import Foundation
import PledgeStore

/// A bulkhead for heavy reads (the reports): at most `limit` of them hold a database connection at
/// once, the rest wait here, holding none, for at most `patience`. A burst of reports, or reports
/// whose clients have gone, can then take only part of the pool; the other requests keep theirs.
///
/// One sweeper task, alive only while someone waits, refuses the waiters whose patience ran out.
/// A timer task per waiter, as before, kept thousands of tasks asleep for the whole patience under a
/// steady stream of reports.
final class Bulkhead: @unchecked Sendable {
    let limit: Int
    let patience: Duration
    private let lock = NSLock()
    private var inUse = 0
    /// Oldest first; every waiter has the same patience, so the first is also the first to expire.
    private var waiters: [Waiter] = []
    private var sweeper: Task<Void, Never>?
    /// Bumped when a sweeper is stopped, so a stopped one that wakes late leaves the queue alone.
    private var sweeperGeneration: UInt64 = 0
    private var liveSweepers = 0
    private var peakSweepers = 0

    private struct Waiter {
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Bool, Never>
    }

    init(limit: Int, patience: Duration) {
        self.limit = max(1, limit)
        self.patience = patience
    }

    /// Runs `body` in a slot; nil when no slot came within `patience`.
    func run<Result>(_ body: () async throws -> Result) async throws -> Result? {
        guard await acquire() else { return nil }
        defer { release() }
        return try await body()
    }

    /// How many requests wait, and how many sweeper tasks run now and ran at once at most (tests).
    var state: (waiters: Int, liveSweepers: Int, peakSweepers: Int) {
        lock.withLock { (waiters.count, liveSweepers, peakSweepers) }
    }

    fileprivate func acquire() async -> Bool {
        await withCheckedContinuation { continuation in
            // Checked and queued under one lock, so no release can slip between the two.
            let granted: Bool = lock.withLock {
                if inUse < limit {
                    inUse += 1
                    return true
                }
                waiters.append(Waiter(deadline: .now + patience, continuation: continuation))
                if sweeper == nil { startSweeper() }
                return false
            }
            if granted { continuation.resume(returning: true) }
        }
    }

    /// Hands the slot to the longest waiter, or frees it.
    fileprivate func release() {
        let next: Waiter? = lock.withLock {
            guard !waiters.isEmpty else {
                inUse -= 1
                return nil
            }
            let next = waiters.removeFirst()
            if waiters.isEmpty { stopSweeper() }
            return next
        }
        next?.continuation.resume(returning: true)
    }

    /// Under the lock.
    private func startSweeper() {
        let generation = sweeperGeneration
        liveSweepers += 1
        peakSweepers = max(peakSweepers, liveSweepers)
        sweeper = Task { [self] in
            defer { lock.withLock { liveSweepers -= 1 } }
            while let wake = expireOverdue(generation) {
                try? await Task.sleep(until: wake, clock: .continuous)
            }
        }
    }

    /// Under the lock.
    private func stopSweeper() {
        sweeper?.cancel()
        sweeper = nil
        sweeperGeneration &+= 1
    }

    /// Refuses the waiters past their deadline; returns when to look again, nil when the sweeper is done.
    private func expireOverdue(_ generation: UInt64) -> ContinuousClock.Instant? {
        let now = ContinuousClock.now
        let (expired, wake): ([CheckedContinuation<Bool, Never>], ContinuousClock.Instant?) = lock.withLock {
            guard generation == sweeperGeneration else { return ([], nil) }
            var expired: [CheckedContinuation<Bool, Never>] = []
            while let first = waiters.first, first.deadline <= now {
                expired.append(waiters.removeFirst().continuation)
            }
            guard let first = waiters.first else {
                stopSweeper()
                return (expired, nil)
            }
            return (expired, first.deadline)
        }
        for continuation in expired { continuation.resume(returning: false) }
        return wake
    }
}

/// As the request lease's gate: a report waits here when it first needs a connection.
extension Bulkhead: LeaseGate {
    func enter() async throws {
        guard await acquire() else {
            throw APIProblem(.serviceUnavailable, code: "busy", zh: "报表请求过多，请稍后重试",
                             en: "Too many reports are being prepared; try again shortly", retryAfter: 5)
        }
    }

    func leave() { release() }
}
