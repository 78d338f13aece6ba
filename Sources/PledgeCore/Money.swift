/// Money is integer fen (分, 1/100 yuan) in `Int64`: exact, and wide enough for ¥92 quadrillion.
/// Rates and shares are basis points (1 bp = 0.01%).
public typealias Fen = Int64
public typealias BasisPoints = Int32

public enum Money {
    /// 1 亿元 = 10^8 yuan = 10^10 fen.
    public static let fenPerYuan: Fen = 100
    public static let fenPerYi: Fen = 10_000_000_000
    /// Upper bound accepted for any single amount: ¥1,000亿 (10^11 yuan). Far above any real loan,
    /// low enough that sums over millions of rows cannot overflow `Int64`.
    public static let maxAmount: Fen = 10_000_000_000_000
    /// Upper bound for one loan's amounts (¥10亿), as the ledger's constraints hold it.
    public static let maxLoanAmount: Fen = 100_000_000_000

    /// `value × bp / 10000`, rounded down to the fen, without intermediate overflow.
    public static func apply(basisPoints bp: BasisPoints, to value: Fen) -> Fen {
        let (q, r) = value.quotientAndRemainder(dividingBy: 10_000)
        return q * Fen(bp) + (r * Fen(bp)) / 10_000
    }

    /// `¥1,234,567.89` style text for messages.
    public static func yuanText(_ fen: Fen) -> String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        let yuan = String(magnitude / 100)
        let cents = magnitude % 100
        var grouped = ""
        for (i, ch) in yuan.reversed().enumerated() {
            if i > 0, i % 3 == 0 { grouped.append(",") }
            grouped.append(ch)
        }
        return "\(sign)¥\(String(grouped.reversed())).\(cents < 10 ? "0" : "")\(cents)"
    }
}
