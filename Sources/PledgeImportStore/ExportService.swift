import Foundation
import Logging
import PledgeCore
import PledgeImport
import PledgeStore
import PostgresNIO

/// A table to write as .xlsx or CSV: the import's own headers, so an exported file, edited in a
/// spreadsheet, imports again. Held in memory: for small tables and tests; an export of a whole
/// table goes through `ExportService.write`, row by row.
public struct ExportTable: Sendable {
    public var name: String
    public var header: [String]
    public var rows: [[XLSXCell]]

    public func csv() -> [UInt8] {
        CSVWriter.render([header] + rows.map { $0.map(TableFileWriter.text) })
    }

    public func xlsx(to url: URL) throws {
        try XLSXWriter.write(XLSXWriter.Sheet(name: name, header: header, rows: rows), to: url)
    }

    public func xlsx() throws -> [UInt8] {
        try XLSXWriter.data(XLSXWriter.Sheet(name: name, header: header, rows: rows))
    }
}

/// What one caller may receive of a table: everything (staff, the CLI), or a bank officer's share:
/// the firms in `firmIds` (those whose consent to share with the bank is in force) and the loans of
/// `bankId`. The server decides the scope; the database's row-level security holds the same line.
public struct ExportScope: Sendable, Equatable {
    public var firmIds: [Int64]?
    public var bankId: Int64?
    public init(firmIds: [Int64]? = nil, bankId: Int64? = nil) { self.firmIds = firmIds; self.bankId = bankId }
    public static let everything = ExportScope()
}

/// Reads the tables out in the import's layout. Queries go through `Database`, so inside a request
/// they run on its connection and in its transaction (a bank officer's under row-level security).
public struct ExportService: StoreBacked {
    package let access: StoreAccess

    public init(client: PostgresClient, logger: Logger) { access = StoreAccess(client, logger: logger) }

    static func headers(_ kind: ImportKind, _ keys: [String]) -> [String] {
        keys.map { k in kind.fields.first { $0.key == k }!.header }
    }

    static func yuan(_ fen: Int64?) -> XLSXCell {
        guard let fen else { return .empty }
        return .number(ReportSheets.yuan(fen), .yuan)
    }

    static func int<I: BinaryInteger>(_ v: I?) -> XLSXCell { v.map { .number(String($0), .integer) } ?? .empty }
    static func date(_ d: CivilDate?) -> XLSXCell { d.map { .date($0) } ?? .empty }
    static func yes(_ b: Bool) -> XLSXCell { .text(b ? "是" : "否") }
    static let sizeZh: [String: String] = ["micro": "微型", "small": "小型", "medium": "中型", "large": "大型"]
    static let methodZh: [String: String] = ["income": "收益法", "market": "市场法", "cost": "成本法"]

    /// The whole table in memory (see `ExportTable`).
    public func table(_ kind: ImportKind, scope: ExportScope = .everything) async throws -> ExportTable {
        let query = ExportQuery.of(kind)
        var rows: [[XLSXCell]] = []
        try await each(query, scope: scope) { rows.append($0) }
        return ExportTable(name: query.name, header: Self.headers(kind, query.keys), rows: rows)
    }

    /// Writes the table to `url` row by row, a page of rows read at a time; returns the number of rows.
    public func write(_ kind: ImportKind, scope: ExportScope = .everything, format: TableFileWriter.Format, to url: URL) async throws -> Int {
        let query = ExportQuery.of(kind)
        let writer = try TableFileWriter(format: format, name: query.name, header: Self.headers(kind, query.keys), to: url)
        try await each(query, scope: scope) { try writer.append($0) }
        try writer.finish()
        return writer.rows
    }

    /// Every row of the table, in pages of `pageSize` that each start after the last row of the one
    /// before (keyset paging on the table's order): each page is a short statement, so a table of
    /// any size stays within a request's statement limit, and no more than a page is held at once.
    func each(_ query: ExportQuery, scope: ExportScope, pageSize: Int = 10_000,
              _ body: ([XLSXCell]) throws -> Void) async throws {
        var after = [Int64](repeating: .min, count: query.order.count)
        while true {
            var binds = PostgresBindings()
            binds.append(scope.firmIds)
            binds.append(scope.bankId)
            for k in after { binds.append(k) }
            let keys = (0..<after.count).map { "$\($0 + 3)" }.joined(separator: ", ")
            let sql = """
                SELECT \(query.columns), \(query.order.joined(separator: ", ")) \(query.from)
                  AND ($1::bigint[] IS NULL OR \(query.firmColumn) = ANY($1)) AND ($2::bigint IS NULL OR \(query.bankColumn ?? "$2") = $2)
                  AND (\(query.order.joined(separator: ", "))) > (\(keys))
                ORDER BY \(query.order.joined(separator: ", ")) LIMIT \(pageSize)
                """
            var count = 0
            for try await r in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
                let c = try r.makeRandomAccess()
                try body(try query.row(c))
                after = try (0..<after.count).map { try c[query.width + $0].decode(Int64.self) }
                count += 1
            }
            if count < pageSize { return }
        }
    }

    /// A finance-bureau report as a workbook: its title, its parameters, the header with units, and
    /// numbers as numbers (amounts #,##0.00, percentages 0.00%, counts 0), not text.
    public static func report(_ sheet: ReportSheet, to url: URL) throws {
        try XLSXWriter.write(reportSheet(sheet), to: url)
    }

    public static func report(_ sheet: ReportSheet) throws -> [UInt8] {
        try XLSXWriter.data(reportSheet(sheet))
    }

    static func reportSheet(_ sheet: ReportSheet) -> XLSXWriter.Sheet {
        var title: [[String]] = [["\(sheet.title.zh) \(sheet.title.en)"]]
        title += sheet.parameters.map { [$0.0, $0.1] }
        let rows: [[XLSXCell]] = sheet.rows.map { row in
            row.enumerated().map { i, v in
                guard sheet.numeric.contains(i), !v.isEmpty else { return v.isEmpty ? .empty : .text(v) }
                if v.hasSuffix("%") {
                    // 45.67% → 0.4567 shown as a percentage.
                    let bp = Normalize.basisPoints(v, headerPercent: true) ?? 0
                    let sign = bp < 0 ? "-" : ""
                    let m = abs(bp)
                    return .number("\(sign)\(m / 10000).\(String(m % 10000 + 10000).dropFirst())", .percent)
                }
                if v.contains(".") { return .number(v, .yuan) }
                return Int(v) != nil ? .number(v, .integer) : .text(v)
            }
        }
        return XLSXWriter.Sheet(name: sheet.title.zh, titleRows: title, header: sheet.header, rows: rows)
    }
}
