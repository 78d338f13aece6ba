/// An IP asset as a client submits it, before validation.
public struct AssetInput: Sendable {
    public struct CoOwner: Sendable, Equatable {
        public var name: String
        public var creditCode: String?
        public var shareBp: Int
        public var consentToPledge: Bool
        public init(name: String, creditCode: String? = nil, shareBp: Int, consentToPledge: Bool) {
            self.name = name; self.creditCode = creditCode; self.shareBp = shareBp; self.consentToPledge = consentToPledge
        }
    }

    public var firmId: Int64
    public var type: String
    public var number: String
    public var title: String
    public var filingDate: String?
    public var grantDate: String?
    public var registrationDate: String?
    public var firstUseDate: String?
    public var expiryDate: String?
    public var renewalCount: Int
    public var legalStatus: String
    public var ipcClasses: [String]
    public var niceClasses: [Int]
    public var indicators: ValueIndicators
    public var coOwners: [CoOwner]

    public init(firmId: Int64, type: String, number: String, title: String, filingDate: String? = nil,
                grantDate: String? = nil, registrationDate: String? = nil, firstUseDate: String? = nil,
                expiryDate: String? = nil, renewalCount: Int = 0, legalStatus: String,
                ipcClasses: [String] = [], niceClasses: [Int] = [], indicators: ValueIndicators = .init(),
                coOwners: [CoOwner] = []) {
        self.firmId = firmId; self.type = type; self.number = number; self.title = title
        self.filingDate = filingDate; self.grantDate = grantDate; self.registrationDate = registrationDate
        self.firstUseDate = firstUseDate; self.expiryDate = expiryDate; self.renewalCount = renewalCount
        self.legalStatus = legalStatus; self.ipcClasses = ipcClasses; self.niceClasses = niceClasses
        self.indicators = indicators; self.coOwners = coOwners
    }
}

/// Indicators of an asset's value (GB/T 42748-2023 legal, technical and economic dimensions).
public struct ValueIndicators: Sendable, Equatable {
    public var claims: Int?
    public var forwardCitations: Int?
    public var familySize: Int?
    public var licences: Int?
    public var litigations: Int?
    public init(claims: Int? = nil, forwardCitations: Int? = nil, familySize: Int? = nil,
                licences: Int? = nil, litigations: Int? = nil) {
        self.claims = claims; self.forwardCitations = forwardCitations; self.familySize = familySize
        self.licences = licences; self.litigations = litigations
    }
}

/// A validated asset, with its number in canonical form and its expiry derived.
public struct AssetFields: Sendable, Equatable {
    public var firmId: Int64
    public var type: IPType
    public var number: String
    public var title: String
    public var filingDate: CivilDate?
    public var grantDate: CivilDate?
    public var registrationDate: CivilDate?
    public var firstUseDate: CivilDate?
    public var expiryDate: CivilDate?
    public var renewalCount: Int
    public var legalStatus: LegalStatus
    public var ipcClasses: [String]
    public var niceClasses: [Int]
    public var indicators: ValueIndicators
    public var coOwners: [AssetInput.CoOwner]

    public init(firmId: Int64, type: IPType, number: String, title: String, filingDate: CivilDate?, grantDate: CivilDate?, registrationDate: CivilDate?, firstUseDate: CivilDate?, expiryDate: CivilDate?, renewalCount: Int, legalStatus: LegalStatus, ipcClasses: [String], niceClasses: [Int], indicators: ValueIndicators, coOwners: [AssetInput.CoOwner]) {
        self.firmId = firmId
        self.type = type
        self.number = number
        self.title = title
        self.filingDate = filingDate
        self.grantDate = grantDate
        self.registrationDate = registrationDate
        self.firstUseDate = firstUseDate
        self.expiryDate = expiryDate
        self.renewalCount = renewalCount
        self.legalStatus = legalStatus
        self.ipcClasses = ipcClasses
        self.niceClasses = niceClasses
        self.indicators = indicators
        self.coOwners = coOwners
    }
}

