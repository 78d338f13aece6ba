import Foundation
import Logging
import NIOCore
import PostgresNIO

extension PostgresConnection {
    /// Every query of the service goes through here rather than `query`: a query written to a
    /// connection that has already closed is never answered (PostgresNIO drops it once the channel's
    /// handlers are gone, and its caller waits for ever; seen when PostgreSQL stops: a request that
    /// sent its next query just after its connection closed hung until shutdown). A closed connection
    /// fails at once with `DatabaseUnavailable`, and a query that races the close is given up once
    /// the connection has been closed for `ConnectionLoss.grace` without an answer.
    @discardableResult
    public func run(_ query: PostgresQuery, logger: Logger,
                    file: String = #fileID, line: Int = #line) async throws -> PostgresRowSequence {
        guard !isClosed else { throw DatabaseUnavailable(reason: .connectionLost) }
        return try await ConnectionLoss.answer(on: self) {
            try await self.query(query, logger: logger, file: file, line: line)
        }
    }
}

extension PostgresConnection {
    /// A statement prepared on this connection at its first use, guarded as `run(_:logger:)` is; its
    /// rows are read to the end under the same guard.
    ///
    /// PostgresNIO remembers a failed preparation for the connection's whole life and answers every
    /// later use of the statement with that error, even once its cause is gone (a transaction that
    /// had already failed, a lock or statement timeout during a migration, a dropped column put
    /// back). So when the database refuses a prepared statement the connection is closed: the pool
    /// replaces it, and the next request prepares the statement afresh. Refusals of these statements
    /// are rare, a new connection cheap next to a connection that fails every request it serves.
    public func run<Statement: PostgresPreparedStatement>(_ statement: Statement, logger: Logger) async throws -> [PostgresRow]
        where Statement.Row == PostgresRow {
        guard !isClosed else { throw DatabaseUnavailable(reason: .connectionLost) }
        do {
            return try await ConnectionLoss.answer(on: self) {
                var rows: [PostgresRow] = []
                for try await row in try await self.execute(statement, logger: logger) { rows.append(row) }
                return rows
            }
        } catch let error as PSQLError where error.code == .server {
            logger.warning("A prepared statement was refused; its connection is closed so that the next use prepares it again",
                           metadata: ["statement": "\(Statement.self)", "sqlstate": "\(error.serverInfo?[.sqlState] ?? "")"])
            try? await close()
            throw error
        }
    }
}

enum ConnectionLoss {
    /// Long enough for an answer already on its way when the connection closed to arrive first.
    static let grace: TimeAmount = .milliseconds(500)

    /// `ask`'s answer, or `DatabaseUnavailable` once `conn` has been closed for `grace` without one.
    /// `ask` runs in a task of its own so that waiting for it can be given up; a task given up on
    /// stays suspended on a query that never answers, which holds nothing but its own memory.
    static func answer<Answer: Sendable>(on conn: PostgresConnection,
                                         _ ask: @escaping @Sendable () async throws -> Answer) async throws -> Answer {
        let race = Race<Answer>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.wait(continuation)
                race.start(Task {
                    do { race.settle(.success(try await ask())) } catch { race.settle(.failure(error)) }
                })
                watch(conn, race: race, closedBefore: false)
            }
        } onCancel: {
            race.cancel()
        }
    }

    /// Checks the connection every `grace` on its own event loop (a scheduled task, not a Swift task).
    private static func watch<Answer>(_ conn: PostgresConnection, race: Race<Answer>, closedBefore: Bool) {
        let check = conn.eventLoop.scheduleTask(in: grace) {
            guard !race.isSettled else { return }
            if closedBefore {
                race.settle(.failure(DatabaseUnavailable(reason: .connectionLost)))
            } else {
                watch(conn, race: race, closedBefore: conn.isClosed)
            }
        }
        race.setTimer(check)
    }

    /// The first outcome wins: the query's answer or error, or the watchdog's verdict.
    private final class Race<Answer: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Answer, any Error>?
        private var settled = false
        private var cancelled = false
        private var work: Task<Void, Never>?
        private var timer: Scheduled<Void>?

        var isSettled: Bool { lock.withLock { settled } }

        func wait(_ continuation: CheckedContinuation<Answer, any Error>) {
            lock.withLock { self.continuation = continuation }
        }

        func start(_ work: Task<Void, Never>) {
            let cancel: Bool = lock.withLock {
                self.work = work
                return cancelled
            }
            if cancel { work.cancel() }
        }

        func setTimer(_ timer: Scheduled<Void>) {
            let stop: Bool = lock.withLock {
                self.timer = timer
                return settled
            }
            if stop { timer.cancel() }
        }

        func settle(_ outcome: Result<Answer, any Error>) {
            let (waiting, timer): (CheckedContinuation<Answer, any Error>?, Scheduled<Void>?) = lock.withLock {
                guard !settled else { return (nil, nil) }
                settled = true
                defer { continuation = nil; work = nil }
                return (continuation, self.timer)
            }
            timer?.cancel()
            waiting?.resume(with: outcome)
        }

        func cancel() {
            let work: Task<Void, Never>? = lock.withLock {
                cancelled = true
                return self.work
            }
            work?.cancel()
        }
    }
}
