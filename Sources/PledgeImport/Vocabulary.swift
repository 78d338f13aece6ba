import Foundation
import PledgeCore

/// Categories as people write them, to the values the core takes. Documented in docs/import.md.
public enum Vocabulary {
    public static func firmSize(_ raw: String) -> String {
        let s = Normalize.nameKey(raw).lowercased()
        switch s {
        case "微型", "微型企业", "微", "micro": return "micro"
        case "小型", "小型企业", "小", "small": return "small"
        case "中型", "中型企业", "中", "medium": return "medium"
        case "大型", "大型企业", "大", "large": return "large"
        default: return Normalize.text(raw)
        }
    }

    public static func ipType(_ raw: String) -> IPType? {
        let s = Normalize.nameKey(raw).lowercased()
        if let t = IPType(rawValue: s) { return t }
        switch s {
        case "发明", "发明专利", "发明申请", "发明授权", "发明专利申请", "invention", "inventionpatent": return .invention
        case "实用新型", "实用新型专利", "新型", "utilitymodel", "utility": return .utilityModel
        case "外观设计", "外观设计专利", "外观", "design", "designpatent": return .design
        case "商标", "普通商标", "注册商标", "商品商标", "服务商标", "trademark", "mark": return .trademark
        case "地理标志", "地理标志集体商标", "地理标志证明商标", "集体商标", "证明商标", "gi", "gimark", "geographicalindication":
            return .giCollectiveMark
        case "著作权", "版权", "软件著作权", "计算机软件著作权", "作品著作权", "软著", "copyright": return .copyright
        default: return nil
        }
    }

    /// A patent number's type digit says the type (1 and 8 invention, 2 and 9 utility model, 3 design).
    public static func ipType(fromNumber raw: String) -> IPType? {
        guard case .success(let n) = PatentNumber.parse(Normalize.halfWidth(raw)) else { return nil }
        switch n.kind {
        case .invention, .pctInvention: return .invention
        case .utilityModel, .pctUtilityModel: return .utilityModel
        case .design: return .design
        }
    }

    /// 法律状态 / 商标状态 as the offices and people write them. `失效` (no longer in force, cause not
    /// given) is read as expired when the term has run out and as lapsed otherwise.
    public enum Status: Equatable, Sendable { case known(LegalStatus), notInForce }

    public static func legalStatus(_ raw: String) -> Status? {
        let s = Normalize.nameKey(raw).lowercased()
        if let v = LegalStatus(rawValue: s) { return .known(v) }
        // Without a separator the list is the one item `s` (Normalize.list).
        if !Normalize.mayHoldSeparator(raw) { return single(s) }
        // An office's status may list several facts ("有效;质押"): the first that names a status counts.
        let parts = Normalize.list(raw).map { Normalize.nameKey($0).lowercased() }
        for p in parts.isEmpty ? [s] : parts {
            if let v = single(p) { return v }
        }
        return nil
    }

    static func single(_ s: String) -> Status? {
        switch s {
        case "有效", "授权", "已授权", "专利权维持", "维持", "有权", "商标已注册", "已注册", "注册", "注册商标", "inforce", "granted", "valid", "registered", "active":
            return .known(.inForce)
        case "审中", "在审", "实质审查", "实审", "公开", "审查中", "申请中", "初审公告", "商标初审公告", "注册申请中", "商标注册申请中",
             "等待实质审查", "受理", "待审", "pending", "underexamination", "published":
            return .known(.pending)
        case "期限届满", "届满", "专利权届满", "期满终止", "保护期届满", "商标已过期", "已过期", "过期", "expired":
            return .known(.expired)
        case "未缴年费", "未缴年费专利权终止", "未缴年费终止", "专利权终止", "终止", "放弃", "视为放弃", "避重放弃", "lapsed", "abandoned":
            return .known(.lapsed)
        case "全部无效", "被宣告无效", "宣告无效", "无效", "商标已无效", "已无效", "撤销", "已撤销", "商标已撤销", "invalidated", "invalid", "revoked":
            return .known(.invalidated)
        case "冻结", "保全", "被冻结", "查封", "frozen", "seized":
            return .known(.frozen)
        case "权属纠纷", "纠纷", "权属纠纷中", "诉讼中止", "disputed", "indispute":
            return .known(.disputed)
        case "失效", "已失效", "notinforce", "inactive":
            return .notInForce
        default:
            return nil
        }
    }

    public static func valuationMethod(_ raw: String) -> String {
        switch Normalize.nameKey(raw).lowercased() {
        case "收益法", "收益现值法", "收益", "income", "incomeapproach": return "income"
        case "市场法", "市场比较法", "现行市价法", "市场", "market", "marketapproach": return "market"
        case "成本法", "重置成本法", "成本", "cost", "costapproach": return "cost"
        default: return Normalize.text(raw)
        }
    }

    /// `30`, `第30类`, `30类`, `cl. 30` → 30.
    public static func niceClass(_ raw: String) -> Int? {
        let digits = Normalize.halfWidth(raw).filter { $0.isASCII && $0.isNumber }
        let rest = Normalize.halfWidth(raw).filter { !($0.isASCII && $0.isNumber) }
        guard !digits.isEmpty, digits.count <= 2,
              ["", "第类", "类", "第", "cl.", "class", "cl"].contains(rest.lowercased().replacingOccurrences(of: " ", with: "")) else { return nil }
        return Int(digits)
    }

    /// An asset number as stored: a patent's canonical form, a mark's digits, anything else trimmed.
    public static func canonicalNumber(_ raw: String, type: IPType?) -> String {
        let s = Normalize.halfWidth(raw)
        if type == nil || type!.isPatent, case .success(let n) = PatentNumber.parse(s) { return n.description }
        if type?.isMark == true || (type == nil && s.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == " " })) {
            var d = s.filter { !$0.isWhitespace }
            if d.hasPrefix("第"), d.hasSuffix("号") { d = String(d.dropFirst().dropLast()) }
            return d
        }
        return s
    }
}

/// Reference data a row needs: the industries, and the firms already registered (to link assets,
/// licences and loans to their owner by credit code, or by exact name when an office export has none).
public struct ImportReference: Sendable {
    public struct Industry: Sendable {
        public let code: String
        public let zh: String
        public let en: String
        public init(code: String, zh: String, en: String) { self.code = code; self.zh = zh; self.en = en }
    }

    public var today: CivilDate
    public var industries: [Industry]
    public var firmsByCode: [String: Int64]
    public var firmsByName: [String: [Int64]]

    public init(today: CivilDate, industries: [Industry], firms: [(id: Int64, creditCode: String, name: String)] = []) {
        self.today = today
        self.industries = industries
        var byCode: [String: Int64] = [:]
        var byName: [String: [Int64]] = [:]
        byCode.reserveCapacity(firms.count)
        for f in firms {
            byCode[f.creditCode] = f.id
            byName[Normalize.nameKey(f.name), default: []].append(f.id)
        }
        self.firmsByCode = byCode
        self.firmsByName = byName
    }

    /// An industry by its code, its Chinese name (with or without the part in brackets) or its English name.
    public func industry(_ raw: String) -> String? {
        let key = Normalize.nameKey(raw)
        let lower = key.lowercased()
        for i in industries {
            if i.code == lower || Normalize.nameKey(i.zh) == key || Normalize.nameKey(i.en).lowercased() == lower { return i.code }
            if let cut = i.zh.firstIndex(where: { $0 == "（" || $0 == "(" }), Normalize.nameKey(String(i.zh[..<cut])) == key { return i.code }
        }
        return nil
    }
}
