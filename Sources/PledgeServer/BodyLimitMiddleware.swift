import Hummingbird
import NIOCore

/// Refuses bodies over the limit before any handler reads them: by Content-Length when declared,
/// and while collecting when the body is streamed. An import's upload has a limit of its own
/// (AppConfiguration.maxBodyBytes(method:path:)) and its own problem, naming the file.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let maxBytes = max(self.maxBytes, AppConfiguration.maxBodyBytes(method: request.method, path: request.uri.path))
        let tooLarge: any Error = maxBytes > self.maxBytes ? AppConfiguration.importTooLarge : HTTPError(.contentTooLarge)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw tooLarge
        }
        var request = request
        if request.method == .post || request.method == .put || request.method == .patch {
            do {
                _ = try await request.collectBody(upTo: maxBytes)
            } catch is NIOTooManyBytesError {
                // A streamed (chunked) body over the limit: the same answer as a declared one.
                throw tooLarge
            }
        }
        return try await next(request, context)
    }
}
