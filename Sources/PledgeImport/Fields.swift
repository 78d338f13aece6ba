import PledgeCore

/// What can be imported (and exported).
public enum ImportKind: String, CaseIterable, Sendable {
    case firms, assets, valuations, licences, loans

    public var label: Label {
        switch self {
        case .firms: Label("企业", "firms")
        case .assets: Label("知识产权", "IP assets")
        case .valuations: Label("评估报告", "valuations")
        case .licences: Label("地理标志使用许可", "GI licences")
        case .loans: Label("历史贷款", "loans")
        }
    }

    public var fields: [FieldSpec] {
        switch self {
        case .firms: FieldSpec.firms
        case .assets: FieldSpec.assets
        case .valuations: FieldSpec.valuations
        case .licences: FieldSpec.licences
        case .loans: FieldSpec.loans
        }
    }
}

/// One importable field: its key (the API's field name), the header an export writes, the headers
/// an import accepts (Chinese and English, the offices' export names, common variants), and what
/// kind of value it holds. The table is documented in docs/import.md.
public struct FieldSpec: Sendable {
    public enum ValueKind: Sendable, Equatable {
        case text, date, integer, bool, list
        /// An amount whose unit (元, 万元, 分) the header must name.
        case money
        /// A rate whose unit (% or bp) the header names.
        case rate
        /// A term of protection written as two dates (专用权期限).
        case dateRange
    }

    public let key: String
    /// The header an export writes (Chinese, with the unit where there is one).
    public let header: String
    public let label: Label
    public let kind: ValueKind
    public let aliases: [String]

    init(_ key: String, _ zh: String, _ en: String, _ aliases: [String], kind: ValueKind = .text, header: String? = nil) {
        self.key = key
        self.label = Label(zh, en)
        self.kind = kind
        self.header = header ?? zh
        self.aliases = ([zh, en, key] + aliases).map(Normalize.headerKey)
    }

    static let firms: [FieldSpec] = [
        .init("creditCode", "统一社会信用代码", "credit code", ["信用代码", "社会信用代码", "统一信用代码", "unified social credit code", "uscc", "企业信用代码"]),
        .init("name", "企业名称", "firm name", ["名称", "单位名称", "公司名称", "企业", "name", "company name", "company"]),
        .init("industryCode", "所属行业", "industry", ["行业", "行业代码", "产业", "所属产业", "行业类别", "industry code"]),
        .init("town", "所在园区/镇街", "park or town", ["园区", "镇街", "所在镇街", "所在园区", "所在地", "街道/镇", "town", "park"]),
        .init("size", "企业规模", "firm size", ["规模", "企业规模类型", "size"]),
        .init("foundedOn", "成立日期", "founding date", ["成立时间", "设立日期", "founded", "founded on", "date founded", "date of establishment"], kind: .date),
        .init("annualRevenueFen", "年营业收入", "annual revenue", ["营业收入", "营收", "上年营业收入", "revenue"], kind: .money, header: "年营业收入（元）"),
        .init("rdExpenseFen", "研发费用", "R&D expense", ["研发投入", "研发经费", "rd expense", "r&d expenses", "research and development expense"], kind: .money, header: "研发费用（元）"),
        .init("totalAssetsFen", "资产总额", "total assets", ["总资产", "assets"], kind: .money, header: "资产总额（元）"),
        .init("totalLiabilitiesFen", "负债总额", "total liabilities", ["总负债", "liabilities"], kind: .money, header: "负债总额（元）"),
        .init("employees", "从业人数", "employees", ["员工人数", "职工人数", "从业人员", "员工数", "staff", "headcount"], kind: .integer),
        .init("highTech", "高新技术企业", "high-tech", ["是否高新技术企业", "高新企业", "高企", "high tech", "high-tech enterprise"], kind: .bool),
        .init("specialized", "专精特新", "specialized", ["专精特新企业", "是否专精特新", "specialised", "specialized and sophisticated"], kind: .bool),
        .init("ipDemonstration", "知识产权示范企业", "IP demonstration", ["知识产权优势示范企业", "知识产权示范", "ip demonstration firm"], kind: .bool),
        .init("badCredit", "不良信用记录", "bad credit", ["不良信用", "失信记录", "是否失信", "bad credit record"], kind: .bool),
    ]

