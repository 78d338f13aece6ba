import Hummingbird

/// Wakes the import worker once an upload has been accepted. It sits outside the connection and
/// transaction middleware, so by the time it runs the job's row is committed and visible to the
/// worker's own connection.
struct ImportKickMiddleware<Context: RequestContext>: RouterMiddleware {
    let runner: ImportJobRunner

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        let accepted = request.uri.path == "/imports" ? response.status == .accepted
            : request.uri.path == "/console/imports" && response.status == .seeOther
        if request.method == .post, accepted {
            await runner.kick()
        }
        return response
    }
}
