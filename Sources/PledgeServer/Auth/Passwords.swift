import HummingbirdBcrypt
import NIOPosix

/// bcrypt for passwords. Hashing is deliberately slow (cost 12 ≈ a quarter second), so it runs on
/// NIO's blocking-work threads and never stalls the request tasks on the two-thread pool.
public enum Passwords {
    public static let cost: UInt8 = 12

    public static func hash(_ password: String, cost: UInt8 = cost) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// With no hash (unknown login, or a token-only account) a decoy is verified and fails, so a wrong
    /// login and a wrong password take the same time and do not tell which accounts exist.
    public static func verify(_ password: String, hash: String?) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive {
            guard let hash else { _ = Bcrypt.verify(password, hash: decoy); return false }
            return Bcrypt.verify(password, hash: hash)
        }
    }

    static let decoy = Bcrypt.hash("pledgematch-decoy-password", cost: cost)
}
