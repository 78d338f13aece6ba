import Crypto
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// A response as first sent, kept to answer a replay of the same idempotency key.
public struct StoredResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status; self.headers = headers; self.body = body
    }
}

public enum IdempotencyOutcome: Sendable, Equatable {
    /// No request with this key finished yet; this one holds the key until its transaction ends.
    case first
    /// The same request finished before: send its response again.
    case replay(StoredResponse)
    /// The key was used for a different request.
    case mismatch
    /// A request with this key is running right now.
    case inFlight
}

/// Idempotency keys live inside the request's own transaction (see Database.inRequestTransaction):
/// the key's lock is a transaction-scoped advisory lock, and its record commits with the effect.
public struct IdempotencyRepository: Sendable {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public static func hash(method: String, path: String, body: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array("\(method) \(path)\n".utf8))
        hasher.update(data: body)
        return Array(hasher.finalize())
    }

    public func claim(_ conn: PostgresConnection, scope: String, key: String, requestHash: [UInt8]) async throws -> IdempotencyOutcome {
        let lockKey = "\(scope)\u{1F}\(key)"
        let locked = try await conn.run("SELECT pg_try_advisory_xact_lock(hashtextextended(\(lockKey), 7))", logger: logger)
        for try await ok in locked.decode(Bool.self) where !ok { return .inFlight }
        let rows = try await conn.run("""
            SELECT request_hash, status, headers::text, body FROM idempotency_keys WHERE scope = \(scope) AND key = \(key)
            """, logger: logger)
        for try await (hash, status, headers, body) in rows.decode((ByteBuffer, Int, String, ByteBuffer).self) {
            guard Array(buffer: hash) == requestHash else { return .mismatch }
            let decoded = (try? JSONDecoder().decode([String: String].self, from: Data(headers.utf8))) ?? [:]
            return .replay(StoredResponse(status: status, headers: decoded, body: Array(buffer: body)))
        }
        return .first
    }

    public func save(_ conn: PostgresConnection, scope: String, key: String, requestHash: [UInt8],
                     response: StoredResponse) async throws {
        let headers = String(decoding: try JSONEncoder().encode(response.headers), as: UTF8.self)
        _ = try await conn.run("""
            INSERT INTO idempotency_keys (scope, key, request_hash, status, headers, body)
            VALUES (\(scope), \(key), \(ByteBuffer(bytes: requestHash)), \(response.status), \(headers)::jsonb,
                    \(ByteBuffer(bytes: response.body)))
            """, logger: logger)
    }
}
