import Foundation
import PledgeCore

/// A file's rows, checked block by block in line order, so a load can stage and merge one block
/// while the next is checked. The header is settled when it is made; each `next` checks the
/// following rows (on every core for a large file) and refuses a row whose natural key an
/// earlier row of the file, in this block or any before, already has.
public struct RowCheck<Value: Sendable>: Sendable {
    /// The file's header and its file-level problems; no rows.
    public private(set) var head: ParsedFile<Value>
    let map: HeaderMap?
    let dataRows: [SheetRow]
    let body: @Sendable (inout RowReader) -> Value?
    let key: @Sendable (Value) -> String
    let parallel: Bool
    var seen: [String: Int] = [:]
    /// Data rows checked so far.
    public private(set) var checked = 0

    init(head: ParsedFile<Value>, map: HeaderMap?, dataRows: [SheetRow],
         key: @escaping @Sendable (Value) -> String, body: @escaping @Sendable (inout RowReader) -> Value?) {
        self.head = head; self.map = map; self.dataRows = map == nil ? [] : dataRows
        self.key = key; self.body = body
        parallel = dataRows.count >= 20_000 && ProcessInfo.processInfo.activeProcessorCount > 1
    }

    /// Data rows in the file (blank rows left out).
    public var total: Int { dataRows.count }
    public var done: Bool { checked >= dataRows.count }

    /// The next `count` rows (fewer at the end): the good ones, and the problems and cells of the
    /// others, in line order. Rows are checked independently, on `cores` threads for a large file
    /// (nil: every core); duplicates are settled afterwards.
    public mutating func next(_ count: Int, cores: Int? = nil) -> ParsedFile<Value> {
        var block = ParsedFile<Value>(sheet: head.sheet, header: head.header, headerLine: head.headerLine, rows: [], issues: [],
                                      ignoredHeaders: [], rejected: [])
        block.columns = head.columns
        guard let map, !done else { return block }
        let range = checked..<min(dataRows.count, checked + max(1, count))
        checked = range.upperBound
        let results = check(range, map: map, cores: cores ?? ProcessInfo.processInfo.activeProcessorCount)
        let sheet = head.sheet
        block.rows.reserveCapacity(range.count)
        for (row, result) in zip(dataRows[range], results) {
            var issues = result.issues
            if let value = result.value, issues.isEmpty {
                let k = key(value)
                if let first = seen[k] {
                    issues.append(ImportIssue(sheet: sheet, line: row.line, column: nil, header: nil, value: k, code: "duplicate_row",
                                              zh: "与第 \(first) 行是同一条记录（\(k)）", en: "The same record (\(k)) as line \(first)"))
                } else {
                    seen[k] = row.line
                    block.rows.append(ParsedRow(line: row.line, value: value))
                    continue
                }
            }
            if issues.isEmpty {
                issues.append(ImportIssue(sheet: sheet, line: row.line, column: nil, header: nil, value: "", code: "invalid_row",
                                          zh: "该行无效", en: "The row is not valid"))
            }
            block.issues += issues
            block.rejected.append(row)
        }
        return block
    }

    /// Every remaining row, after the header's own problems: the whole file as one `ParsedFile`.
    public mutating func all() -> ParsedFile<Value> {
        var file = head
        let rest = next(dataRows.count - checked)
        file.rows = rest.rows
        file.issues += rest.issues
        file.rejected = rest.rejected
        return file
    }

    private func check(_ range: Range<Int>, map: HeaderMap, cores: Int) -> [(value: Value?, issues: [ImportIssue])] {
        var out = [(value: Value?, issues: [ImportIssue])](repeating: (nil, []), count: range.count)
        let parts = parallel && range.count >= 2_000 ? max(1, cores) : 1
        let (rows, body, sheet, start) = (dataRows, body, head.sheet, range.lowerBound)
        out.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let buffer = buffer
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let lower = part * buffer.count / parts, upper = (part + 1) * buffer.count / parts
                for i in lower..<upper {
                    var reader = RowReader(row: rows[start + i], map: map, sheet: sheet)
                    let value = body(&reader)
                    buffer[i] = (value, reader.issues)
                }
            }
        }
        return out
    }
}
