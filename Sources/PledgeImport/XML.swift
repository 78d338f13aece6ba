/// A small pull scanner for the XML inside .xlsx files: start and end tags with attributes, and text.
/// Namespace prefixes are dropped from names (`x:c` is `c`). Enough for SpreadsheetML, fast on large sheets.
struct XMLScanner {
    enum Event {
        case start(name: String, attributes: [(String, String)], selfClosing: Bool)
        case end(name: String)
        case text(String)
    }

    let bytes: [UInt8]
    var i = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func next() -> Event? {
        let n = bytes.count
        while i < n {
            if bytes[i] != UInt8(ascii: "<") {
                let start = i
                while i < n, bytes[i] != UInt8(ascii: "<") { i += 1 }
                return .text(XMLScanner.unescape(bytes[start..<i]))
            }
            // Markup.
            if i + 1 < n, bytes[i + 1] == UInt8(ascii: "?") { skip(past: [UInt8]("?>".utf8)); continue }
            if i + 3 < n, bytes[i + 1] == UInt8(ascii: "!"), bytes[i + 2] == UInt8(ascii: "-") { skip(past: [UInt8]("-->".utf8)); continue }
            if i + 8 < n, bytes[i + 1] == UInt8(ascii: "!"), bytes[i + 2] == UInt8(ascii: "[") {
                let start = i + 9
                skip(past: [UInt8]("]]>".utf8))
                return .text(String(decoding: bytes[start..<max(start, i - 3)], as: UTF8.self))
            }
            if i + 1 < n, bytes[i + 1] == UInt8(ascii: "!") { skip(past: [UInt8](">".utf8)); continue }
            if i + 1 < n, bytes[i + 1] == UInt8(ascii: "/") {
                i += 2
                let name = readName()
                while i < n, bytes[i] != UInt8(ascii: ">") { i += 1 }
                i += 1
                return .end(name: name)
            }
            i += 1
            let name = readName()
            var attributes: [(String, String)] = []
            while i < n {
                while i < n, isSpace(bytes[i]) { i += 1 }
                if i >= n { break }
                if bytes[i] == UInt8(ascii: "/") { i += 2; return .start(name: name, attributes: attributes, selfClosing: true) }
                if bytes[i] == UInt8(ascii: ">") { i += 1; return .start(name: name, attributes: attributes, selfClosing: false) }
                let attr = readName()
                while i < n, bytes[i] != UInt8(ascii: "=") { i += 1 }
                i += 1
                while i < n, isSpace(bytes[i]) { i += 1 }
                guard i < n else { break }
                let quote = bytes[i]
                i += 1
                let start = i
                while i < n, bytes[i] != quote { i += 1 }
                attributes.append((attr, XMLScanner.unescape(bytes[start..<min(i, n)])))
                i += 1
            }
            return .start(name: name, attributes: attributes, selfClosing: false)
        }
        return nil
    }

    private func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }

    private mutating func readName() -> String {
        let n = bytes.count
        var start = i
        while i < n, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/"), bytes[i] != UInt8(ascii: "=") {
            if bytes[i] == UInt8(ascii: ":") { start = i + 1 }
            i += 1
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private mutating func skip(past marker: [UInt8]) {
        let n = bytes.count, m = marker.count
        while i + m <= n {
            if bytes[i] == marker[0], Array(bytes[i..<(i + m)]) == marker { i += m; return }
            i += 1
        }
        i = n
    }

    static func unescape(_ s: ArraySlice<UInt8>) -> String {
        guard s.contains(UInt8(ascii: "&")) else { return String(decoding: s, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var k = s.startIndex
        while k < s.endIndex {
            let b = s[k]
            if b != UInt8(ascii: "&") { out.append(b); k += 1; continue }
            guard let semi = s[k...].firstIndex(of: UInt8(ascii: ";")), semi - k <= 10 else { out.append(b); k += 1; continue }
            let entity = String(decoding: s[(k + 1)..<semi], as: UTF8.self)
            var scalar: Unicode.Scalar? = nil
            switch entity {
            case "amp": scalar = "&"
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") { scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init) }
                else if entity.hasPrefix("#") { scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init) }
            }
            if let scalar { out.append(contentsOf: Array(String(Character(scalar)).utf8)); k = semi + 1 } else { out.append(b); k += 1 }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func escape(_ s: String) -> String {
        var needs = false
        for u in s.utf8 where u == 38 || u == 60 || u == 62 || u == 34 || u < 32 { needs = true; break }
        guard needs else { return s }
        return Markup.escape(s, apostrophe: false, dropControls: true)
    }
}