extension AssetInput {
    public func validated(today: CivilDate) throws(ValidationFailure) -> AssetFields {
        var c = Checker()
        let type = IPType.parse(type, field: "type", label: Label("知识产权类型", "IP type"), into: &c)
        let status = LegalStatus.parse(legalStatus, field: "legalStatus", label: Label("法律状态", "Legal status"), into: &c)
        let title = c.text(title, field: "title", label: Label("名称", "Title"), max: 300)
        let filing = c.optionalDate(filingDate, field: "filingDate", label: Label("申请日", "Filing date"))
        let grant = c.optionalDate(grantDate, field: "grantDate", label: Label("授权公告日", "Grant date"))
        let registration = c.optionalDate(registrationDate, field: "registrationDate", label: Label("注册日", "Registration date"))
        let firstUse = c.optionalDate(firstUseDate, field: "firstUseDate", label: Label("首次使用日", "First use date"))
        let givenExpiry = c.optionalDate(expiryDate, field: "expiryDate", label: Label("到期日", "Expiry date"))
        c.range(renewalCount, 0...20, field: "renewalCount", label: Label("续展次数", "Renewal count"))
        for (date, field, label) in [(filing, "filingDate", Label("申请日", "The filing date")),
                                     (grant, "grantDate", Label("授权公告日", "The grant date")),
                                     (registration, "registrationDate", Label("注册日", "The registration date")),
                                     (firstUse, "firstUseDate", Label("首次使用日", "The first use date"))] {
            c.notAfter(today: today, date, field: field, label: label)
        }
        c.ordered(filing, grant, field: "grantDate", earlierLabel: Label("申请日", "the filing date"),
                  laterLabel: Label("授权公告日", "The grant date"))
        c.ordered(filing, registration, field: "registrationDate", earlierLabel: Label("申请日", "the filing date"),
                  laterLabel: Label("注册日", "The registration date"))
        checkIndicators(&c)
        checkCoOwners(&c)
        guard let type, let status else { try c.finish(); fatalError("unreachable") }
        let number = checkNumberAndDates(type: type, status: status, filing: filing, grant: grant,
                                         registration: registration, &c)
        let expiry = ProtectionTerm.expiry(type: type, filing: filing, registration: registration, renewals: renewalCount)
        if let givenExpiry, let expiry, givenExpiry != expiry {
            c.add(.init("expiry_inconsistent", field: "expiryDate",
                        zh: "到期日应为 \(expiry)（\(type.label.zh)的保护期按法定期限计算），而不是 \(givenExpiry)",
                        en: "The expiry date of a \(type.label.en) with these dates is \(expiry), not \(givenExpiry)"))
        }
        try c.finish()
        return AssetFields(firmId: firmId, type: type, number: number, title: title, filingDate: filing,
                           grantDate: grant, registrationDate: registration, firstUseDate: firstUse,
                           expiryDate: expiry ?? givenExpiry, renewalCount: renewalCount, legalStatus: status,
                           ipcClasses: ipcClasses.map { String($0.trimmingSpaces()).uppercased() },
                           niceClasses: niceClasses.sorted(), indicators: indicators,
                           coOwners: coOwners.map { var o = $0; o.name = String(o.name.trimmingSpaces())
                               o.creditCode = o.creditCode.map(CreditCode.normalize); return o })
    }

    /// Checks the number against the type and the dates each type needs; returns the canonical number.
    private func checkNumberAndDates(type: IPType, status: LegalStatus, filing: CivilDate?, grant: CivilDate?,
                                     registration: CivilDate?, _ c: inout Checker) -> String {
        let granted = status != .pending
        if type.isPatent {
            c.require(filing != nil, .init("required", field: "filingDate", zh: "专利必须填写申请日",
                                           en: "A patent needs its filing date"))
            c.require(!granted || grant != nil, .init("required", field: "grantDate",
                      zh: "已授权专利必须填写授权公告日", en: "A granted patent needs its grant date"))
            c.require(niceClasses.isEmpty, .init("not_applicable", field: "niceClasses",
                      zh: "专利没有尼斯分类", en: "Nice classes apply to trademarks only"))
            return patentNumber(type: type, filing: filing, &c)
        }
        if type.isMark {
            c.require(!granted || registration != nil, .init("required", field: "registrationDate",
                      zh: "已注册商标必须填写注册日", en: "A registered mark needs its registration date"))
            c.require(!niceClasses.isEmpty, .init("required", field: "niceClasses",
                      zh: "商标至少需要一个尼斯分类", en: "A mark needs at least one Nice class"))
            for (i, cls) in niceClasses.enumerated() where !(1...45).contains(cls) {
                c.add(.init("nice_class_range", field: "niceClasses[\(i)]", zh: "尼斯分类应在 1–45 之间，而不是 \(cls)",
                            en: "A Nice class is between 1 and 45, not \(cls)"))
            }
            c.require(Set(niceClasses).count == niceClasses.count, .init("duplicate", field: "niceClasses",
                      zh: "尼斯分类有重复", en: "Nice classes repeat"))
            let digits = TrademarkNumber.compact(number)
            c.require(TrademarkNumber.isValid(digits),
                      .init("trademark_number", field: "number", zh: "商标注册号应为 1–10 位数字",
                            en: "A trademark registration number is 1 to 10 digits"))
            return digits
        }
        c.require(filing != nil, .init("required", field: "filingDate", zh: "著作权必须填写创作完成或登记日期（填入申请日）",
                                       en: "A copyright needs its creation or registration date (as filingDate)"))
        return c.text(number, field: "number", label: Label("登记号", "Registration number"), max: 64)
    }

