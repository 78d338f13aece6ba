import Foundation
import PostgresNIO

/// What a request passes before it takes a connection of the pool, such as the reports' bulkhead:
/// `enter` waits for a place or throws when none comes in time; `leave` gives the place back.
public protocol LeaseGate: Sendable {
    func enter() async throws
    func leave()
}

/// The one connection of a request (`Database.withRequestConnection`), leased when the request
/// first reaches the database and held until the request ends. A request answered without a query
/// (an answer kept from an earlier one, a refusal) takes no connection and no place at the gate;
/// once taken, every later query of the request joins the same connection, so no request ever
/// waits for a second connection of a pool it already holds one of.
public final class RequestLease: @unchecked Sendable {
    private let database: Database
    private let gate: (any LeaseGate)?
    private let lock = NSLock()
    private var state = State.idle

    private enum State {
        case idle
        /// One caller is leasing; others that asked meanwhile wait for the same connection.
        case leasing([CheckedContinuation<PostgresConnection, any Error>])
        case held(PostgresConnection, LeaseHandoff)
        case ended
    }

    /// Asked for after the request ended: a programming error, reported rather than served from the pool.
    public struct Ended: Error, Sendable {}

    init(_ database: Database, gate: (any LeaseGate)?) {
        self.database = database
        self.gate = gate
    }

    /// Whether the request has taken its connection (tests).
    public var isHeld: Bool { lock.withLock { if case .held = state { true } else { false } } }

    /// The request's connection, leased now if this is its first query.
    public func connection() async throws -> PostgresConnection {
        enum Role { case have(PostgresConnection), lead, follow, ended }
        let role: Role = lock.withLock {
            switch state {
            case .held(let conn, _): return .have(conn)
            case .ended: return .ended
            case .leasing: return .follow
            case .idle:
                state = .leasing([])
                return .lead
            }
        }
        switch role {
        case .have(let conn): return conn
        case .ended: throw Ended()
        case .lead: return try await lead()
        case .follow:
            do { return try await follow() } catch is LeaderFailed { return try await connection() }
        }
    }

    /// The caller that was leasing failed before this one joined it: this one tries itself.
    private struct LeaderFailed: Error {}

    /// Gives the connection and the gate's place back; the request is over.
    func end() {
        let (held, waiting): (LeaseHandoff?, [CheckedContinuation<PostgresConnection, any Error>]) = lock.withLock {
            defer { state = .ended }
            switch state {
            case .held(_, let handoff): return (handoff, [])
            // Only a task that outlived the request can still be leasing: its leader gives the
            // connection back when it comes (`lead`), and whoever waited with it is told now.
            case .leasing(let waiters): return (nil, waiters)
            case .idle, .ended: return (nil, [])
            }
        }
        for waiter in waiting { waiter.resume(throwing: Ended()) }
        guard let held else { return }
        held.giveBack()
        gate?.leave()
    }

    private func lead() async throws -> PostgresConnection {
        let outcome: Result<(PostgresConnection, LeaseHandoff), any Error>
        do {
            try await gate?.enter()
            do {
                outcome = .success(try await database.lease())
            } catch {
                gate?.leave()
                throw error
            }
        } catch {
            outcome = .failure(error)
        }
        let (waiters, late): ([CheckedContinuation<PostgresConnection, any Error>], Bool) = lock.withLock {
            guard case .leasing(let waiters) = state else { return ([], true) }
            switch outcome {
            case .success(let (conn, handoff)): state = .held(conn, handoff)
            // The next query tries again: a busy pool may have a connection by then.
            case .failure: state = .idle
            }
            return (waiters, false)
        }
        if late, case .success(let (_, handoff)) = outcome {
            handoff.giveBack()
            gate?.leave()
            throw Ended()
        }
        for waiter in waiters { waiter.resume(with: outcome.map(\.0)) }
        return try outcome.get().0
    }

    private func follow() async throws -> PostgresConnection {
        try await withCheckedThrowingContinuation { continuation in
            let now: Result<PostgresConnection, any Error>? = lock.withLock {
                switch state {
                case .leasing(var waiters):
                    waiters.append(continuation)
                    state = .leasing(waiters)
                    return nil
                case .held(let conn, _): return .success(conn)
                case .ended: return .failure(Ended())
                case .idle: return .failure(LeaderFailed())
                }
            }
            if let now { continuation.resume(with: now) }
        }
    }
}
