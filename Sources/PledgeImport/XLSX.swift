import Foundation
import PledgeCore
import ZIPFoundation

/// Reads the sheets of an .xlsx workbook (Office Open XML, as Excel, WPS and LibreOffice save it).
/// Cells come back as text: shared and inline strings as they are, numbers as written (at most 15
/// significant digits, as a spreadsheet shows them), dates (numbers in a date format) as `YYYY-MM-DD`.
public enum XLSXReader {
    public struct Failure: Error, Sendable, Equatable {
        public let zh: String
        public let en: String
    }

    public static func sheetNames(data: Data) throws -> [String] {
        let archive = try open(data)
        return try workbook(archive).map(\.name)
    }

    /// The named sheet, or the first one.
    public static func read(data: Data, sheet wanted: String? = nil) throws -> SheetTable {
        let archive = try open(data)
        let sheets = try workbook(archive)
        guard let target = wanted.map({ w in sheets.first { $0.name == w } }) ?? sheets.first else {
            let names = sheets.map(\.name).joined(separator: "、")
            throw Failure(zh: "工作簿中没有名为「\(wanted ?? "")」的工作表（有：\(names)）",
                          en: "The workbook has no sheet named \"\(wanted ?? "")\" (it has: \(names))")
        }
        let shared = (try? entry(archive, "xl/sharedStrings.xml")).map(sharedStrings) ?? []
        let dateStyles = (try? entry(archive, "xl/styles.xml")).map(dateStyleIndexes) ?? []
        let rows = parseSheet(try entry(archive, target.path), shared: shared, dateStyles: dateStyles)
        return SheetTable(name: target.name, rows: rows)
    }

    static func open(_ data: Data) throws -> Archive {
        do { return try Archive(data: data, accessMode: .read) } catch {
            throw Failure(zh: "不是有效的 .xlsx 文件（无法作为 ZIP 打开）", en: "Not a valid .xlsx file (it does not open as ZIP)")
        }
    }

    static func entry(_ archive: Archive, _ path: String) throws -> [UInt8] {
        guard let e = archive[path] else {
            throw Failure(zh: "工作簿缺少 \(path)", en: "The workbook lacks \(path)")
        }
        var out: [UInt8] = []
        out.reserveCapacity(Int(e.uncompressedSize))
        _ = try archive.extract(e, skipCRC32: true) { chunk in out.append(contentsOf: chunk) }
        return out
    }

    static func workbook(_ archive: Archive) throws -> [(name: String, path: String)] {
        var relTargets: [String: String] = [:]
        var scanner = XMLScanner(try entry(archive, "xl/_rels/workbook.xml.rels"))
        while let ev = scanner.next() {
            if case .start("Relationship", let attrs, _) = ev {
                let d = Dictionary(attrs, uniquingKeysWith: { a, _ in a })
                if let id = d["Id"], let target = d["Target"] {
                    relTargets[id] = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
                }
            }
        }
        var sheets: [(String, String)] = []
        scanner = XMLScanner(try entry(archive, "xl/workbook.xml"))
        while let ev = scanner.next() {
            if case .start("sheet", let attrs, _) = ev {
                let d = Dictionary(attrs, uniquingKeysWith: { a, _ in a })
                if let name = d["name"], let id = d["id"], let path = relTargets[id] { sheets.append((name, path)) }
            }
        }
        return sheets
    }

    static func sharedStrings(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        var scanner = XMLScanner(bytes)
        var current = ""
        var inT = false, inPhonetic = false
        while let ev = scanner.next() {
            switch ev {
            case .start("si", _, _): current = ""
            case .start("rPh", _, let closed): inPhonetic = !closed
            case .end("rPh"): inPhonetic = false
            case .start("t", _, let closed): inT = !closed
            case .end("t"): inT = false
            case .text(let t) where inT && !inPhonetic: current += t
            case .end("si"): out.append(current)
            default: break
            }
        }
        return out
    }

    /// Indexes of cell formats (cellXfs) whose number format shows a date.
    static func dateStyleIndexes(_ bytes: [UInt8]) -> Set<Int> {
        var custom: [Int: String] = [:]
        var result: Set<Int> = []
        var scanner = XMLScanner(bytes)
        var inCellXfs = false
        var index = 0
        while let ev = scanner.next() {
            switch ev {
            case .start("numFmt", let attrs, _):
                let d = Dictionary(attrs, uniquingKeysWith: { a, _ in a })
                if let id = d["numFmtId"].flatMap(Int.init), let code = d["formatCode"] { custom[id] = code }
            case .start("cellXfs", _, _): inCellXfs = true
            case .end("cellXfs"): inCellXfs = false
            case .start("xf", let attrs, _) where inCellXfs:
                let d = Dictionary(attrs, uniquingKeysWith: { a, _ in a })
                let id = d["numFmtId"].flatMap(Int.init) ?? 0
                if isDateFormat(id: id, code: custom[id]) { result.insert(index) }
                index += 1
            default: break
            }
        }
        return result
    }

