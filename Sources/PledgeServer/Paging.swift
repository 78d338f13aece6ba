import PledgeStore

/// A list's `cursor` and `limit` as the store's page request, and back.
enum Paging {
    static func request(cursor: String?, limit: Int?, includeArchived: Bool?) throws -> PageRequest {
        var after: Int64 = 0
        if let cursor {
            guard cursor.count <= 18, cursor.allSatisfy(\.isASCII), let value = Int64(cursor), value >= 0 else {
                throw APIProblem.badParameter("cursor", zh: "cursor 无效，请使用上一页返回的 nextCursor",
                                              en: "Invalid cursor; pass the nextCursor of the previous page")
            }
            after = value
        }
        let limit = limit ?? 50
        guard (1...200).contains(limit) else {
            throw APIProblem.badParameter("limit", zh: "limit 必须在 1 到 200 之间", en: "limit must be between 1 and 200")
        }
        return PageRequest(after: after, limit: limit, includeArchived: includeArchived ?? false)
    }

    static func cursor(_ next: Int64?) -> String? { next.map(String.init) }
}