    static let assets: [FieldSpec] = [
        .init("ownerCreditCode", "权利人统一社会信用代码", "owner credit code", ["统一社会信用代码", "信用代码", "权利人信用代码", "credit code", "firm credit code"]),
        .init("ownerName", "权利人", "owner", ["申请(专利权)人", "申请人", "专利权人", "申请人名称", "申请人名称(中文)", "注册人", "商标注册人", "申请人/注册人", "著作权人", "当前权利人", "owner name", "applicant", "assignee", "holder"]),
        .init("type", "知识产权类型", "IP type", ["专利类型", "类型", "商标类型", "权利类型", "ip type", "type", "patent type"]),
        .init("number", "申请号/注册号", "number", ["申请号", "专利号", "专利申请号", "注册号", "商标注册号", "登记号", "申请/注册号", "application number", "registration number", "patent number"]),
        .init("title", "名称", "title", ["发明名称", "专利名称", "商标名称", "商标", "作品名称", "软件名称", "商标名", "标题", "name"]),
        .init("filingDate", "申请日", "filing date", ["申请日期", "申请时间", "商标申请日", "application date"], kind: .date),
        .init("grantDate", "授权公告日", "grant date", ["授权日", "授权日期", "授权公告日期", "公告日", "grant publication date"], kind: .date),
        .init("registrationDate", "注册日", "registration date", ["注册日期", "注册公告日期", "注册公告日", "登记日期", "登记日"], kind: .date),
        .init("term", "专用权期限", "exclusive right term", ["专用期限", "商标专用权期限", "exclusive term"], kind: .dateRange),
        .init("firstUseDate", "首次使用日", "first use date", ["首次使用日期", "first use"], kind: .date),
        .init("expiryDate", "到期日", "expiry date", ["届满日", "期限届满日", "有效期至", "失效日", "expiry", "expires"], kind: .date),
        .init("renewalCount", "续展次数", "renewals", ["renewal count"], kind: .integer),
        .init("legalStatus", "法律状态", "legal status", ["当前法律状态", "商标状态", "状态", "专利状态", "status"]),
        .init("classes", "国际分类", "classes", ["分类", "分类号", "international classification"], kind: .list),
        .init("ipcClasses", "IPC分类", "IPC classes", ["IPC", "国际专利分类", "IPC分类号", "主分类号", "IPC主分类", "ipc class"], kind: .list),
        .init("niceClasses", "尼斯分类", "Nice classes", ["类别", "商品/服务类别", "国际分类(尼斯)", "nice class", "class"], kind: .list),
        .init("claims", "权利要求数", "claims", ["权利要求项数", "权项数", "claim count"], kind: .integer),
        .init("forwardCitations", "被引次数", "forward citations", ["被引证次数", "被引用次数", "citations"], kind: .integer),
        .init("familySize", "同族数", "family size", ["同族专利数", "简单同族数"], kind: .integer),
        .init("licences", "许可次数", "licences", ["许可数", "licenses"], kind: .integer),
        .init("litigations", "诉讼次数", "litigations", ["诉讼数", "litigation count"], kind: .integer),
    ]

    static let valuations: [FieldSpec] = [
        .init("assetType", "知识产权类型", "IP type", ["专利类型", "类型", "asset type", "type"]),
        .init("assetNumber", "申请号/注册号", "asset number", ["申请号", "专利号", "注册号", "知识产权编号", "登记号", "number", "application number", "registration number"]),
        .init("appraiser", "评估机构", "appraiser", ["评估机构名称", "评估单位", "appraisal firm", "valuer"]),
        .init("method", "评估方法", "method", ["评估方法名称", "valuation method"]),
        .init("valueFen", "评估价值", "appraised value", ["评估值", "评估金额", "评估结果", "value", "appraisal value"], kind: .money, header: "评估价值（元）"),
        .init("valuationDate", "评估基准日", "valuation date", ["基准日", "评估日期", "base date"], kind: .date),
        .init("validUntil", "有效期至", "valid until", ["有效期截止日", "报告有效期至", "有效截止日", "valid to"], kind: .date),
        .init("reportNumber", "报告编号", "report number", ["评估报告编号", "报告号", "评估报告号", "report no"]),
    ]

    static let licences: [FieldSpec] = [
        .init("creditCode", "被许可企业统一社会信用代码", "licensee credit code", ["统一社会信用代码", "被许可人统一社会信用代码", "信用代码", "credit code", "firm credit code"]),
        .init("markNumber", "地理标志注册号", "mark number", ["商标注册号", "注册号", "集体商标注册号", "mark registration number"]),
        .init("licenceNumber", "许可编号", "licence number", ["许可证编号", "许可证号", "使用许可编号", "license number"]),
        .init("validFrom", "许可起始日", "valid from", ["起始日期", "许可开始日", "开始日期", "start date"], kind: .date),
        .init("validUntil", "许可截止日", "valid until", ["截止日期", "许可结束日", "结束日期", "end date"], kind: .date),
    ]

    static let loans: [FieldSpec] = [
        .init("contractNumber", "借款合同编号", "contract number", ["合同编号", "贷款合同编号", "合同号", "借据号", "loan number", "contract no"]),
        .init("creditCode", "统一社会信用代码", "credit code", ["借款企业统一社会信用代码", "信用代码", "firm credit code"]),
        .init("bankCode", "银行代码", "bank code", ["银行编码", "bank"]),
        .init("productCode", "产品代码", "product code", ["产品编码", "贷款产品代码", "product"]),
        .init("principalFen", "放款金额", "principal", ["贷款金额", "本金", "放款本金", "借款金额", "amount"], kind: .money, header: "放款金额（元）"),
        .init("disbursedOn", "放款日期", "disbursement date", ["放款日", "发放日期", "起息日", "disbursed on"], kind: .date),
        .init("maturityOn", "到期日", "maturity date", ["贷款到期日", "到期日期", "maturity", "maturity on"], kind: .date),
        .init("rateBp", "年利率", "annual rate", ["利率", "执行利率", "rate", "interest rate"], kind: .rate, header: "年利率（%）"),
        .init("pledgedAssets", "质押知识产权", "pledged assets", ["质押物", "质押专利/商标", "质押知识产权编号", "质押物编号", "pledged asset numbers"], kind: .list),
        .init("registrationNumber", "质押登记号", "pledge registration number", ["质押登记编号", "登记号", "registration number"]),
        .init("registeredOn", "质押登记日", "pledge registration date", ["登记日期", "质押登记日期", "registered on"], kind: .date),
        .init("repaidFen", "已还本金", "repaid to date", ["累计还款", "累计已还本金", "已还款金额", "repaid"], kind: .money, header: "已还本金（元）"),
        .init("repaidOn", "最近还款日", "last repayment date", ["还款日期", "最后还款日", "结清日期", "repaid on"], kind: .date),
    ]
}
