import Foundation
import PostgresNIO

/// A stored entity: its fields plus the identity, version and timestamps the store keeps.
public struct Stored<Fields: Sendable>: Sendable {
    public var id: Int64
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var archivedAt: Date?
    public var fields: Fields

    init(row: PostgresRandomAccessRow, fields: Fields) throws {
        id = try row["id"].decode(Int64.self)
        version = try row["version"].decode(Int.self)
        createdAt = try row["created_at"].decode(Date.self)
        updatedAt = try row["updated_at"].decode(Date.self)
        archivedAt = try row["archived_at"].decode(Date?.self)
        self.fields = fields
    }
}

/// One page of a list, ordered by id; `nextCursor` is the id to continue after, nil on the last page.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: Int64?

    public init(items: [Item], nextCursor: Int64?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// Builds a page from `limit + 1` fetched rows: the extra row only says that more exist.
    init(fetched: [Item], limit: Int, id: (Item) -> Int64) {
        items = Array(fetched.prefix(limit))
        nextCursor = fetched.count > limit ? items.last.map(id) : nil
    }
}

/// How a caller asks for a page.
public struct PageRequest: Sendable {
    public var after: Int64
    public var limit: Int
    public var includeArchived: Bool
    public init(after: Int64 = 0, limit: Int = 50, includeArchived: Bool = false) {
        self.after = after
        self.limit = limit
        self.includeArchived = includeArchived
    }
}

func decodeAll<T>(_ rows: PostgresRowSequence, _ decode: (PostgresRandomAccessRow) throws -> T) async throws -> [T] {
    var result: [T] = []
    for try await row in rows { result.append(try decode(row.makeRandomAccess())) }
    return result
}

/// A `jsonb` array column (built with jsonb_agg) decoded straight into Swift values.
struct JSONList<Element: Decodable & Sendable>: Decodable, PostgresDecodable, Sendable {
    var items: [Element]
    init(from decoder: any Decoder) throws { items = try [Element](from: decoder) }
}
