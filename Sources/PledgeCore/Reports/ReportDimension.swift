/// The ways a monthly series is broken down. Raw values are the API and database spelling.
///
/// A loan is classified once, when its first entry is posted: its bank and product, the IP type of
/// the pledged asset of highest appraised value (a loan pledging a patent and a trademark counts under
/// the one worth more, so the rows of every breakdown add up to the total), and its firm's industry,
/// park/town and size at that moment. A firm is counted as new once, under the keys of its first loan.
public enum ReportDimension: String, CaseIterable, Sendable {
    case bank
    case product
    case ipType = "ip_type"
    case industry
    case town
    case size

    public var label: Label {
        switch self {
        case .bank: Label("银行", "Bank")
        case .product: Label("产品", "Product")
        case .ipType: Label("质押知识产权类型", "IP type pledged")
        case .industry: Label("行业", "Industry")
        case .town: Label("园区/镇街", "Park or town")
        case .size: Label("企业规模", "Firm size")
        }
    }

    /// Labels of the keys the core knows itself; banks, products, industries and towns come from data.
    public static func fixedLabel(dimension: ReportDimension, key: String) -> Label? {
        switch dimension {
        case .ipType:
            if key == "none" { return Label("未登记质押物", "no pledge recorded") }
            return IPType(rawValue: key)?.label
        case .size:
            switch key {
            case "micro": return Label("微型企业", "micro")
            case "small": return Label("小型企业", "small")
            case "medium": return Label("中型企业", "medium")
            case "large": return Label("大型企业", "large")
            default: return nil
            }
        case .town: return Label(key, key)
        default: return nil
        }
    }
}
