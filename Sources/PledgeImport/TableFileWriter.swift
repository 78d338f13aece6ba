import Foundation
import ZIPFoundation

/// A table written to a file row by row, as CSV (UTF-8 with a byte-order mark, CRLF) or as a
/// one-sheet .xlsx, holding no more than a buffer of it in memory: an export of a million rows needs
/// the memory of one of a thousand. The .xlsx sheet's XML goes to a temporary file first and is
/// deflated into the workbook, read back in pieces, by `finish()`.
public final class TableFileWriter {
    public enum Format: String, Sendable { case csv, xlsx }

    public let format: Format
    public let url: URL
    public private(set) var rows = 0
    let name: String
    let header: [String]
    let partURL: URL?
    let handle: FileHandle
    var bytes: [UInt8] = []
    var xml = ""
    var closed = false
    static let flushAt = 1 << 20

    public init(format: Format, name: String, header: [String], to url: URL) throws {
        self.format = format; self.url = url; self.name = name; self.header = header
        let target: URL
        if format == .xlsx {
            target = FileManager.default.temporaryDirectory.appendingPathComponent("pledgematch-sheet-\(UUID().uuidString).xml")
            partURL = target
        } else {
            target = url
            partURL = nil
        }
        try? FileManager.default.removeItem(at: target)
        guard FileManager.default.createFile(atPath: target.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        handle = try FileHandle(forWritingTo: target)
        if format == .csv {
            bytes = [0xEF, 0xBB, 0xBF]
            appendCSV(header)
        } else {
            xml = XLSXWriter.sheetHead(XLSXWriter.Sheet(name: name, header: header, rows: []))
        }
    }

    deinit {
        if !closed { try? handle.close() }
        if let partURL { try? FileManager.default.removeItem(at: partURL) }
    }

    public func append(_ row: [XLSXCell]) throws {
        rows += 1
        switch format {
        case .csv:
            appendCSV(row.map(Self.text))
            if bytes.count >= Self.flushAt { try flush() }
        case .xlsx:
            // The header is row 1 of the sheet.
            XLSXWriter.appendRow(row, number: rows + 1, to: &xml)
            if xml.utf8.count >= Self.flushAt { try flush() }
        }
    }

    /// Completes the file (for .xlsx, builds the workbook at `url`).
    public func finish() throws {
        if format == .xlsx { xml += XLSXWriter.sheetTail }
        try flush()
        closed = true
        try handle.close()
        guard let partURL else { return }
        let part = try FileHandle(forReadingFrom: partURL)
        defer { try? part.close() }
        let size = try part.seekToEnd()
        let archive = try XLSXWriter.package(sheetName: name, to: url)
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(size), compressionMethod: .deflate) { pos, n in
            try part.seek(toOffset: UInt64(pos))
            return try part.read(upToCount: n) ?? Data()
        }
    }

    func flush() throws {
        switch format {
        case .csv:
            if !bytes.isEmpty { try handle.write(contentsOf: bytes) }
            bytes.removeAll(keepingCapacity: true)
        case .xlsx:
            if !xml.isEmpty { try handle.write(contentsOf: Data(xml.utf8)) }
            xml = ""
        }
    }

    func appendCSV(_ fields: [String]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            CSVWriter.appendField(f, to: &bytes)
        }
        bytes.append(contentsOf: [13, 10])
    }

    /// A cell as CSV text: numbers as their exact decimal text, dates as ISO dates.
    public static func text(_ cell: XLSXCell) -> String {
        switch cell {
        case .empty: ""
        case .text(let s): s
        case .number(let v, _): v
        case .date(let d): d.description
        }
    }
}
