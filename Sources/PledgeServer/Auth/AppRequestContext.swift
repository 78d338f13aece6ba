import Hummingbird
import NIOCore

/// The request context of the service: Hummingbird's basic context plus the peer's address, which
/// the login rate limit counts failures by.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
