@testable import PledgeCore
import Testing

/// The byte-by-byte paths an import takes for ASCII text give what the Character-by-Character
/// rules give, for every input tried.
@Suite struct FastPathTests {
    @Test func controlIsGeneralCategoryCc() {
        for v in UInt32(0)...0x10FFFF {
            guard let u = Unicode.Scalar(v) else { continue }
            #expect(u.isControl == (u.properties.generalCategory == .control), "U+\(String(v, radix: 16))")
        }
    }

    /// Text made of the pieces that matter to identifiers: digits, X, the prefixes' letters, dots,
    /// spaces and dashes, lower case, and a few other bytes.
    static func samples() -> [String] {
        let pieces = ["0", "1", "2", "3", "5", "8", "9", "X", "x", "Z", "L", "C", "N", "z", "l", "c", "n", ".", " ", "-", "\t", "\r\n", "\n", "A", "/", "_"]
        var generator = SystemRandomNumberGenerator()
        var out = ["", "ZL202310123456.7", "CN202310123456.7", "ZLCN202310123456.7", "CNZL202310123456.7", "2023-10123456.7",
                   "zl 2023 1 0123456.7", "202310123456X", "20231012345.6", "89101234.5", "89401234.X", "Z.L202310123456.7"]
        for k in 0..<20_000 {
            let digits = (0..<12).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
            let good = digits + "." + String(PatentNumber.checkCharacter(for: digits))
            out.append(good)
            out.append(k % 2 == 0 ? "ZL " + good : good.lowercased())
            let n = Int.random(in: 0...18, using: &generator)
            out.append((0..<n).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        return out
    }

    @Test func asciiIdentifiersCompactAsTheScalarRule() {
        for s in Self.samples() { #expect(IdentifierText.compact(ascii: s) == IdentifierText.compact(scalars: s), "\(s)") }
        #expect(IdentifierText.compact(ascii: "９１５０") == nil)
    }

    @Test func asciiPatentNumbersParseAsTheCharacterRule() {
        for s in Self.samples() {
            let compacted = IdentifierText.compact(scalars: s)
            let bytes = PatentNumber.parse(ascii: Array(compacted.utf8)), characters = PatentNumber.parse(compacted: compacted)
            #expect(bytes == characters, "\(s)")
            #expect(PatentNumber.parse(s) == characters, "\(s)")
        }
    }
}
