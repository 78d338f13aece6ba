import HTTPTypes
import OpenAPIRuntime
import PledgeAPI
import Synchronization

/// Answers `GET /products/{productId}/candidates` with the JSON `CandidatesJSON` writes, rather than
/// through the generated handler's encoder. The last of the operation's middlewares, inside the
/// request's transaction (a bank officer's page is audited in it): the role and contract checks
/// come first, as for any request. A request it does not read plainly (an Accept header other than
/// JSON, a repeated, empty or unreadable parameter) goes on to the generated handler.
struct CandidatesMiddleware: ServerMiddleware {
    let service: PledgeService

    static let parameters = ["industryCode", "town", "ipType", "minScore", "minCapacityFen", "cursor", "limit"]
    /// Pages written here so far, for the tests to tell this path from the generated one.
    static let answered = Atomic<Int>(0)

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        guard operationID == "listCandidates", let question = Self.question(request, metadata) else {
            return try await next(request, body, metadata)
        }
        let page = try await service.candidatePage(question)
        Self.answered.add(1, ordering: .relaxed)
        return DirectJSON.answer(CandidatesJSON.bytes(page))
    }

    /// The request's question when every part of it reads plainly; nil to leave it to the generated handler.
    static func question(_ request: HTTPRequest, _ metadata: ServerRequestMetadata) -> CandidateQuestion? {
        guard DirectJSON.takes(request), let id = metadata.pathParameters["productId"].flatMap({ Int64($0) }),
              let query = DirectJSON.plainQuery(request, parameters),
              let ipType = DirectJSON.read(query["ipType"], { Components.Schemas.IPType(rawValue: $0) }),
              let minScore = DirectJSON.read(query["minScore"], DirectJSON.decimal),
              let minCapacityFen = DirectJSON.read(query["minCapacityFen"], { Int64($0) }),
              let limit = DirectJSON.read(query["limit"], { Int($0) }) else { return nil }
        return CandidateQuestion(productId: id, industryCode: query["industryCode"], town: query["town"], ipType: ipType,
                                 minScore: minScore, minCapacityFen: minCapacityFen, cursor: query["cursor"], limit: limit)
    }
}
