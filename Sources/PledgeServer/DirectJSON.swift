import HTTPTypes
import OpenAPIRuntime

/// What the answers written without the generated encoder share (FirmMatchesMiddleware,
/// HealthAnswerMiddleware): the content type the generated handlers send, and which requests they
/// take. A request with any other Accept header goes on to the generated handler, which answers or
/// refuses it as always.
enum DirectJSON {
    static let contentType = "application/json; charset=utf-8"

    static func takes(_ request: HTTPRequest) -> Bool {
        guard request.method == .get else { return false }
        guard let accept = request.headerFields[.accept] else { return true }
        return accept == "*/*" || accept == "application/json"
    }

    static func answer(_ bytes: [UInt8]) -> (HTTPResponse, HTTPBody?) {
        (HTTPResponse(status: .ok, headerFields: [.contentType: contentType]), HTTPBody(bytes))
    }
}
