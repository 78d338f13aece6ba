#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The encodings a CSV arrives in: what Excel, WPS and the offices' systems write. Detected from the
/// bytes alone: a byte-order mark says UTF-8; bytes that are valid UTF-8 are UTF-8; anything else is
/// read as GB18030 (a superset of GBK and GB2312, which Excel in China writes as "CSV").
public enum TextEncoding: String, Sendable, Equatable {
    case utf8 = "UTF-8"
    case utf8BOM = "UTF-8 with BOM"
    case gb18030 = "GB18030"

    public struct DecodingError: Error, Equatable, Sendable {
        public let byteOffset: Int
        public var zh: String { "文件第 \(byteOffset + 1) 字节起既不是 UTF-8 也不是 GB18030 编码" }
        public var en: String { "From byte \(byteOffset + 1) the file is neither UTF-8 nor GB18030" }
    }

    /// The file's text as UTF-8 bytes (without a byte-order mark), and the encoding it was in.
    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> (utf8: [UInt8], encoding: TextEncoding) {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            let rest = Array(bytes[3...])
            if let bad = firstInvalidUTF8(rest) { throw DecodingError(byteOffset: bad + 3) }
            return (rest, .utf8BOM)
        }
        if firstInvalidUTF8(bytes) == nil { return (bytes, .utf8) }
        return (try gb18030ToUTF8(bytes), .gb18030)
    }

    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
    public static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            let n = b.count
            while i < n {
                let c = b[i]
                if c < 0x80 { i += 1; continue }
                let len: Int
                if c & 0xE0 == 0xC0, c >= 0xC2 { len = 2 }
                else if c & 0xF0 == 0xE0 { len = 3 }
                else if c & 0xF8 == 0xF0, c <= 0xF4 { len = 4 }
                else { return i }
                if i + len > n { return i }
                for k in 1..<len where b[i + k] & 0xC0 != 0x80 { return i }
                // Overlong three-byte forms and surrogates, and code points above U+10FFFF.
                if len == 3 {
                    let v = (UInt32(c & 0x0F) << 12) | (UInt32(b[i + 1] & 0x3F) << 6)
                    if v < 0x800 || (0xD800...0xDFFF).contains(v) { return i }
                }
                if len == 4 {
                    let v = (UInt32(c & 0x07) << 18) | (UInt32(b[i + 1] & 0x3F) << 12)
                    if v < 0x10000 || v > 0x10FFFF { return i }
                }
                i += len
            }
            return nil
        }
    }

    /// GB18030 to UTF-8 through the C library's iconv (Foundation on Linux has no GB18030).
    public static func gb18030ToUTF8(_ bytes: [UInt8]) throws(DecodingError) -> [UInt8] {
        try convert(bytes, from: "GB18030", to: "UTF-8")
    }

    /// UTF-8 to GB18030, for writing a test fixture as Excel in China writes it.
    public static func utf8ToGB18030(_ bytes: [UInt8]) throws(DecodingError) -> [UInt8] {
        try convert(bytes, from: "UTF-8", to: "GB18030")
    }

    static func convert(_ input: [UInt8], from: String, to: String) throws(DecodingError) -> [UInt8] {
        let cd = iconv_open(to, from)
        guard cd != iconv_t(bitPattern: -1) else { throw DecodingError(byteOffset: 0) }
        defer { iconv_close(cd) }
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var failedAt: Int? = nil
        var produced = 0
        var source = input
        source.withUnsafeMutableBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                var inPtr = UnsafeMutableRawPointer(src.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
                var inLeft = src.count
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(dst.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = dst.count
                if src.count > 0 {
                    let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    if r == -1 { failedAt = src.count - inLeft }
                }
                produced = dst.count - outLeft
            }
        }
        if let failedAt { throw DecodingError(byteOffset: failedAt) }
        output.removeSubrange(produced...)
        return output
    }
}
