/// What a report knows about entries recorded after its as-of day.
public struct LaterChanges: Sendable, Equatable {
    /// Entries recorded after the as-of day that change figures up to it (corrections and back-dated entries).
    public let entries: Int64
    /// Of all entries recorded after the as-of day, the corrections (entries that name the entry they correct).
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

/// Exact integer arithmetic for ratios of money without overflow.
public enum Ratio {
    /// `a × b / c` rounded down, with a 128-bit intermediate; clamps to `Int64.max` if the result does not fit.
    public static func mulDiv(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64 {
        precondition(c > 0 && a >= 0 && b >= 0)
        let product = a.multipliedFullWidth(by: b)
        // The quotient fits in Int64 when the product is below c × 2^63 (high < 2^62 here, so no overflow).
        if product.high * 2 + Int64(product.low >> 63) >= c { return .max }
        return c.dividingFullWidth(product).quotient
    }

    /// `⌈a / b⌉` for a ≥ 0, b > 0.
    public static func ceilDiv(_ a: Int64, _ b: Int64) -> Int64 { a == 0 ? 0 : (a - 1) / b + 1 }
}
