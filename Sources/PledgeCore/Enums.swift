/// Kinds of intellectual property a firm can pledge. Raw values are the API and database spelling.
public enum IPType: String, CaseIterable, Sendable, Codable, Labelled {
    case invention                       // 发明专利
    case utilityModel = "utility_model"  // 实用新型专利
    case design                          // 外观设计专利
    case trademark                       // 商标
    case giCollectiveMark = "gi_collective_mark" // 地理标志集体商标，如“涪陵榨菜”
    case copyright                       // 著作权（含软件著作权）

    public var isPatent: Bool { self == .invention || self == .utilityModel || self == .design }
    public var isMark: Bool { self == .trademark || self == .giCollectiveMark }

    public var label: Label {
        switch self {
        case .invention: Label("发明专利", "invention patent")
        case .utilityModel: Label("实用新型专利", "utility model")
        case .design: Label("外观设计专利", "design patent")
        case .trademark: Label("商标", "trademark")
        case .giCollectiveMark: Label("地理标志集体商标", "geographical-indication collective mark")
        case .copyright: Label("著作权", "copyright")
        }
    }
}

/// Legal status of an asset at the registry (法律状态).
public enum LegalStatus: String, CaseIterable, Sendable, Codable, Labelled {
    case pending      // 申请中 / 审查中
    case inForce = "in_force"  // 有效
    case expired      // 期限届满
    case invalidated  // 被宣告无效
    case lapsed       // 未缴年费终止
    case frozen       // 被冻结（保全）
    case disputed     // 权属纠纷中

    public var label: Label {
        switch self {
        case .pending: Label("申请中", "pending")
        case .inForce: Label("有效", "in force")
        case .expired: Label("期限届满", "expired")
        case .invalidated: Label("被宣告无效", "invalidated")
        case .lapsed: Label("未缴年费终止", "lapsed for unpaid annuities")
        case .frozen: Label("被冻结", "frozen")
        case .disputed: Label("权属纠纷中", "in an ownership dispute")
        }
    }
}

public enum FirmSize: String, CaseIterable, Sendable, Codable, Labelled {
    case micro, small, medium, large  // 工信部联企业〔2011〕300号

    public var label: Label {
        switch self {
        case .micro: Label("微型", "micro")
        case .small: Label("小型", "small")
        case .medium: Label("中型", "medium")
        case .large: Label("大型", "large")
        }
    }
}

public enum ValuationMethod: String, CaseIterable, Sendable, Codable, Labelled {
    case income, market, cost

    public var label: Label {
        switch self {
        case .income: Label("收益法", "income")
        case .market: Label("市场法", "market")
        case .cost: Label("成本法", "cost")
        }
    }
}

extension CaseIterable where Self: RawRepresentable, RawValue == String {
    /// Parses a raw value or records a field error listing the accepted values.
    public static func parse(_ raw: String, field: String, label: Label, into checker: inout Checker) -> Self? {
        if let value = Self(rawValue: raw) { return value }
        let allowed = allCases.map(\.rawValue).joined(separator: ", ")
        checker.add(.init("unknown_value", field: field, zh: "\(label.zh)取值无效，可选：\(allowed)",
                          en: "\(label.en) is not a known value; one of: \(allowed)"))
        return nil
    }
}
