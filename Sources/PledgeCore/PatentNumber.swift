/// A Chinese patent application number (专利申请号) with its check digit.
/// Since 2003: `YYYY T NNNNNNN . C` (year, type, 7-digit serial); before: `YY T NNNNN . C`.
/// Granted patents are written with a `ZL` prefix (专利号); the number itself is the same.
public struct PatentNumber: Hashable, Sendable, CustomStringConvertible {
    /// The digits before the check character: 12 (from 2003) or 8 (before).
    public let digits: String
    public let check: Character

    public enum Kind: Int, Sendable {
        case invention = 1, utilityModel = 2, design = 3, pctInvention = 8, pctUtilityModel = 9
    }

    public enum Problem: Error, Equatable, Sendable {
        case malformed
        case unknownType(Character)
        case checkMismatch(expected: Character, found: Character)
    }

    /// Canonical form `202310123456.7`, as stored.
    public var description: String { "\(digits).\(check)" }

    public var filingYear: Int {
        let y = Int(digits.prefix(digits.count == 12 ? 4 : 2))!
        return digits.count == 12 ? y : 1900 + y
    }

    public var kind: Kind {
        let typeDigit = digits[digits.index(digits.startIndex, offsetBy: digits.count == 12 ? 4 : 2)]
        return Kind(rawValue: Int(String(typeDigit))!)!
    }

    /// Weights 2…9 then 2…5, sum mod 11, 10 written X (CNIPA rule for application numbers).
    public static func checkCharacter(for digits: String) -> Character {
        let weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
        var sum = 0
        for (i, ch) in digits.enumerated() { sum += Int(String(ch))! * weights[i] }
        let r = sum % 11
        return r == 10 ? "X" : Character(String(r))
    }

    /// The number as pasted (`ZL 2023 1 0123456.7`, `CN202310123456.7`, `2023-10123456.7`,
    /// full-width `ＺＬ２０２３１０１２３４５６．７`, `2023101234567`) reduced to its digits and check
    /// character: full-width to ASCII, spaces, dashes and the separator before the check character
    /// removed, a `ZL` or `CN` prefix dropped. Does not validate; `parse` checks what remains.
    public static func compact(_ raw: String) -> String {
        var s = IdentifierText.compact(raw)
        for prefix in ["ZL", "CN"] where s.hasPrefix(prefix) { s.removeFirst(prefix.count) }
        return s.replacingDots()
    }

    /// Accepts every spelling `compact` reduces to 12 digits (8 before 2003) and a check character.
    public static func parse(_ raw: String) -> Result<PatentNumber, Problem> {
        let compacted = IdentifierText.compact(raw)
        // What is left is ASCII in nearly every file: read it byte by byte (an import parses a million).
        if compacted.utf8.allSatisfy({ $0 < 0x80 }) { return parse(ascii: Array(compacted.utf8)) }
        return parse(compacted: compacted)
    }

    /// `parse` for any text, Character by Character: the reference the byte path is held equal to.
    static func parse(compacted: String) -> Result<PatentNumber, Problem> {
        var s = compacted
        for prefix in ["ZL", "CN"] where s.hasPrefix(prefix) { s.removeFirst(prefix.count) }
        s = s.replacingDots()
        guard s.count == 13 || s.count == 9 else { return .failure(.malformed) }
        let body = String(s.dropLast()), check = s.last!
        guard body.allSatisfy({ $0.isASCII && $0.isNumber }),
              check == "X" || (check.isASCII && check.isNumber) else { return .failure(.malformed) }
        let typeChar = Array(body)[body.count == 12 ? 4 : 2]
        guard let typeDigit = Int(String(typeChar)), Kind(rawValue: typeDigit) != nil else {
            return .failure(.unknownType(typeChar))
        }
        let expected = checkCharacter(for: body)
        guard expected == check else { return .failure(.checkMismatch(expected: expected, found: check)) }
        return .success(PatentNumber(digits: body, check: check))
    }

    /// The same steps over the bytes of a compacted number that is all ASCII, where a Character is a
    /// byte (`compact` has removed CR and LF, the only pair of ASCII bytes that make one Character).
    static func parse(ascii compacted: [UInt8]) -> Result<PatentNumber, Problem> {
        var s = compacted[...]
        if s.starts(with: [UInt8(ascii: "Z"), UInt8(ascii: "L")]) { s = s.dropFirst(2) }
        if s.starts(with: [UInt8(ascii: "C"), UInt8(ascii: "N")]) { s = s.dropFirst(2) }
        let bytes = s.filter { $0 != UInt8(ascii: ".") }
        guard bytes.count == 13 || bytes.count == 9 else { return .failure(.malformed) }
        let body = bytes.dropLast(), check = bytes[bytes.count - 1]
        let isDigit = { (b: UInt8) in b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        guard body.allSatisfy(isDigit), check == UInt8(ascii: "X") || isDigit(check) else { return .failure(.malformed) }
        let typeByte = body[body.count == 12 ? 4 : 2]
        guard Kind(rawValue: Int(typeByte - UInt8(ascii: "0"))) != nil else {
            return .failure(.unknownType(Character(Unicode.Scalar(typeByte))))
        }
        let weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
        var sum = 0
        for (i, b) in body.enumerated() { sum += Int(b - UInt8(ascii: "0")) * weights[i] }
        let r = sum % 11
        let expected: Character = r == 10 ? "X" : Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8(r)))
        let found = Character(Unicode.Scalar(check))
        guard expected == found else { return .failure(.checkMismatch(expected: expected, found: found)) }
        return .success(PatentNumber(digits: String(decoding: body, as: UTF8.self), check: found))
    }
}

extension String {
    /// Drops the separator before the check digit (full-width `．` is ASCII by now; `·` and `。` are pasted too).
    fileprivate func replacingDots() -> String { filter { $0 != "." && $0 != "·" && $0 != "。" } }
}
