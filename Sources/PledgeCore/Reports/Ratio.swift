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
