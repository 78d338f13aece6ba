/// Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a 31-symbol
/// alphabet (no I, O, Z, S, V); the 18th is a check character over the first 17.
public enum CreditCode {
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// Upper-cases and trims; does not validate.
    public static func normalize(_ raw: String) -> String {
        String(raw.trimmingSpaces().uppercased())
    }

    /// The check character for a 17-character prefix, or nil when a symbol is outside the alphabet.
    public static func checkCharacter(forPrefix prefix: String) -> Character? {
        let chars = Array(prefix)
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (i, ch) in chars.enumerated() {
            guard let v = alphabet.firstIndex(of: ch) else { return nil }
            sum += v * weights[i]
        }
        let check = (31 - sum % 31) % 31
        return alphabet[check]
    }

    public enum Problem: Equatable, Sendable {
        case wrongLength(Int)
        case invalidCharacter(position: Int, character: Character)
        case divisionCodeNotDigits
        case checkMismatch(expected: Character, found: Character)
    }

    /// Validates a normalized code, naming the first thing wrong with it.
    public static func problem(in code: String) -> Problem? {
        let chars = Array(code)
        guard chars.count == 18 else { return .wrongLength(chars.count) }
        for (i, ch) in chars.enumerated() where !alphabet.contains(ch) {
            return .invalidCharacter(position: i + 1, character: ch)
        }
        // Positions 3–8 are the administrative division code (GB/T 2260): six digits.
        guard chars[2..<8].allSatisfy({ $0.isASCII && $0.isNumber }) else { return .divisionCodeNotDigits }
        let expected = checkCharacter(forPrefix: String(chars[0..<17]))!
        guard expected == chars[17] else { return .checkMismatch(expected: expected, found: chars[17]) }
        return nil
    }

    public static func isValid(_ code: String) -> Bool { problem(in: code) == nil }
}

extension String {
    func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return self[start...end]
    }
}
