import PledgeCore

/// A file's header row matched to fields.
public struct HeaderMap: Sendable {
    public struct Column: Sendable {
        public let spec: FieldSpec
        public let index: Int
        public let header: String
        public let unit: Normalize.MoneyUnit?
        public let percent: Bool
    }

    public var columns: [String: Column] = [:]
    public var ignored: [String] = []
    public var issues: [ImportIssue] = []

    public subscript(_ key: String) -> Column? { columns[key] }

    static let moneySuffixes: [(String, Normalize.MoneyUnit)] = [
        ("(元)", .yuan), ("(人民币元)", .yuan), ("(单位元)", .yuan), ("(yuan)", .yuan), ("(cny)", .yuan), ("(rmb)", .yuan),
        ("/元", .yuan), ("元", .yuan), ("(rmbyuan)", .yuan),
        ("(万元)", .wanYuan), ("(单位万元)", .wanYuan), ("(人民币万元)", .wanYuan), ("(10kyuan)", .wanYuan),
        ("(wanyuan)", .wanYuan), ("(10,000yuan)", .wanYuan), ("(tenthousandyuan)", .wanYuan), ("/万元", .wanYuan), ("万元", .wanYuan),
        ("(分)", .fen), ("(fen)", .fen), ("fen", .fen),
    ]
    static let rateSuffixes: [(String, Bool)] = [
        ("(%)", true), ("%", true), ("(年化%)", true), ("(年%)", true), ("(percent)", true),
        ("(bp)", false), ("(基点)", false), ("bp", false),
    ]

    /// Matches a header row; `kind` says which fields there are. Every field may be missing here:
    /// the row checks say which ones a row needs.
    public static func match(_ header: SheetRow, kind: ImportKind, sheet: String) -> HeaderMap {
        var map = HeaderMap()
        for (i, raw) in header.cells.enumerated() {
            let key = Normalize.headerKey(raw)
            if key.isEmpty { continue }
            var found: (FieldSpec, Normalize.MoneyUnit?, Bool)? = nil
            var unitless: FieldSpec? = nil
            specs: for spec in kind.fields {
                for alias in spec.aliases {
                    switch spec.kind {
                    case .money:
                        if key == alias { unitless = spec; continue }
                        for (suffix, unit) in moneySuffixes where key == alias + suffix { found = (spec, unit, false); break specs }
                    case .rate:
                        // A rate column without a unit is in percent, as rates are written in China.
                        if key == alias { found = (spec, nil, true); break specs }
                        for (suffix, percent) in rateSuffixes where key == alias + suffix { found = (spec, nil, percent); break specs }
                    default:
                        if key == alias { found = (spec, nil, false); break specs }
                    }
                }
            }
            if found == nil, let unitless {
                map.issues.append(ImportIssue(
                    sheet: sheet, line: header.line, column: columnLetter(i), header: raw, value: "", code: "amount_unit_missing",
                    zh: "金额列的标题必须写明单位，如「\(unitless.label.zh)（元）」或「\(unitless.label.zh)（万元）」",
                    en: "An amount column's header must name its unit, e.g. \"\(unitless.label.zh)（元）\" or \"\(unitless.label.zh)（万元）\""))
                continue
            }
            guard let (spec, unit, percent) = found else { map.ignored.append(raw); continue }
            if let earlier = map.columns[spec.key] {
                map.issues.append(ImportIssue(
                    sheet: sheet, line: header.line, column: columnLetter(i), header: raw, value: "", code: "duplicate_column",
                    zh: "与 \(columnLetter(earlier.index)) 列「\(earlier.header)」是同一字段（\(spec.label.zh)）",
                    en: "Same field (\(spec.label.en)) as column \(columnLetter(earlier.index)) (\(earlier.header))"))
                continue
            }
            map.columns[spec.key] = Column(spec: spec, index: i, header: raw, unit: unit, percent: percent)
        }
        return map
    }

    /// The header row: among the first rows, the first that names at least two fields (an office's
    /// export may start with a title line or a search summary).
    public static func find(in rows: [SheetRow], kind: ImportKind, sheet: String) -> (index: Int, map: HeaderMap)? {
        var best: (Int, HeaderMap)? = nil
        for (i, row) in rows.prefix(15).enumerated() {
            let map = match(row, kind: kind, sheet: sheet)
            if map.columns.count + map.issues.count >= 2 {
                if best == nil || map.columns.count > best!.1.columns.count { best = (i, map) }
                if map.columns.count >= 3 { return (i, map) }
            }
        }
        return best
    }
}
