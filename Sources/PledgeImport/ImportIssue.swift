import PledgeCore

/// One thing wrong with a file: where (sheet, line, column), the value found, and why, in Chinese
/// and English. A file-level problem (a missing column) has no line.
public struct ImportIssue: Sendable, Equatable, Error {
    public var sheet: String
    public var line: Int?
    /// The column's letter (A, B, …) and its header as the file has it.
    public var column: String?
    public var header: String?
    public var value: String
    public var code: String
    public var zh: String
    public var en: String

    public init(sheet: String, line: Int?, column: String?, header: String?, value: String, code: String, zh: String, en: String) {
        self.sheet = sheet; self.line = line; self.column = column; self.header = header; self.value = value
        self.code = code; self.zh = zh; self.en = en
    }

    /// `企业.csv 第 7 行 D 列「成立日期」值「2025-13-01」：… / line 7, column D (成立日期), value "2025-13-01": …`
    public var text: String {
        var whereZh = sheet, whereEn = sheet
        if let line { whereZh += " 第 \(line) 行"; whereEn += " line \(line)" }
        if let column {
            let h = header.map { "「\($0)」" } ?? ""
            whereZh += " \(column) 列\(h)"
            whereEn += ", column \(column)\(header.map { " (\($0))" } ?? "")"
        }
        let v = value.isEmpty ? "" : " 值「\(value)」"
        let ve = value.isEmpty ? "" : ", value \"\(value)\""
        return "\(whereZh)\(v)：\(zh)\n  \(whereEn)\(ve): \(en)"
    }

    /// The reason as one cell of a rejects file.
    public var reason: String {
        let col = header.map { "【\($0)】" } ?? ""
        return "\(col)\(zh) / \(en)"
    }
}

/// What a row became: its line, and the values ready to store.
public struct ParsedRow<Value: Sendable>: Sendable {
    public var line: Int
    public var value: Value
}

/// The outcome of reading one file of one kind.
public struct ParsedFile<Value: Sendable>: Sendable {
    public var sheet: String
    /// The file's header row, as written, and its line.
    public var header: [String]
    public var headerLine: Int
    public var rows: [ParsedRow<Value>]
    /// Every problem found, in line order.
    public var issues: [ImportIssue]
    /// The fields the file has a column for: a merge changes only these (and what they derive).
    public var columns: Set<String> = []
    /// Headers that matched no field (ignored, reported so a typo is seen).
    public var ignoredHeaders: [String]
    /// Lines of rows that had problems, with the row's cells, for a rejects file.
    public var rejected: [SheetRow]
    public var dataRows: Int { rows.count + rejected.count }
    /// Issues that concern the whole file (no line): these stop any import.
    public var fileIssues: [ImportIssue] { issues.filter { $0.line == nil } }
}
