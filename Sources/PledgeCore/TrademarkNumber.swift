/// A trademark registration number (商标注册号) as the trademark office writes it: digits only, up to
/// ten, sometimes quoted as `第 12345678 号`.
public enum TrademarkNumber {
    /// The number as pasted (`1234 5678`, `第12345678号`, full-width `１２３４５６７８`) reduced to its
    /// digits: full-width to ASCII, spaces and dashes removed, the `第…号` wording dropped. Does not validate.
    public static func compact(_ raw: String) -> String {
        var s = IdentifierText.compact(raw)
        if s.hasPrefix("第") { s.removeFirst() }
        if s.hasSuffix("号") || s.hasSuffix("號") { s.removeLast() }
        return s
    }

    /// A compacted number is 1 to 10 ASCII digits.
    public static func isValid(_ compacted: String) -> Bool {
        !compacted.isEmpty && compacted.count <= 10 && compacted.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
