/// The login rate limit: failed attempts in a sliding window, counted per account (a guessed
/// password) and per address (one client trying many accounts). Success does not reset the
/// address's count, so spreading guesses over accounts gains nothing.
public struct LoginThrottle: Sendable, Equatable {
    public var window: Duration
    public var maxFailuresPerAccount: Int
    public var maxFailuresPerAddress: Int

    public init(window: Duration = .seconds(15 * 60), maxFailuresPerAccount: Int = 5, maxFailuresPerAddress: Int = 30) {
        self.window = window
        self.maxFailuresPerAccount = maxFailuresPerAccount
        self.maxFailuresPerAddress = maxFailuresPerAddress
    }

    public enum Limit: Sendable, Equatable {
        case account, address
    }

    /// The limit the next attempt would break, given the failures already in the window.
    public func blocked(accountFailures: Int, addressFailures: Int) -> Limit? {
        if accountFailures >= maxFailuresPerAccount { return .account }
        if addressFailures >= maxFailuresPerAddress { return .address }
        return nil
    }

    public var windowSeconds: Int { Int(window.components.seconds) }
}
