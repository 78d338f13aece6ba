import Foundation
import PledgeCore

/// Cell values as people type them, made into the forms the core validators take.
public enum Normalize {
    /// Full-width ASCII (Ａ–Ｚ, ０–９, （）, ：…) to half-width, the ideographic space to a space,
    /// and the text trimmed. ASCII-only text is returned as it is, trimmed.
    public static func halfWidth(_ s: String) -> String {
        // Only U+FF01–U+FF5E (EF BC/BD xx), U+3000 (E3 80 80) and U+00A0 (C2 A0) change: text
        // without their lead bytes (ASCII, most Chinese) is only trimmed, without a copy.
        var plain = true
        for u in s.utf8 where u == 0xEF || u == 0xE3 || u == 0xC2 { plain = false; break }
        if plain { return trim(s) }
        var scalars = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            switch u.value {
            case 0xFF01...0xFF5E: scalars.append(Unicode.Scalar(u.value - 0xFEE0)!)
            case 0x3000, 0x00A0: scalars.append(" ")
            default: scalars.append(u)
            }
        }
        return trim(String(scalars))
    }

    static func trim(_ s: String) -> String {
        // The common case, visible ASCII at both ends, without a look at Unicode's properties.
        if let a = s.utf8.first, let z = s.utf8.last, (0x21...0x7E).contains(a), (0x21...0x7E).contains(z) { return s }
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last else { return s }
        if !first.isWhiteSpace, !last.isWhiteSpace { return s }
        let scalars = s.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.isWhiteSpace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.isWhiteSpace })!
        return String(scalars[start...end])
    }

    /// A cell as text: half-width, trimmed, and without the quote mark a spreadsheet export puts
    /// before text that looks like a formula.
    public static func text(_ raw: String) -> String {
        unquoted(halfWidth(raw))
    }

    /// Free text (a name, a title, a report number): trimmed and unquoted but kept as typed, full-width
    /// brackets and all, so an import changes nothing a person wrote.
    public static func freeText(_ raw: String) -> String {
        unquoted(trim(raw))
    }

    static func unquoted(_ text: String) -> String {
        var bytes = text.utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "'"), let second = bytes.next(), "=+-@".utf8.contains(second) else { return text }
        return String(text.dropFirst())
    }

    /// For matching names: half-width, every space removed, latin letters upper-cased.
    public static func nameKey(_ raw: String) -> String {
        var scalars = String.UnicodeScalarView()
        for u in halfWidth(raw).unicodeScalars where !u.isWhiteSpace { scalars.append(u) }
        return String(scalars).uppercased()
    }

    /// For matching headers: half-width, spaces, underscores and marks of a required column removed, lower-cased.
    public static func headerKey(_ raw: String) -> String {
        var s = halfWidth(raw).lowercased()
        s.removeAll { $0.isWhitespace || $0 == "*" || $0 == "_" || $0 == "-" || $0 == ":" }
        return s
    }

    // MARK: Dates

    /// 2025-09-22, 2025/9/22, 2025.9.22, 2025年9月22日, 20250922, an Excel serial day number
    /// (45922), and the same with full-width digits; an ISO date-time keeps its date. Nil if none fits.
    public static func date(_ raw: String) -> CivilDate? {
        let s = halfWidth(raw)
        if s.isEmpty { return nil }
        if let d = CivilDate(iso: s) { return d }
        var parts: [Int] = []
        var current = 0, digits = 0
        var separators = 0
        var partDigits: [Int] = []
        for ch in s {
            if let d = ch.wholeNumberValue, ch.isASCII {
                current = current * 10 + d; digits += 1
                if digits > 8 { return nil }
            } else {
                if digits > 0 { parts.append(current); partDigits.append(digits) }
                current = 0; digits = 0
                // A date-time: stop at the time.
                if ch == "T" || ch == " ", parts.count == 3 { break }
                guard "-/.年月日".contains(ch) else { return nil }
                separators += 1
            }
            if parts.count > 3 { return nil }
        }
        if digits > 0 { parts.append(current); partDigits.append(digits) }
        if parts.count == 3, partDigits[0] == 4, partDigits[1] <= 2, partDigits[2] <= 2 {
            return CivilDate(year: parts[0], month: parts[1], day: parts[2])
        }
        if parts.count == 1, separators == 0 {
            if partDigits[0] == 8 {
                return CivilDate(year: parts[0] / 10000, month: parts[0] / 100 % 100, day: parts[0] % 100)
            }
            // Excel's serial day: 1 is 1900-01-01 and (after Lotus) 60 is a 29 February that never was,
            // so from 61 on day n is 1899-12-30 plus n. Only serials from 1950 (18264) are read as dates, so a bare
            // year or a small count is not taken for one.
            if (18_264...110_000).contains(parts[0]) { return excelSerial(parts[0]) }
        }
        // A serial with a time fraction (45922.5) from a date-time cell.
        if parts.count == 2, separators == 1, s.contains("."), partDigits[0] == 5, (18_264...110_000).contains(parts[0]) {
            return excelSerial(parts[0])
        }
        return nil
    }

    public static func excelSerial(_ n: Int) -> CivilDate {
        CivilDate(year: 1899, month: 12, day: 30)!.adding(days: n)
    }

    public static func excelSerial(of date: CivilDate) -> Int {
        CivilDate(year: 1899, month: 12, day: 30)!.days(until: date)
    }

    /// `2015年03月14日至2025年03月13日`, `2015-03-14 ~ 2025-03-13`, `2015.03.14-2025.03.13`.
    public static func dateRange(_ raw: String) -> (CivilDate, CivilDate)? {
        let s = halfWidth(raw)
        for sep in ["至", "~", "－", "—", "–", " - ", "到"] {
            let parts = s.components(separatedBy: sep)
            if parts.count == 2, let a = date(parts[0]), let b = date(parts[1]) { return (a, b) }
        }
        // 2015.03.14-2025.03.13 or 2015-03-14-2025-03-13: split in the middle.
        let chars = Array(s)
        for (i, ch) in chars.enumerated() where ch == "-" {
            if let a = date(String(chars[..<i])), let b = date(String(chars[(i + 1)...])) { return (a, b) }
        }
        return nil
    }

    // MARK: Money

    public enum MoneyUnit: String, Sendable, CaseIterable {
        case fen, yuan, wanYuan
        /// Fen in one unit.
        public var fen: Int64 { switch self { case .fen: 1; case .yuan: 100; case .wanYuan: 1_000_000 } }
        /// Decimals an amount in this unit may carry and still be whole fen.
        var decimals: Int { switch self { case .fen: 0; case .yuan: 2; case .wanYuan: 6 } }
        public var label: Label {
            switch self {
            case .fen: Label("分", "fen")
            case .yuan: Label("元", "yuan")
            case .wanYuan: Label("万元", "10k yuan")
            }
        }
    }

    public enum MoneyProblem: Error, Equatable, Sendable {
        case notANumber, tooPrecise(decimals: Int), tooLarge
    }

    /// `1,234,567.89`, `１２３４.５`, `¥1234`, `1 234.5`, `-12` in the column's unit, to fen exactly:
    /// an amount with more decimals than whole fen allow is refused, never rounded.
    public static func fen(_ raw: String, unit: MoneyUnit) -> Result<Int64, MoneyProblem> {
        let s = halfWidth(raw)
        var negative = false
        var intPart: Int64 = 0
        var frac: [Int] = []
        var seenDot = false, seenDigit = false
        for (i, ch) in s.enumerated() {
            switch ch {
            case "0"..."9":
                let d = Int64(ch.wholeNumberValue!)
                seenDigit = true
                if seenDot { frac.append(Int(d)) } else {
                    let (m, o1) = intPart.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(d)
                    if o1 || o2 { return .failure(.tooLarge) }
                    intPart = a
                }
            case ".": if seenDot { return .failure(.notANumber) }; seenDot = true
            case ",", " ", "'", "_": if seenDot { return .failure(.notANumber) }
            case "-" where i == 0 && !seenDigit: negative = true
            case "+" where i == 0: break
            case "¥", "￥": if seenDigit { return .failure(.notANumber) }
            case "元" where unit == .yuan && i == s.count - 1: break
            default: return .failure(.notANumber)
            }
        }
        guard seenDigit else { return .failure(.notANumber) }
        while frac.last == 0 { frac.removeLast() }
        if frac.count > unit.decimals { return .failure(.tooPrecise(decimals: unit.decimals)) }
        var fracFen: Int64 = 0
        for k in 0..<unit.decimals { fracFen = fracFen * 10 + Int64(k < frac.count ? frac[k] : 0) }
        let (whole, o1) = intPart.multipliedReportingOverflow(by: unit.fen)
        let (total, o2) = whole.addingReportingOverflow(fracFen)
        if o1 || o2 { return .failure(.tooLarge) }
        return .success(negative ? -total : total)
    }

    /// Whole numbers: `12`, `1,200`, `１２`, and `12.0` as a spreadsheet stores a whole number.
    public static func integer(_ raw: String) -> Int? {
        guard case .success(let v) = fen(raw, unit: .fen) else {
            let s = halfWidth(raw)
            if s.hasSuffix(".0"), let v = Int(s.dropLast(2)) { return v }
            return nil
        }
        return Int(exactly: v)
    }

    /// A rate as basis points: a header in % takes `3.45` (or `3.45%`), in bp takes `345`;
    /// `3.45%` is read as percent whatever the header.
    public static func basisPoints(_ raw: String, headerPercent: Bool) -> Int? {
        var s = halfWidth(raw)
        var percent = headerPercent
        if s.hasSuffix("%") { s.removeLast(); percent = true }
        if percent {
            // Two decimals of a percent are whole basis points.
            guard case .success(let v) = fen(s, unit: .yuan) else { return nil }
            return Int(exactly: v)
        }
        return integer(s)
    }

    /// 是/否, Y/N, yes/no, true/false, 1/0, √/×, 有/无.
    public static func bool(_ raw: String) -> Bool?? {
        let s = halfWidth(raw).lowercased()
        if s.isEmpty { return .some(nil) }
        if ["是", "y", "yes", "true", "1", "√", "✓", "有", "t"].contains(s) { return true }
        if ["否", "n", "no", "false", "0", "×", "✗", "无", "f", "-"].contains(s) { return false }
        return nil
    }

    /// Splits a list cell: `a; b`, `a、b`, `a，b`, one per line.
    public static func list(_ raw: String) -> [String] {
        // Most cells hold one item: without a separator's bytes (nor a full-width one's, whose lead
        // byte `halfWidth` looks for) the split would find one piece, the trimmed text.
        if !mayHoldSeparator(raw) {
            let one = halfWidth(raw)
            return one.isEmpty ? [] : [one]
        }
        return halfWidth(raw).split(whereSeparator: { ";,、\n\r|".contains($0) }).map { trim(String($0)) }.filter { !$0.isEmpty }
    }

    /// Whether `raw` may hold a list separator: `;` `,` `|` CR LF, `、` (E3 80 81), or a full-width
    /// form (EF …) or ideographic space (E3 …) that becomes one.
    static func mayHoldSeparator(_ raw: String) -> Bool {
        raw.utf8.contains { $0 == 0x3B || $0 == 0x2C || $0 == 0x7C || $0 == 0x0A || $0 == 0x0D || $0 == 0xE3 || $0 == 0xEF }
    }
}
