/// Compact JSON written straight into bytes, the way the generated handlers' encoder writes it
/// (`JSONEncoder` with `.sortedKeys`): keys in the order of their UTF-8 bytes, `/` escaped, control
/// characters as `\b \f \n \r \t` or `\u00XX`, whole points without their `.0`. For the answers
/// whose size made that encoder most of the service's time (a firm's explained products); the
/// caller writes each object's keys in sorted order, and JSONBytesTests and FirmMatchesJSONTests hold
/// the bytes equal to the encoder's.
struct JSONBytes {
    private(set) var bytes: [UInt8] = []
    /// Whether the next value in the current object or array is its first (no comma before it).
    private var first = true

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    // MARK: Structure

    mutating func object(_ body: (inout JSONBytes) throws -> Void) rethrows {
        separate()
        bytes.append(UInt8(ascii: "{"))
        first = true
        try body(&self)
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    mutating func array<S: Sequence>(_ items: S, _ each: (inout JSONBytes, S.Element) throws -> Void) rethrows {
        separate()
        bytes.append(UInt8(ascii: "["))
        first = true
        for item in items { try each(&self, item) }
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    /// A key of the object being written; its value follows. Keys are plain ASCII names.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        // Byte by byte: an array literal here would be allocated for every key.
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        first = true
    }

    private mutating func separate() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }

    // MARK: Values

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? Self.true : Self.false)
    }

    mutating func int<I: FixedWidthInteger>(_ value: I) {
        separate()
        if value == 0 { bytes.append(UInt8(ascii: "0")); return }
        // Through the magnitude, so the most negative value of a type does not trap.
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let start = bytes.count
        while magnitude > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10))
            magnitude /= 10
        }
        bytes[start...].reverse()
    }

    /// Points held as hundredths (a score, a factor), written as the contract's number the way the
    /// encoder writes the generated types' `Double(centiPoints) / 100`: Swift's shortest round-trip
    /// form, less a trailing `.0`. Never money, which the contract carries in integer fen.
    mutating func points(centi: Int) {
        separate()
        var text = (Double(centi) / 100).description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var text = value
        text.withUTF8 { escape($0) }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ text: UnsafeBufferPointer<UInt8>) {
        var plainFrom = 0
        for (i, byte) in text.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            || byte == UInt8(ascii: "/") {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[plainFrom..<i]))
            plainFrom = i + 1
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(byte)
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            default:
                bytes.append(UInt8(ascii: "u"))
                bytes.append(UInt8(ascii: "0"))
                bytes.append(UInt8(ascii: "0"))
                bytes.append(Self.hex[Int(byte >> 4)])
                bytes.append(Self.hex[Int(byte & 0xF)])
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[plainFrom...]))
    }

    private static let `true`: [UInt8] = Array("true".utf8)
    private static let `false`: [UInt8] = Array("false".utf8)
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}
