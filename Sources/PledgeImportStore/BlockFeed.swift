import Foundation
import PledgeImport
import PostgresNIO

/// One block of a file's rows, checked and written out in COPY's text form, as the load's
/// transaction takes it.
struct CheckedBlock: Sendable {
    /// Data rows of the file in this block, and the good ones among them.
    var rows: Int
    var good: Int
    /// The good rows in COPY's text form, a piece per core that wrote them, in line order.
    var text: [ByteBuffer]
    var issues: [ImportIssue]
    var rejected: [SheetRow]
    /// How long checking and writing the block took.
    var seconds: Double
}

/// Checks a file's rows block by block on a thread of its own (off the cooperative pool: the checks
/// are long CPU work) while the load's transaction stages and merges the blocks before, so the
/// checking's core time runs alongside the database's single-core merge. It keeps at most
/// `ahead` blocks checked and not yet loaded. While a checked block waits for the database, the
/// checking leaves it a core (a third thread on two cores would slow the merge, then the longer of
/// the two); when none waits, the checking is the slower side and takes every core.
final class BlockFeed: Sendable {
    private let room: Room
    private let queued = Counter()
    let blocks: AsyncStream<CheckedBlock>

    init<P: MergePlan>(_ check: RowCheck<P.Row>, plan: P, firstRows: Int, blockRows: Int, ahead: Int = 3, progress: ImportProgress?) {
        let (stream, continuation) = AsyncStream.makeStream(of: CheckedBlock.self)
        let (room, queued) = (Room(ahead), self.queued)
        self.room = room
        blocks = stream
        continuation.onTermination = { _ in room.close() }
        DispatchQueue.global(qos: .userInitiated).async {
            var check = check
            var first = true
            while !check.done {
                guard room.enter() else { break }
                let started = ContinuousClock.now
                let all = ProcessInfo.processInfo.activeProcessorCount
                let cores = queued.value > 0 ? max(1, all - 1) : all
                let file = check.next(first ? firstRows : blockRows, cores: cores)
                let text = Self.copyText(file.rows, plan: plan, cores: cores)
                let seconds = (ContinuousClock.now - started).seconds
                // Until the database has rows to work on, the checking is the progress to show.
                if first { progress?(.checking, check.checked, check.total) }
                first = false
                queued.add(1)
                continuation.yield(CheckedBlock(rows: file.rows.count + file.rejected.count, good: file.rows.count,
                                                text: text, issues: file.issues, rejected: file.rejected, seconds: seconds))
            }
            continuation.finish()
        }
    }

    /// The load takes a block; once done with it, there is room for the next one.
    func took() { queued.add(-1) }
    func taken() { room.leave() }

    /// Stops the checking (the load is over, failed or was cancelled).
    func stop() { room.close() }

    /// The rows, each as its line and the plan's columns, written on every core for a large block.
    static func copyText<P: MergePlan>(_ rows: [ParsedRow<P.Row>], plan: P, cores: Int) -> [ByteBuffer] {
        let parts = rows.count >= 2_000 ? max(1, cores) : 1
        var out = [ByteBuffer](repeating: ByteBuffer(), count: parts)
        out.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let buffer = buffer
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let range = (part * rows.count / parts)..<((part + 1) * rows.count / parts)
                var text = CopyRows(capacity: range.count * 160)
                for i in range {
                    text.int(rows[i].line)
                    plan.write(rows[i].value, into: &text)
                    text.endRow()
                }
                buffer[part] = text.buffer
            }
        }
        return out
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add(_ k: Int) { lock.lock(); n += k; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

/// Room for blocks checked and not yet done with; closed when the load stops.
private final class Room: @unchecked Sendable {
    private let condition = NSCondition()
    private var free: Int
    private var closed = false
    init(_ free: Int) { self.free = free }

    /// Waits for room; false once closed.
    func enter() -> Bool {
        condition.lock(); defer { condition.unlock() }
        while free <= 0 && !closed { condition.wait() }
        free -= 1
        return !closed
    }

    func leave() { condition.lock(); free += 1; condition.signal(); condition.unlock() }
    func close() { condition.lock(); closed = true; condition.broadcast(); condition.unlock() }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
