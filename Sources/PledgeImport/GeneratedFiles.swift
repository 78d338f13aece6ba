import Foundation
import PledgeCore

/// Deterministic files of valid firms and patents, for the import benchmark and the interruption test.
public enum GeneratedFiles {
    public static func creditCode(_ serial: Int) -> String {
        let prefix = "91500102" + String(String(serial).reversed()).padding(toLength: 9, withPad: "0", startingAt: 0)
        return prefix + String(CreditCode.checkCharacter(forPrefix: prefix)!)
    }

    static let industries = ["advanced_materials", "equipment", "biomedicine", "new_energy", "semiconductors",
                             "artificial_intelligence", "food_processing", "other"]
    static let sizes = ["微型", "小型", "中型", "大型"]
    static let towns = ["涪陵高新区", "李渡街道", "白涛街道", "龙桥街道", "江北街道"]

    public static let firmHeader = ["统一社会信用代码", "企业名称", "所属行业", "所在园区/镇街", "企业规模", "成立日期", "年营业收入（元）",
                                    "从业人数", "高新技术企业"]
    public static let assetHeader = ["权利人统一社会信用代码", "知识产权类型", "申请号/注册号", "名称", "申请日", "授权公告日", "法律状态",
                                     "IPC分类", "权利要求数"]

    public static func firmRow(_ i: Int) -> [String] {
        let founded = CivilDate(year: 2000 + i % 20, month: 1 + i % 12, day: 1 + i % 28)!
        return [creditCode(i), "重庆涪陵测试企业\(i)有限公司", industries[i % industries.count], towns[i % towns.count], sizes[i % 4],
                founded.description, "\(1_000_000 + (i % 997) * 10_000).\(String(i % 100 + 100).dropFirst())", "\(10 + i % 500)",
                i % 3 == 0 ? "是" : "否"]
    }

    /// Asset `i` of firm `i / perFirm`: an invention or a utility model with a unique, checked number.
    public static func assetRow(_ i: Int, firms: Int, firstSerial: Int = 0) -> [String] {
        let year = 2016 + i % 10
        let kind = 1 + (i / 10) % 2
        let digits = "\(year)\(kind)" + String(i / 20 + 1_000_000).suffix(7)
        let number = digits + "." + String(PatentNumber.checkCharacter(for: digits))
        let filing = CivilDate(year: year, month: 1 + i % 9, day: 1 + i % 28)!
        return [creditCode(firstSerial + i % firms), kind == 1 ? "发明" : "实用新型", number, "一种测试装置\(i)", filing.description,
                filing.adding(days: 300).description, "有效", kind == 1 ? "B01D 53/00" : "F16B 5/00", "\(1 + i % 20)"]
    }

    public static func firmsCSV(count: Int, firstSerial: Int = 0) -> [UInt8] {
        csv(header: firmHeader, count: count) { firmRow(firstSerial + $0) }
    }

    public static func assetsCSV(count: Int, firms: Int, firstSerial: Int = 0) -> [UInt8] {
        csv(header: assetHeader, count: count) { assetRow($0, firms: firms, firstSerial: firstSerial) }
    }

    static func csv(header: [String], count: Int, row: (Int) -> [String]) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        out.reserveCapacity(count * 150)
        out += Array((header.joined(separator: ",") + "\r\n").utf8)
        for i in 0..<count {
            let cells = row(i)
            for (k, c) in cells.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                out += Array(c.utf8)
            }
            out += [13, 10]
        }
        return out
    }

    /// The same rows as a workbook: dates as dates, amounts and counts as numbers.
    public static func xlsx(header: [String], count: Int, row: (Int) -> [String], to url: URL) throws {
        var rows: [[XLSXCell]] = []
        rows.reserveCapacity(count)
        for i in 0..<count {
            rows.append(row(i).map { c in
                if let d = CivilDate(iso: c) { return .date(d) }
                if !c.isEmpty, c.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), c.count < 12 {
                    return .number(c, c.contains(".") ? .yuan : .integer)
                }
                return .text(c)
            })
        }
        try XLSXWriter.write(XLSXWriter.Sheet(name: "Sheet1", header: header, rows: rows), to: url)
    }
}
