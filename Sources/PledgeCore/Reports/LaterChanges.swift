/// What a report knows about entries recorded after its as-of day.
public struct LaterChanges: Sendable, Equatable {
    /// Entries recorded after the as-of day that change figures up to it (corrections and back-dated entries).
    public let entries: Int64
    /// Of those entries, the corrections (entries that name the entry they correct).
    public let corrections: Int64

    public init(entries: Int64, corrections: Int64) {
        self.entries = entries
        self.corrections = corrections
    }

    public var any: Bool { entries > 0 || corrections > 0 }

    /// The sentence a report prints, or nil when the ledger has not changed since.
    public func notice(asOf: CivilDate) -> Label? {
        guard any else { return nil }
        return Label("本报告按 \(asOf) 日终账本数据生成；此后又登记了 \(entries) 笔影响该日及以前数字的分录（其中更正 \(corrections) 笔），按今天的账本数字会不同。",
                     "This report shows the ledger as it stood at the end of \(asOf); \(entries) entries affecting figures up to that day were recorded later (\(corrections) of them corrections), so today's ledger gives different figures.")
    }
}
