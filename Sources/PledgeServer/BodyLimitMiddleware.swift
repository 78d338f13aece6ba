import Hummingbird
import NIOCore

/// Refuses bodies over the limit before any handler reads them: by Content-Length when declared,
/// and while collecting when the body is streamed.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw HTTPError(.contentTooLarge)
        }
        var request = request
        if request.method == .post || request.method == .put || request.method == .patch {
            do {
                _ = try await request.collectBody(upTo: maxBytes)
            } catch is NIOTooManyBytesError {
                // A streamed (chunked) body over the limit: the same answer as a declared one.
                throw HTTPError(.contentTooLarge)
            }
        }
        return try await next(request, context)
    }
}