    static func isDateFormat(id: Int, code: String?) -> Bool {
        if let code {
            // Drop quoted text and [colour] parts; a date format has y or d (m alone may be minutes).
            var plain = ""
            var inQuote = false, inBracket = false
            for ch in code.lowercased() {
                if ch == "\"" { inQuote.toggle(); continue }
                if ch == "[" { inBracket = true; continue }
                if ch == "]" { inBracket = false; continue }
                if !inQuote && !inBracket { plain.append(ch) }
            }
            return plain.contains("y") || plain.contains("d") || plain.contains("年") || plain.contains("日")
        }
        return (14...17).contains(id) || id == 22 || (27...36).contains(id) || (50...58).contains(id)
    }

    static func parseSheet(_ bytes: [UInt8], shared: [String], dateStyles: Set<Int>) -> [SheetRow] {
        var rows: [SheetRow] = []
        var scanner = XMLScanner(bytes)
        var cells: [String] = []
        var rowNumber = 0
        var col = 0
        var type = "n", style = 0
        var value = ""
        var inValue = false, inInline = false
        func store() {
            var text: String
            switch type {
            case "s": text = Int(value).flatMap { $0 < shared.count ? shared[$0] : nil } ?? ""
            case "inlineStr", "str", "e": text = value
            case "b": text = value == "1" ? "TRUE" : "FALSE"
            case "d": text = String(value.prefix(10))
            default:
                text = number(value)
                if dateStyles.contains(style), let serial = Double(value), serial >= 1, serial < 2_958_466 {
                    text = Normalize.excelSerial(Int(serial.rounded(.down))).description
                }
            }
            if col >= cells.count { cells.append(contentsOf: repeatElement("", count: col - cells.count + 1)) }
            cells[col] = text
        }
        while let ev = scanner.next() {
            switch ev {
            case .start("row", let attrs, let closed):
                rowNumber = attrs.first { $0.0 == "r" }.flatMap { Int($0.1) } ?? (rowNumber + 1)
                cells.removeAll(keepingCapacity: true)
                col = 0
                if closed { rows.append(SheetRow(line: rowNumber, cells: [])) }
            case .end("row"):
                while cells.last == "" { cells.removeLast() }
                if !cells.isEmpty { rows.append(SheetRow(line: rowNumber, cells: cells)) }
            case .start("c", let attrs, let closed):
                type = "n"; style = 0; value = ""
                var explicit = false
                for (k, v) in attrs {
                    if k == "r", let ref = cellReference(Substring(v)) { col = ref.column; explicit = true }
                    else if k == "t" { type = v }
                    else if k == "s" { style = Int(v) ?? 0 }
                }
                if !explicit { col = cells.count }
                if closed { col += 1 }
            case .end("c"):
                if !value.isEmpty || type == "inlineStr" || type == "str" { store() }
                col += 1
            case .start("v", _, let closed): inValue = !closed
            case .end("v"): inValue = false
            case .start("is", _, _): inInline = true
            case .end("is"): inInline = false
            case .start("t", _, _): break
            case .text(let t) where inValue || inInline: value += t
            default: break
            }
        }
        return rows
    }

    /// A stored number as a spreadsheet shows it: 15 significant digits at most, no exponent for
    /// ordinary magnitudes (Excel stores 0.1+0.2 as 0.30000000000000004 and shows 0.3).
    static func number(_ raw: String) -> String {
        guard raw.contains(where: { $0 == "." || $0 == "E" || $0 == "e" }), let d = Double(raw), d.isFinite else { return raw }
        if abs(d) >= 1e15 || (abs(d) < 1e-6 && d != 0) { return raw }
        var s = String(format: "%.15g", d)
        if s.contains("e") { s = String(format: "%.6f", d) }
        if s.contains(".") { while s.hasSuffix("0") { s.removeLast() }; if s.hasSuffix(".") { s.removeLast() } }
        return s
    }
}

/// A cell to write: text, a number with a format, or a date.
public enum XLSXCell: Sendable, Equatable {
    case text(String)
    /// A number as decimal text (exact: `1234567.89`), shown with `format`.
    case number(String, XLSXNumberFormat)
    case date(CivilDate)
    case empty
}

public enum XLSXNumberFormat: Int, Sendable {
    case integer = 4, yuan = 3, percent = 5, general = 0
}

/// Writes a workbook of one sheet with a bold title row and header, number formats for amounts
/// (#,##0.00), counts, percentages and dates (yyyy-mm-dd), so a spreadsheet computes with the numbers.
public enum XLSXWriter {
    public struct Sheet: Sendable {
        public var name: String
        /// Lines above the header (a report's title and parameters), written as text, the first bold.
        public var titleRows: [[String]]
        public var header: [String]
        public var rows: [[XLSXCell]]
        public var columnWidths: [Int]?
        public init(name: String, titleRows: [[String]] = [], header: [String], rows: [[XLSXCell]], columnWidths: [Int]? = nil) {
            self.name = name; self.titleRows = titleRows; self.header = header; self.rows = rows; self.columnWidths = columnWidths
        }
    }

