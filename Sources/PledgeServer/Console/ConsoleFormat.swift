import Foundation
import PledgeCore

/// Money and dates as people in the programme read them.
enum ConsoleFormat {
    /// ¥1,234,567.89 from fen, without floating point.
    static func yuan(_ fen: Int64) -> String {
        let negative = fen < 0
        let magnitude = fen.magnitude
        let whole = magnitude / 100, cents = magnitude % 100
        return (negative ? "-¥" : "¥") + grouped(whole) + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    /// 万元 or 亿元 with two decimals (rounded half up), as targets and reports are spoken of.
    static func large(_ fen: Int64, lang: Lang) -> String {
        let magnitude = fen.magnitude, sign = fen < 0 ? "-" : ""
        let yi: UInt64 = 10_000_000_000, wan: UInt64 = 1_000_000
        if lang == .en { return sign + "¥" + decimal(magnitude, unit: 100_000_000) + " m" }
        if magnitude >= yi { return sign + decimal(magnitude, unit: yi) + " 亿元" }
        return sign + decimal(magnitude, unit: wan) + " 万元"
    }

    /// `value / unit` with two decimals, rounded half up, in integers.
    static func decimal(_ value: UInt64, unit: UInt64) -> String {
        let hundredths = (value / unit) * 100 + ((value % unit) * 100 + unit / 2) / unit
        let cents = hundredths % 100
        return grouped(hundredths / 100) + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    static func grouped(_ n: UInt64) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    /// A percentage with one decimal from a numerator and a denominator.
    static func percent(_ part: Int64, of whole: Int64) -> String {
        guard whole > 0 else { return "—" }
        let p = Double(part) / Double(whole) * 100
        return String(format: "%.1f%%", p)
    }

    /// Parses a yuan amount typed by a person (`1,000,000`, `1000000.5`, full-width digits) into fen.
    static func fen(fromYuan text: String) -> Int64? {
        let cleaned = String(text.unicodeScalars.compactMap { s -> Character? in
            if (0xFF10...0xFF19).contains(s.value) { return Character(Unicode.Scalar(s.value - 0xFF10 + 0x30)!) }
            if s == "," || s == "，" || s == " " || s == "¥" || s == "￥" { return nil }
            return Character(s)
        })
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 13,
              parts[0].allSatisfy(\.isASCII), let whole = Int64(parts[0]), whole >= 0 else { return nil }
        var cents: Int64 = 0
        if parts.count == 2 {
            let c = parts[1]
            guard (1...2).contains(c.count), c.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int64(c) else { return nil }
            cents = c.count == 1 ? v * 10 : v
        }
        return whole * 100 + cents
    }

    /// A date-time in Beijing time, to the minute.
    static func beijing(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }
}
