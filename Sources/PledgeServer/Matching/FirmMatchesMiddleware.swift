import HTTPTypes
import OpenAPIRuntime
import Synchronization

/// Answers `GET /firms/{firmId}/matches` with the JSON `FirmMatchesJSON` writes, rather than through
/// the generated handler's encoder (three fifths of the machine under fresh answers). The last of
/// the operation's middlewares: the role, the contract and the kept answers come first, as for any
/// request. A request it does not read plainly (an Accept header other than JSON, a repeated, empty or
/// unreadable parameter) goes on to the generated handler, which answers it as always.
struct FirmMatchesMiddleware: ServerMiddleware {
    let service: PledgeService

    static let parameters = ["asOf", "amountFen", "termMonths"]
    /// Answers written here so far, for the tests to tell this path from the generated one.
    static let answered = Atomic<Int>(0)

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        guard operationID == "listFirmMatches", let question = Self.question(request, metadata) else {
            return try await next(request, body, metadata)
        }
        let matches = try await service.firmMatches(question.firmId, asOf: question.asOf, amountFen: question.amountFen,
                                                    termMonths: question.termMonths)
        Self.answered.add(1, ordering: .relaxed)
        return DirectJSON.answer(FirmMatchesJSON.bytes(matches))
    }

    struct Question: Equatable {
        var firmId: Int64
        var asOf: String?
        var amountFen: Int64?
        var termMonths: Int?
    }

    /// The request's question when every part of it reads plainly; nil to leave it to the generated handler.
    static func question(_ request: HTTPRequest, _ metadata: ServerRequestMetadata) -> Question? {
        guard DirectJSON.takes(request), let id = metadata.pathParameters["firmId"].flatMap({ Int64($0) }),
              let query = DirectJSON.plainQuery(request, parameters),
              let amountFen = DirectJSON.read(query["amountFen"], { Int64($0) }),
              let termMonths = DirectJSON.read(query["termMonths"], { Int($0) }) else { return nil }
        return Question(firmId: id, asOf: query["asOf"], amountFen: amountFen, termMonths: termMonths)
    }
}