    // Style indexes in styles.xml below.
    enum Style: Int { case plain = 0, bold = 1, date = 2, yuan = 3, integer = 4, percent = 5, title = 6, text = 7, decimal = 8 }

    /// The workbook's bytes (an HTTP answer, a stored rejects file): written through a private
    /// temporary file, removed again.
    public static func data(_ sheet: Sheet) throws -> [UInt8] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pledgematch-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        try write(sheet, to: url)
        return [UInt8](try Data(contentsOf: url))
    }

    public static func write(_ sheet: Sheet, to url: URL) throws {
        let archive = try package(sheetName: sheet.name, to: url)
        try add(archive, "xl/worksheets/sheet1.xml", sheetXML(sheet))
    }

    static func add(_ archive: Archive, _ path: String, _ text: String) throws {
        let data = Data(text.utf8)
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { pos, size in
            data.subdata(in: Int(pos)..<(Int(pos) + size))
        }
    }

    /// A new workbook file with every part but the sheet itself.
    static func package(sheetName: String, to url: URL) throws -> Archive {
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        func add(_ path: String, _ text: String) throws { try XLSXWriter.add(archive, path, text) }
        try add("[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>
            """)
        try add("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """)
        try add("xl/workbook.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="\(XMLScanner.escape(String(sheetName.prefix(31))))" sheetId="1" r:id="rId1"/></sheets></workbook>
            """)
        try add("xl/_rels/workbook.xml.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>
            """)
        try add("xl/styles.xml", styles)
        return archive
    }

    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts><fonts count="3"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font><font><b/><sz val="14"/><name val="等线"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="9"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
        """

    static func sheetXML(_ sheet: Sheet) -> String {
        var out = sheetHead(sheet)
        var r = sheet.titleRows.count + 1
        for row in sheet.rows {
            r += 1
            appendRow(row, number: r, to: &out)
        }
        out += sheetTail
        return out
    }

    static let sheetTail = "</sheetData></worksheet>"

    /// The sheet's XML up to and including its header row: the frozen pane, column widths, the title rows.
    static func sheetHead(_ sheet: Sheet) -> String {
        var out = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="\(sheet.titleRows.count + 1)" topLeftCell="A\(sheet.titleRows.count + 2)" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>
            """
        let widths: [Int] = sheet.columnWidths ?? sheet.header.map { (h: String) -> Int in
            let w = h.unicodeScalars.reduce(0) { $0 + ($1.value > 0x2E80 ? 2 : 1) }
            return min(40, max(10, w + 2))
        }
        if !widths.isEmpty {
            out += "<cols>"
            for (i, w) in widths.enumerated() { out += "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(w)\" customWidth=\"1\"/>" }
            out += "</cols>"
        }
        out += "<sheetData>"
        var r = 0
        for (k, line) in sheet.titleRows.enumerated() {
            r += 1
            out += "<row r=\"\(r)\">"
            for (i, s) in line.enumerated() where !s.isEmpty { text(s, column: i, row: r, style: k == 0 ? .title : (i == 0 ? .bold : .plain), to: &out) }
            out += "</row>"
        }
        r += 1
        out += "<row r=\"\(r)\">"
        for (i, h) in sheet.header.enumerated() { text(h, column: i, row: r, style: .bold, to: &out) }
        out += "</row>"
        return out
    }

    static func text(_ s: String, column: Int, row r: Int, style: Style, to out: inout String) {
        out += "<c r=\"\(columnLetter(column))\(r)\" t=\"inlineStr\" s=\"\(style.rawValue)\"><is><t xml:space=\"preserve\">\(XMLScanner.escape(s))</t></is></c>"
    }

    /// One data row, numbered `r` as the spreadsheet counts rows.
    static func appendRow(_ row: [XLSXCell], number r: Int, to out: inout String) {
        out += "<row r=\"\(r)\">"
        for (i, cell) in row.enumerated() {
            switch cell {
            case .empty: continue
            case .text(let s): if !s.isEmpty { text(s, column: i, row: r, style: .text, to: &out) }
            case .number(let v, let f):
                let style: Style = switch f { case .integer: .integer; case .yuan: .yuan; case .percent: .percent; case .general: .plain }
                out += "<c r=\"\(columnLetter(i))\(r)\" s=\"\(style.rawValue)\"><v>\(v)</v></c>"
            case .date(let d):
                out += "<c r=\"\(columnLetter(i))\(r)\" s=\"\(Style.date.rawValue)\"><v>\(Normalize.excelSerial(of: d))</v></c>"
            }
        }
        out += "</row>"
    }
}
