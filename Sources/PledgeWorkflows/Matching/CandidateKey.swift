import PledgeCore

/// A candidate's place in a product's ranking: higher score first, then larger capacity, then
/// lower firm id, so equal data always gives the same order.
public struct CandidateKey: Comparable, Hashable, Sendable {
    public var centiPoints: Int
    public var capacityFen: Fen
    public var firmId: Int64

    public static func < (a: CandidateKey, b: CandidateKey) -> Bool {
        (b.centiPoints, b.capacityFen, a.firmId) < (a.centiPoints, a.capacityFen, b.firmId)
    }

    /// `score-capacity-firm`, opaque to clients; continuing after it survives inserts and removals.
    public var cursor: String { "\(centiPoints)-\(capacityFen)-\(firmId)" }

    public init(centiPoints: Int, capacityFen: Fen, firmId: Int64) {
        self.centiPoints = centiPoints
        self.capacityFen = capacityFen
        self.firmId = firmId
    }

    public init?(cursor: String) {
        let parts = cursor.split(separator: "-")
        guard parts.count == 3, let s = Int(parts[0]), let c = Int64(parts[1]), let f = Int64(parts[2]) else { return nil }
        self.init(centiPoints: s, capacityFen: c, firmId: f)
    }
}

/// Filters a bank officer applies to a product's candidates.
public struct CandidateFilter: Sendable {
    public var industryCode: String?
    public var town: String?
    public var ipType: IPType?
    public var minCentiPoints: Int?
    public var minCapacityFen: Fen?
    /// Only these firms (a bank officer's consenting firms); nil for no such limit.
    public var firmIds: Set<Int64>?
    public init(industryCode: String? = nil, town: String? = nil, ipType: IPType? = nil, minCentiPoints: Int? = nil,
                minCapacityFen: Fen? = nil) {
        self.industryCode = industryCode; self.town = town; self.ipType = ipType
        self.minCentiPoints = minCentiPoints; self.minCapacityFen = minCapacityFen
    }
}

public struct RankedCandidate: Sendable {
    public var rank: Int
    public var key: CandidateKey
    public var firm: MatchFirm
}
