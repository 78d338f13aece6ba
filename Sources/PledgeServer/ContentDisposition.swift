/// `Content-Disposition: attachment` for a file name built from data (a product's code): RFC 6266
/// with a plain `filename` of safe characters only and the exact name in `filename*`, so no quote,
/// semicolon or line break in a code can break the header.
enum ContentDisposition {
    static func attachment(_ name: String) -> String {
        let plain = String(name.unicodeScalars.map { isSafe($0) ? Character($0) : "_" })
        var encoded = ""
        for byte in name.utf8 {
            if byte < 0x80, isSafe(Unicode.Scalar(byte)) { encoded.append(Character(Unicode.Scalar(byte))) }
            else { encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) }
        }
        return "attachment; filename=\"\(plain)\"; filename*=UTF-8''\(encoded)"
    }

    private static func isSafe(_ s: Unicode.Scalar) -> Bool {
        s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "." || s == "-" || s == "_")
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
