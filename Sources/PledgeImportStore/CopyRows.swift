import PledgeCore
import PostgresNIO

/// Rows in COPY's text format: fields separated by tabs, `\N` for NULL, backslash escapes.
struct CopyRows {
    var buffer: ByteBuffer
    private var first = true

    init(capacity: Int = 1 << 20) { buffer = ByteBufferAllocator().buffer(capacity: capacity) }

    mutating func field() {
        if !first { buffer.writeInteger(UInt8(ascii: "\t")) }
        first = false
    }

    mutating func null() { field(); buffer.writeStaticString("\\N") }

    mutating func text(_ s: String?) {
        guard let s else { return null() }
        field()
        writeEscaped(s)
    }

    private mutating func writeEscaped(_ s: String) {
        var plain = true
        for u in s.utf8 where u == 92 || u == 9 || u == 10 || u == 13 { plain = false; break }
        if plain { buffer.writeString(s); return }
        for u in s.utf8 {
            switch u {
            case 92: buffer.writeStaticString("\\\\")
            case 9: buffer.writeStaticString("\\t")
            case 10: buffer.writeStaticString("\\n")
            case 13: buffer.writeStaticString("\\r")
            default: buffer.writeInteger(u)
            }
        }
    }

    mutating func int<I: BinaryInteger>(_ v: I?) {
        guard let v else { return null() }
        field()
        buffer.writeString(String(v))
    }

    mutating func bool(_ v: Bool) { field(); buffer.writeStaticString(v ? "t" : "f") }

    mutating func date(_ d: CivilDate?) {
        guard let d else { return null() }
        field()
        buffer.writeString(d.description)
    }

    /// A text[] literal: `{"A23B 7/10","H01M"}`.
    mutating func textArray(_ values: [String]) {
        var literal = "{"
        for (i, v) in values.enumerated() {
            if i > 0 { literal += "," }
            literal += "\"" + v.replacingBackslashAndQuote() + "\""
        }
        literal += "}"
        text(literal)
    }

    mutating func intArray(_ values: [Int]) { text("{" + values.map(String.init).joined(separator: ",") + "}") }

    mutating func endRow() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        first = true
    }
}

extension String {
    fileprivate func replacingBackslashAndQuote() -> String {
        var out = ""
        for ch in unicodeScalars {
            if ch == "\\" || ch == "\"" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(ch)
        }
        return out
    }
}
