import Foundation

/// Opens a file people have: `.xlsx` (the first sheet or a named one) or CSV in any of the encodings
/// TextEncoding detects.
public enum SourceFile {
    public enum Format: String, Sendable { case xlsx, csv }

    public struct Read: Sendable {
        public var table: SheetTable
        public var format: Format
        /// The CSV's encoding; nil for .xlsx.
        public var encoding: TextEncoding?
    }

    public static func format(of url: URL) -> Format {
        url.pathExtension.lowercased() == "xlsx" || url.pathExtension.lowercased() == "xlsm" ? .xlsx : .csv
    }

    public static func read(_ url: URL, sheet: String? = nil) throws -> Read {
        try read(data: try Data(contentsOf: url), name: url.lastPathComponent, format: format(of: url), sheet: sheet)
    }

    public static func read(data: Data, name: String, format: Format, sheet: String? = nil) throws -> Read {
        // A zip (PK\3\4) is a workbook whatever it is called.
        if format == .xlsx || data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return Read(table: try XLSXReader.read(data: data, sheet: sheet), format: .xlsx, encoding: nil)
        }
        let (table, encoding) = try CSVReader.read(bytes: [UInt8](data), name: name)
        return Read(table: table, format: .csv, encoding: encoding)
    }
}

/// The rows a run refused, as the file had them, with a last column giving the reasons: correct
/// them in a spreadsheet and import the file again (the reasons column is ignored then).
public enum RejectsFile {
    public static func rows(header: [String], rejected: [SheetRow], issues: [ImportIssue]) -> [[String]] {
        let reasons = Dictionary(grouping: issues.filter { $0.line != nil }, by: { $0.line! })
        let width = max(header.count, rejected.map(\.cells.count).max() ?? 0)
        func pad(_ cells: [String]) -> [String] { cells + Array(repeating: "", count: max(0, width - cells.count)) }
        var out = [pad(header) + [FileParser.reasonHeader]]
        for row in rejected {
            let text = (reasons[row.line] ?? []).map(\.reason).joined(separator: "；")
            out.append(pad(row.cells) + ["第 \(row.line) 行 line \(row.line): " + text])
        }
        return out
    }

    /// The rejects file's bytes, in the format the import read.
    public static func data(header: [String], rejected: [SheetRow], issues: [ImportIssue], format: SourceFile.Format) throws -> [UInt8] {
        let table = rows(header: header, rejected: rejected, issues: issues)
        switch format {
        case .csv: return CSVWriter.render(table)
        case .xlsx:
            return try XLSXWriter.data(XLSXWriter.Sheet(name: "rejects", header: table[0], rows: table.dropFirst().map { $0.map { .text($0) } }))
        }
    }

    public static func write(header: [String], rejected: [SheetRow], issues: [ImportIssue], format: SourceFile.Format, to url: URL) throws {
        let table = rows(header: header, rejected: rejected, issues: issues)
        switch format {
        case .csv: try Data(CSVWriter.render(table)).write(to: url)
        case .xlsx:
            try XLSXWriter.write(XLSXWriter.Sheet(name: "rejects", header: table[0], rows: table.dropFirst().map { $0.map { .text($0) } }), to: url)
        }
    }
}
