import Foundation
import PledgeCore

/// The candidate list as a spreadsheet a bank officer opens in Excel: UTF-8 with a byte-order mark
/// (without it Excel reads Chinese as GBK), CRLF lines, every field quoted.
enum CandidateCSV {
    static func render(product: ProductInput, filter: CandidateFilter, asOf: CivilDate, generatedAt: Date,
                       candidates: [RankedCandidate]) -> String {
        var lines: [[String]] = [
            ["产品 Product", "\(product.name)（\(product.code)）"],
            ["测算日 As of", asOf.description],
            ["筛选 Filters", describe(filter)],
            ["生成时间 Generated", ISO8601DateFormatter().string(from: generatedAt)],
            [],
            ["排名 Rank", "企业ID Firm ID", "企业名称 Firm", "行业 Industry", "园区/镇街 Park or town",
             "评分 Score", "可贷额度（元）Capacity (yuan)"],
        ]
        for c in candidates {
            lines.append([String(c.rank), String(c.firm.id), c.firm.name, c.firm.industryCode, c.firm.town,
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
        if let v = f.industryCode { parts.append("industryCode=\(v)") }
        if let v = f.town { parts.append("town=\(v)") }
        if let v = f.ipType { parts.append("ipType=\(v.rawValue)") }
        if let v = f.minCentiPoints { parts.append("minScore=\(Double(v) / 100)") }
        if let v = f.minCapacityFen { parts.append("minCapacityFen=\(v)") }
        return parts.isEmpty ? "无 none" : parts.joined(separator: "; ")
    }
}
