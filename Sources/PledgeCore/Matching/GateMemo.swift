/// Gate verdicts already worded for one firm's assets on one day, shared by every product that asks
/// the same question of the same asset: most gates depend on the asset and one term of the product
/// (its loan term, a minimum life, a validity window), and 200 products share a handful of those.
/// Wording a gate is most of a fully explained answer's cost, so a firm's 200 products word each
/// distinct gate once. Only valid for one firm, one list of assets and one request day.
public final class GateMemo {
    struct Key: Hashable {
        let code: GateCode
        let assetId: Int64
        /// The product's term the verdict depends on (the loan's months, a minimum, a window).
        let term: Int64

        /// Not the code: a raw-valued enum hashes its string. An asset's few gates under one term
        /// share a bucket and are told apart by `==`.
        func hash(into hasher: inout Hasher) {
            hasher.combine(assetId)
            hasher.combine(term)
        }
    }

    private var gates: [Key: GateResult] = [:]
    private var points: [Int64: Int] = [:]
    private var explained: [Int64: Label] = [:]
    private var firmTexts: [FirmText: Label] = [:]

    /// What the score says of the firm itself, the same under every product but for the weight.
    enum FirmText: Hashable { case strength, strategicFit, risk }

    public init() {}

    func gate(_ code: GateCode, _ assetId: Int64, _ term: Int64, _ make: () -> GateResult) -> GateResult {
        Self.remembered(&gates, Key(code: code, assetId: assetId, term: term), make)
    }

    func explanation(_ a: MatchAsset, asOf: CivilDate) -> Label {
        Self.remembered(&explained, a.id) { AssetValue.explain(a, asOf: asOf) }
    }

    func firmText(_ which: FirmText, _ make: () -> Label) -> Label {
        Self.remembered(&firmTexts, which, make)
    }

    func valuePoints(_ a: MatchAsset, asOf: CivilDate) -> Int {
        Self.remembered(&points, a.id) { AssetValue.points(a, asOf: asOf) }
    }

    private static func remembered<K: Hashable, V>(_ table: inout [K: V], _ key: K, _ make: () -> V) -> V {
        if let known = table[key] { return known }
        let made = make()
        table[key] = made
        return made
    }
}
