import Foundation
import PledgeCore
import PledgeWorkflows

/// The candidate list as a spreadsheet a bank officer opens in Excel: UTF-8 with a byte-order mark
/// (without it Excel reads Chinese as GBK), CRLF lines, every field quoted. Industries are named, and
/// the time is Beijing time with its offset, as everywhere a person reads one.
enum CandidateCSV {
    static func render(product: ProductInput, filter: CandidateFilter, asOf: CivilDate, generatedAt: Date,
                       candidates: [RankedCandidate]) -> String {
        var lines: [[String]] = [
            ["产品 Product", "\(product.name)（\(product.code)）"],
            ["测算日 As of", asOf.description],
            ["筛选 Filters", describe(filter)],
            ["生成时间 Generated", generatedAt.beijingText],
            [],
            ["排名 Rank", "企业ID Firm ID", "企业名称 Firm", "行业 Industry", "园区/镇街 Park or town",
             "评分 Score", "可贷额度（元）Capacity (yuan)"],
        ]
        for c in candidates {
            lines.append([String(c.rank), String(c.firm.id), c.firm.name, IndustryNames.label(c.firm.industryCode).zh, c.firm.town,
                          String(format: "%.2f", Double(c.key.centiPoints) / 100), yuan(c.key.capacityFen)])
        }
        return "\u{FEFF}" + lines.map { $0.map(quote).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func quote(_ field: String) -> String {
        // A leading = + - @ would make Excel run the cell as a formula; a quote mark keeps it text.
        let safe = field.first.map { "=+-@".contains($0) } == true ? "'" + field : field
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func yuan(_ fen: Fen) -> String {
        "\(fen / 100).\(fen % 100 < 10 ? "0" : "")\(fen % 100)"
    }

    static func describe(_ f: CandidateFilter) -> String {
        var parts: [String] = []
        // Named as a person reads them, never by code: 行业 Industry: 新能源及新型储能 New energy and energy storage.
        func both(_ l: Label) -> String { l.zh == l.en ? l.zh : "\(l.zh) \(l.en)" }
        if let v = f.industryCode { parts.append("行业 Industry: \(both(IndustryNames.label(v)))") }
        if let v = f.town { parts.append("园区/镇街 Park or town: \(v)") }
        if let v = f.ipType { parts.append("知识产权类型 IP type: \(both(v.label))") }
        if let v = f.minCentiPoints { parts.append("最低评分 Minimum score: \(String(format: "%.2f", Double(v) / 100))") }
        if let v = f.minCapacityFen { parts.append("最低可贷额度（元）Minimum capacity (yuan): \(yuan(v))") }
        return parts.isEmpty ? "无 none" : parts.joined(separator: "; ")
    }
}
