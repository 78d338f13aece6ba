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

    /// `value × bp / 10000`, rounded toward zero to the fen, without intermediate overflow; a result
    /// beyond Int64 (only from values far past `maxAmount`) saturates instead of trapping.
    public static func apply(basisPoints bp: BasisPoints, to value: Fen) -> Fen {
        let (q, r) = value.quotientAndRemainder(dividingBy: 10_000)
        let (whole, overflow) = q.multipliedReportingOverflow(by: Fen(bp))
        let part = (r * Fen(bp)) / 10_000
        guard !overflow else { return (q < 0) == (bp < 0) ? .max : .min }
        let (sum, overflow2) = whole.addingReportingOverflow(part)
        return overflow2 ? (whole < 0 ? .min : .max) : sum
    }

    /// `¥1,234,567.89` style text for messages.
    /// Written byte by byte: explaining one firm's products writes thousands of these.
    public static func yuanText(_ fen: Fen) -> String {
        var m = fen.magnitude
        let cents = Int(m % 100)
        m /= 100
        var yuanDigits = 1
        var rest = m / 10
        while rest > 0 { yuanDigits += 1; rest /= 10 }
        let length = (fen < 0 ? 1 : 0) + 2 + yuanDigits + (yuanDigits - 1) / 3 + 3  // sign, ¥ (2 bytes), digits, commas, .cc
        return String(unsafeUninitializedCapacity: length) { buffer in
            var i = length - 1
            func put(_ byte: UInt8) { buffer[i] = byte; i -= 1 }
            put(UInt8(ascii: "0") + UInt8(cents % 10))
            put(UInt8(ascii: "0") + UInt8(cents / 10))
            put(UInt8(ascii: "."))
            for digit in 0..<yuanDigits {
                if digit > 0, digit % 3 == 0 { put(UInt8(ascii: ",")) }
                put(UInt8(ascii: "0") + UInt8(m % 10))
                m /= 10
            }
            put(0xA5)  // ¥ is U+00A5: C2 A5 in UTF-8
            put(0xC2)
            if fen < 0 { put(UInt8(ascii: "-")) }
            return length
        }
    }
}
