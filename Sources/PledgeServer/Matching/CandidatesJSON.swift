import PledgeAPI
import PledgeWorkflows

/// What `GET /products/{productId}/candidates` asks, read from the generated input or, by
/// CandidatesMiddleware, from the request itself.
struct CandidateQuestion: Equatable, Sendable {
    var productId: Int64
    var industryCode: String?
    var town: String?
    var ipType: Components.Schemas.IPType?
    var minScore: Double?
    var minCapacityFen: Int64?
    var cursor: String?
    var limit: Int?
}

/// A page of a product's candidates, as the operation answers it.
struct CandidatePage: Sendable {
    var productId: Int64
    var found: MatchingWorkflow.Candidates
}

/// The CandidatePage schema of openapi.yaml written as JSON without the generated encoder, which
/// was 7% of the machine under a stream of bank officers' pages of 50. The same bytes as the
/// encoder's (CandidatesJSONTests); each object's keys in sorted order.
enum CandidatesJSON {
    static func bytes(_ page: CandidatePage) -> [UInt8] {
        var out = JSONBytes(capacity: 160 * (page.found.items.count + 1))
        out.object { o in
            o.key("asOf"); o.string(page.found.asOf.api)
            o.key("items"); o.array(page.found.items) { o, c in
                o.object { o in
                    o.key("capacityFen"); o.int(c.key.capacityFen)
                    o.key("centiPoints"); o.int(c.key.centiPoints)
                    o.key("firmId"); o.int(c.firm.id)
                    o.key("firmName"); o.string(c.firm.name)
                    o.key("industryCode"); o.string(c.firm.industryCode)
                    o.key("rank"); o.int(c.rank)
                    o.key("score"); o.points(centi: c.key.centiPoints)
                    o.key("town"); o.string(c.firm.town)
                }
            }
            if let next = page.found.next {
                o.key("nextCursor"); o.string(next.cursor)
            }
            o.key("productId"); o.int(page.productId)
        }
        return out.bytes
    }
}
