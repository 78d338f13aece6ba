import PledgeCore
@testable import PledgeImport
import Testing

/// A list cell or a legal status without a separator skips the Character split: the answers are
/// those of the split, for every text tried.
@Suite("Import: one-item lists") struct ListFastPathTests {
    static func split(_ raw: String) -> [String] {
        Normalize.halfWidth(raw).split(whereSeparator: { ";,、\n\r|".contains($0) }).map { Normalize.trim(String($0)) }.filter { !$0.isEmpty }
    }

    static func status(_ raw: String) -> Vocabulary.Status? {
        let s = Normalize.nameKey(raw).lowercased()
        if let v = LegalStatus(rawValue: s) { return .known(v) }
        let parts = split(raw).map { Normalize.nameKey($0).lowercased() }
        for p in parts.isEmpty ? [s] : parts {
            if let v = Vocabulary.single(p) { return v }
        }
        return nil
    }

    @Test func asTheSplitGivesThem() {
        let pieces = ["B01D 53/00", "有效", "审中", "失效", "质押", "a", " ", "\u{3000}", "\u{A0}", ";", "；", ",", "，", "、", "|", "\n", "\r\n",
                      "\t", "Ａ", "in_force", "é", "e\u{301}", "；\u{301}", "30", "第30类"]
        var generator = SystemRandomNumberGenerator()
        var texts = pieces + ["", "  有效  ", "有效;质押", "H01M 10/052, H01M 4/58"]
        for _ in 0..<20_000 {
            texts.append((0..<Int.random(in: 1...5, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        for t in texts {
            #expect(Normalize.list(t) == Self.split(t), "\(t.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(Vocabulary.legalStatus(t) == Self.status(t), "\(t.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }
}
