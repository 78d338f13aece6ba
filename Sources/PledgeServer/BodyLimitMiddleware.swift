import Hummingbird

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
            _ = try await request.collectBody(upTo: maxBytes)
        }
        return try await next(request, context)
    }
}
