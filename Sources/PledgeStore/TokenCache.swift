import Foundation

/// Who a bearer secret stood for, remembered for at most `lifetime`, so that a client's every
/// request is not one more round trip to look its token up.
///
/// How long a revocation takes (docs/access.md, "Sign-in, tokens"): a token revoked or an account disabled
/// through this process is forgotten at once and again when that change commits, so this process
/// refuses it from the next request on. Every request transaction (writes, and a bank officer's
/// reads) checks the token again in its first statement (`Database.Session.credential`), so those
/// are refused at once whichever instance revoked it. Only the other roles' reads on another
/// instance may still pass for up to `lifetime` after the revocation committed. A token past its
/// expiry is never taken from here.
public final class TokenCache: @unchecked Sendable {
    public static let shared = TokenCache()
    public static let lifetime: Duration = .seconds(1)
    /// Far more than the callers one instance serves in a second; when full it starts afresh.
    static let capacity = 10_000

    struct Key: Hashable {
        /// The pool the token was found through: one process may serve several databases (tests).
        let pool: ObjectIdentifier
        let secretHash: [UInt8]
    }

    private struct Entry {
        let found: Authenticated
        let until: ContinuousClock.Instant
    }

    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]
    /// Counts the times everything was forgotten: an answer read across one of them is not kept.
    private var generation = 0

    func get(_ key: Key) -> Authenticated? {
        let now = ContinuousClock.now
        return lock.withLock {
            guard let entry = entries[key] else { return nil }
            guard entry.until > now else {
                entries[key] = nil
                return nil
            }
            return entry.found
        }
    }

    /// Taken before a lookup and handed to `put` with its answer.
    var currentGeneration: Int { lock.withLock { generation } }

    func put(_ key: Key, _ found: Authenticated, expiresAt: Date, generation asked: Int) {
        // The token's own expiry bounds the entry too; the clamp keeps the conversion from trapping.
        let secondsLeft = min(expiresAt.timeIntervalSinceNow, 1_000)
        guard secondsLeft > 0 else { return }
        let until = ContinuousClock.now + min(Self.lifetime, .milliseconds(Int(secondsLeft * 1000)))
        lock.withLock {
            guard asked == generation else { return }
            if entries.count >= Self.capacity { entries.removeAll() }
            entries[key] = Entry(found: found, until: until)
        }
    }

    /// Forgets every token: one was revoked, an account disabled, or a transaction found one gone.
    public func forgetAll() {
        lock.withLock {
            generation &+= 1
            entries.removeAll()
        }
    }
}
