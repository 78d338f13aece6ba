import HTTPTypes
import OpenAPIRuntime

/// What the answers written without the generated encoder share (FirmMatchesMiddleware,
/// CandidatesMiddleware, HealthAnswerMiddleware): the content type the generated handlers send, and which requests they
/// take, and how they read a query. A request with any other Accept header goes on to the generated handler, which answers or
/// refuses it as always.
enum DirectJSON {
    static let contentType = "application/json; charset=utf-8"

    static func takes(_ request: HTTPRequest) -> Bool {
        guard request.method == .get else { return false }
        guard let accept = request.headerFields[.accept] else { return true }
        return accept == "*/*" || accept == "application/json"
    }

    /// The values of the query's `names` when none is repeated or empty; nil when one is (the
    /// generated handler then reads the query, and answers or refuses it as always).
    static func plainQuery(_ request: HTTPRequest, _ names: [String]) -> [String: String]? {
        let query = ContractMiddleware.query(request.path)
        var values: [String: String] = [:]
        for name in names {
            guard let found = query[name] else { continue }
            guard found.count == 1, let value = found.first, !value.isEmpty else { return nil }
            values[name] = value
        }
        return values
    }

    /// An optional parameter read by `parse`: `.some(nil)` when it is absent, nil when it is there
    /// but does not read (the request then goes to the generated handler).
    static func read<T>(_ text: String?, _ parse: (String) -> T?) -> T?? {
        guard let text else { return .some(nil) }
        return parse(text).map { .some($0) }
    }

    /// A plain decimal (`12`, `60.5`), nil for any other form a number may take (`1e2`, `0x10`, `nan`).
    static func decimal(_ text: String) -> Double? {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }),
              text.utf8.count <= 20 else { return nil }
        return Double(text)
    }

    static func answer(_ bytes: [UInt8]) -> (HTTPResponse, HTTPBody?) {
        (HTTPResponse(status: .ok, headerFields: [.contentType: contentType]), HTTPBody(bytes))
    }
}
