/// RFC 4180 CSV as spreadsheets write it: fields optionally in double quotes (a quote inside doubled),
/// line breaks inside quoted fields, CRLF or LF line ends. The delimiter is a comma, or a tab or a
/// semicolon when the first line has those and no comma (Excel's "Unicode text" and European CSV).
public enum CSVReader {
    public static func read(bytes: [UInt8], name: String) throws(TextEncoding.DecodingError) -> (SheetTable, TextEncoding) {
        let (text, encoding) = try TextEncoding.decode(bytes)
        return (SheetTable(name: name, rows: parse(utf8: text)), encoding)
    }

    public static func delimiter(of text: [UInt8]) -> UInt8 {
        var counts: [UInt8: Int] = [:]
        var inQuotes = false
        for b in text {
            if b == UInt8(ascii: "\"") { inQuotes.toggle() }
            if !inQuotes, b == UInt8(ascii: "\n") { break }
            if !inQuotes, b == UInt8(ascii: ",") || b == UInt8(ascii: "\t") || b == UInt8(ascii: ";") { counts[b, default: 0] += 1 }
        }
        if counts[UInt8(ascii: ","), default: 0] > 0 { return UInt8(ascii: ",") }
        if counts[UInt8(ascii: "\t"), default: 0] > 0 { return UInt8(ascii: "\t") }
        if counts[UInt8(ascii: ";"), default: 0] > 0 { return UInt8(ascii: ";") }
        return UInt8(ascii: ",")
    }

    /// Rows of fields, each with the line it starts on (1-based). Blank lines are kept out.
    public static func parse(utf8 text: [UInt8]) -> [SheetRow] {
        let sep = delimiter(of: text)
        let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var rows: [SheetRow] = []
        rows.reserveCapacity(text.count / 64)
        text.withUnsafeBufferPointer { b in
            let n = b.count
            var i = 0
            var line = 1
            var cells: [String] = []
            var rowLine = 1
            var field: [UInt8] = []
            func string(_ start: Int, _ end: Int) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
            }
            while i < n {
                // One field.
                if b[i] == quote {
                    field.removeAll(keepingCapacity: true)
                    i += 1
                    var segment = i
                    while i < n {
                        if b[i] == quote {
                            if i + 1 < n, b[i + 1] == quote {
                                field.append(contentsOf: UnsafeBufferPointer(rebasing: b[segment...i]))
                                i += 2; segment = i; continue
                            }
                            break
                        }
                        if b[i] == lf { line += 1 }
                        i += 1
                    }
                    field.append(contentsOf: UnsafeBufferPointer(rebasing: b[segment..<min(i, n)]))
                    i += 1  // closing quote
                    // Anything after the closing quote up to the delimiter is kept, as spreadsheets do.
                    let tail = i
                    while i < n, b[i] != sep, b[i] != cr, b[i] != lf { i += 1 }
                    if i > tail { field.append(contentsOf: UnsafeBufferPointer(rebasing: b[tail..<i])) }
                    cells.append(String(decoding: field, as: UTF8.self))
                } else {
                    let start = i
                    while i < n, b[i] != sep, b[i] != cr, b[i] != lf { i += 1 }
                    cells.append(string(start, i))
                }
                // What ends it.
                if i >= n { break }
                if b[i] == sep {
                    i += 1
                    if i >= n { cells.append("") }
                    continue
                }
                if b[i] == cr { i += 1 }
                if i < n, b[i] == lf { i += 1 }
                let row = SheetRow(line: rowLine, cells: cells)
                if !(cells.count == 1 && cells[0].isEmpty) { rows.append(row) }
                cells.removeAll(keepingCapacity: true)
                line += 1
                rowLine = line
            }
            if !cells.isEmpty, !(cells.count == 1 && cells[0].isEmpty) { rows.append(SheetRow(line: rowLine, cells: cells)) }
        }
        return rows
    }
}

/// CSV as Excel opens it with Chinese intact: UTF-8 with a byte-order mark, CRLF, fields quoted
/// when they need it. A text cell that starts like a formula gets a leading quote mark.
public enum CSVWriter {
    public static func render(_ rows: [[String]], bom: Bool = true) -> [UInt8] {
        var out: [UInt8] = bom ? [0xEF, 0xBB, 0xBF] : []
        for row in rows {
            for (i, f) in row.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendField(f, to: &out)
            }
            out.append(contentsOf: [13, 10])
        }
        return out
    }

    static func appendField(_ field: String, to out: inout [UInt8]) {
        var f = field
        if let first = f.utf8.first, "=+-@".utf8.contains(first), !looksNumeric(f) { f = "'" + f }
        let needs = f.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
            || f.first?.isWhitespace == true || f.last?.isWhitespace == true
        if needs {
            out.append(UInt8(ascii: "\""))
            for b in f.utf8 {
                if b == UInt8(ascii: "\"") { out.append(b) }
                out.append(b)
            }
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(contentsOf: f.utf8)
        }
    }

    static func looksNumeric(_ s: String) -> Bool {
        var body = Substring(s)
        if body.first == "-" { body = body.dropFirst() }
        return !body.isEmpty && body.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "." }
    }
}
