import Foundation
import HTTPTypes
import Hummingbird

/// swift-openapi-runtime percent-encodes response header values (apple/swift-openapi-generator#857),
/// which turns the ETag `"3"` into `%223%22` and the Location `/firms/1` into `%2Ffirms%2F1`.
/// Content-Disposition is ours too and carries only ASCII file names.
/// Both are plain ASCII that needs no encoding, so undo it for them until the runtime stops doing it.
struct HeaderEncodingMiddleware<Context: RequestContext>: RouterMiddleware {
    static var fields: [HTTPField.Name] { [.eTag, .location, .contentDisposition] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        for name in Self.fields {
            if let value = response.headers[name], value.contains("%"), let decoded = value.removingPercentEncoding {
                response.headers[name] = decoded
            }
        }
        return response
    }
}
