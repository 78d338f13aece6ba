/// Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a 31-symbol
/// alphabet (no I, O, Z, S, V); the 18th is a check character over the first 17.
public enum CreditCode {
    public static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// The code as pasted from a document (`9150 0102 MA5U…`, `91500102-MA5U…`, full-width
    /// `９１５０…`) in the 18-character form it is checked and stored in: full-width characters to
    /// ASCII, spaces and dashes removed, upper-cased, like python-stdnum's `cn.uscc.compact`.
    /// Does not validate.
    public static func compact(_ raw: String) -> String { IdentifierText.compact(raw) }

    /// The same as `compact`: every validator and every stored code goes through it.
    public static func normalize(_ raw: String) -> String { compact(raw) }

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

/// Identifiers as people paste them from documents, office exports and spreadsheets.
enum IdentifierText {
    /// Full-width forms (`ＺＬ２０１９…`, `．`, `－`) become ASCII; whitespace of every kind (including
    /// the ideographic space and no-break space), zero-width characters and dashes (`-`, `‐`, `–`, `—`,
    /// `−`, `－`) are removed; letters are upper-cased. What remains is the identifier to check.
    static func compact(_ raw: String) -> String {
        compact(ascii: raw) ?? compact(scalars: raw)
    }

    /// `compact` for any text, scalar by scalar.
    static func compact(scalars raw: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars {
            var s = scalar
            // U+FF01…U+FF5E are the full-width forms of U+0021…U+007E.
            if (0xFF01...0xFF5E).contains(s.value) { s = Unicode.Scalar(s.value - 0xFEE0)! }
            if s.isWhiteSpace || separators.contains(s.value) { continue }
            out.append(s)
        }
        return String(out).uppercased()
    }

    /// `compact` for text that is all ASCII (nearly every cell), byte by byte: of ASCII, White_Space
    /// is tab to carriage return and the space, the one separator is `-`, and upper-casing maps a–z.
    static func compact(ascii raw: String) -> String? {
        let utf8 = raw.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        return String(unsafeUninitializedCapacity: utf8.count) { buffer in
            var n = 0
            for b in utf8 {
                switch b {
                case 0x09...0x0D, 0x20, 0x2D: continue
                case 0x61...0x7A: buffer[n] = b - 0x20
                default: buffer[n] = b
                }
                n += 1
            }
            return n
        }
    }

    /// Dashes, hyphens and invisible characters a pasted identifier may carry between its groups.
    static let separators: Set<UInt32> = [
        0x2D, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63,  // dashes and minus signs
        0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF,  // zero-width space, joiners, word joiner, byte-order mark
    ]
}
