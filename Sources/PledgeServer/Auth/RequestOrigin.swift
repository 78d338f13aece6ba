import PledgeStore

/// What authentication learned about the current request, for the handlers that need more than
/// the principal: the token in use (nobody revokes the token they are calling with), the user id,
/// the client's address (the login rate limit) and the request id (the audit trail).
public struct RequestOrigin: Sendable {
    public var address: String
    public var requestId: String?
    public var credential: Authenticated?

    @TaskLocal public static var current = RequestOrigin(address: "unknown", requestId: nil, credential: nil)
}