    private func patentNumber(type: IPType, filing: CivilDate?, _ c: inout Checker) -> String {
        switch PatentNumber.parse(number) {
        case .failure(.malformed):
            c.add(.init("patent_number_format", field: "number",
                        zh: "专利申请号格式应为 12 位数字加校验位，如 202310123456.7",
                        en: "A patent application number is 12 digits and a check character, e.g. 202310123456.7"))
        case .failure(.unknownType(let t)):
            c.add(.init("patent_number_type", field: "number", zh: "专利申请号的类型位“\(t)”无效（应为 1、2、3、8 或 9）",
                        en: "The type digit '\(t)' is not 1, 2, 3, 8 or 9"))
        case .failure(.checkMismatch(let expected, let found)):
            c.add(.init("patent_number_check", field: "number",
                        zh: "专利申请号校验位错误：应为“\(expected)”，实际为“\(found)”",
                        en: "The check character is '\(found)' but the number gives '\(expected)'"))
        case .success(let parsed):
            let expected: Set<PatentNumber.Kind> = switch type {
            case .invention: [.invention, .pctInvention]
            case .utilityModel: [.utilityModel, .pctUtilityModel]
            default: [.design]
            }
            c.require(expected.contains(parsed.kind), .init("patent_number_type", field: "number",
                      zh: "申请号的类型位与所选类型（\(type.label.zh)）不符",
                      en: "The number's type digit does not match the type (\(type.label.en))"))
            if let filing {
                c.require(filing.year == parsed.filingYear, .init("filing_year_mismatch", field: "filingDate",
                          zh: "申请日年份 \(filing.year) 与申请号中的年份 \(parsed.filingYear) 不符",
                          en: "The filing year \(filing.year) differs from the year in the number (\(parsed.filingYear))"))
            }
            return parsed.description
        }
        return number
    }

    private func checkIndicators(_ c: inout Checker) {
        let values: [(Int?, String, Label)] = [
            (indicators.claims, "indicators.claims", Label("权利要求数", "Claims")),
            (indicators.forwardCitations, "indicators.forwardCitations", Label("被引次数", "Forward citations")),
            (indicators.familySize, "indicators.familySize", Label("同族数", "Family size")),
            (indicators.licences, "indicators.licences", Label("许可次数", "Licences")),
            (indicators.litigations, "indicators.litigations", Label("诉讼次数", "Litigations")),
        ]
        for (value, field, label) in values { if let value { c.range(value, 0...100_000, field: field, label: label) } }
        c.require(ipcClasses.count <= 50, .init("too_many", field: "ipcClasses", zh: "IPC 分类最多 50 个",
                                                en: "At most 50 IPC classes"))
        for (i, ipc) in ipcClasses.enumerated() {
            _ = c.code(ipc, field: "ipcClasses[\(i)]", label: Label("IPC 分类", "IPC class"), max: 20)
        }
    }

    private func checkCoOwners(_ c: inout Checker) {
        c.require(coOwners.count <= 20, .init("too_many", field: "coOwners", zh: "共有人最多 20 个", en: "At most 20 co-owners"))
        var total = 0
        for (i, owner) in coOwners.enumerated() {
            _ = c.text(owner.name, field: "coOwners[\(i)].name", label: Label("共有人名称", "Co-owner name"), max: 200)
            c.range(owner.shareBp, 1...9_999, field: "coOwners[\(i)].shareBp", label: Label("共有份额（基点）", "Co-owner share (bp)"))
            total += owner.shareBp
            if let code = owner.creditCode, !CreditCode.isValid(CreditCode.normalize(code)) {
                c.add(.init("credit_code_check", field: "coOwners[\(i)].creditCode",
                            zh: "共有人统一社会信用代码无效", en: "The co-owner's unified social credit code is not valid"))
            }
        }
        c.require(total < 10_000, .init("shares_exceed_whole", field: "coOwners",
                  zh: "共有人份额合计必须小于 100%（权利人自身保留其余份额）",
                  en: "Co-owners' shares must total less than 100% (the owner holds the rest)"))
    }
}
