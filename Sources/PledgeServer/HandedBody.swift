import Hummingbird
import NIOCore
import OpenAPIRuntime
import Synchronization

/// A kept answer's buffer handed to the HTTP layer whole. The OpenAPI transport copies every body
/// it is given into new buffers as it sends it: for a firm's kept matches (200 KB) that copy, and
/// the pages the kernel maps for each copy and unmaps after, were 14% of the service's CPU under
/// load (perf, demo data). A server middleware that answers from a buffer it keeps (the
/// AnswerCache's) leaves the buffer here, and `HandedBodyMiddleware`, the router's innermost,
/// sends that buffer as the response body instead.
enum HandedBody {
    final class Slot: Sendable {
        private let buffer = Mutex<ByteBuffer?>(nil)

        func hand(_ handed: ByteBuffer) { buffer.withLock { $0 = handed } }

        func take() -> ByteBuffer? {
            buffer.withLock { held in
                defer { held = nil }
                return held
            }
        }
    }

    @TaskLocal static var slot: Slot?

    /// The body of a 200 answer made of `buffer`: handed to the HTTP layer when its middleware
    /// waits for it. Whoever reads the body meanwhile (or in its place) gets the same bytes, copied
    /// only then.
    static func body(_ buffer: ByteBuffer) -> HTTPBody {
        slot?.hand(buffer)
        return HTTPBody(Chunks(buffer: buffer), length: .known(Int64(buffer.readableBytes)), iterationBehavior: .multiple)
    }

    /// The buffer as one chunk, copied when it is read.
    struct Chunks: AsyncSequence, Sendable {
        typealias Element = ArraySlice<UInt8>
        let buffer: ByteBuffer

        struct AsyncIterator: AsyncIteratorProtocol {
            var buffer: ByteBuffer?
            mutating func next() async throws -> ArraySlice<UInt8>? {
                defer { buffer = nil }
                return buffer.map { ArraySlice($0.readableBytesView) }
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }
    }
}

/// Sends a buffer handed over by `HandedBody.body` as the body of the 200 answer it was made for.
struct HandedBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get else { return try await next(request, context) }
        let slot = HandedBody.Slot()
        var response = try await HandedBody.$slot.withValue(slot) { try await next(request, context) }
        if response.status == .ok, let buffer = slot.take() { response.body = ResponseBody(byteBuffer: buffer) }
        return response
    }
}
