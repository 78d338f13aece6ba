import Foundation

/// A bulkhead for heavy reads (the reports): at most `limit` of them hold a database connection at
/// once, the rest wait here, holding none, for at most `patience`. A burst of reports, or reports
/// whose clients have gone, can then take only part of the pool; the other requests keep theirs.
final class Bulkhead: @unchecked Sendable {
    let limit: Int
    let patience: Duration
    private let lock = NSLock()
    private var inUse = 0
    private var nextId: UInt64 = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []

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

    private func acquire() async -> Bool {
        let patience = self.patience
        return await withCheckedContinuation { continuation in
            // Checked and queued under one lock, so no release can slip between the two.
            let queued: UInt64? = lock.withLock {
                if inUse < limit {
                    inUse += 1
                    return nil
                }
                nextId += 1
                waiters.append((nextId, continuation))
                return nextId
            }
            guard let queued else { return continuation.resume(returning: true) }
            Task {
                try? await Task.sleep(for: patience)
                self.giveUp(queued)
            }
        }
    }

    private func giveUp(_ id: UInt64) {
        let waiter: CheckedContinuation<Bool, Never>? = lock.withLock {
            guard let i = waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return waiters.remove(at: i).continuation
        }
        waiter?.resume(returning: false)
    }

    /// Hands the slot to the longest waiter, or frees it.
    private func release() {
        let next: CheckedContinuation<Bool, Never>? = lock.withLock {
            if waiters.isEmpty { inUse -= 1; return nil }
            return waiters.removeFirst().continuation
        }
        next?.resume(returning: true)
    }
}
