/// A firm as a client submits it (`FirmInput`: its size and founding date as text, before
/// validation) and as validated, ready to store (`FirmFields`): one list of fields for both.
public struct FirmProfile<Size: Sendable, Day: Sendable>: Sendable {
    public var creditCode: String
    public var name: String
    public var industryCode: String
    public var town: String
    public var size: Size
    public var foundedOn: Day
    public var annualRevenueFen: Fen?
    public var rdExpenseFen: Fen?
    public var totalAssetsFen: Fen?
    public var totalLiabilitiesFen: Fen?
    public var employees: Int?
    public var highTech: Bool
    public var specialized: Bool
    public var ipDemonstration: Bool
    public var badCredit: Bool

    public init(creditCode: String, name: String, industryCode: String, town: String, size: Size,
                foundedOn: Day, annualRevenueFen: Fen? = nil, rdExpenseFen: Fen? = nil,
                totalAssetsFen: Fen? = nil, totalLiabilitiesFen: Fen? = nil, employees: Int? = nil,
                highTech: Bool = false, specialized: Bool = false, ipDemonstration: Bool = false,
                badCredit: Bool = false) {
        self.creditCode = creditCode; self.name = name; self.industryCode = industryCode
        self.town = town; self.size = size; self.foundedOn = foundedOn
        self.annualRevenueFen = annualRevenueFen; self.rdExpenseFen = rdExpenseFen
        self.totalAssetsFen = totalAssetsFen; self.totalLiabilitiesFen = totalLiabilitiesFen
        self.employees = employees; self.highTech = highTech; self.specialized = specialized
        self.ipDemonstration = ipDemonstration; self.badCredit = badCredit
    }
}

extension FirmProfile: Equatable where Size: Equatable, Day: Equatable {}

public typealias FirmInput = FirmProfile<String, String>
public typealias FirmFields = FirmProfile<FirmSize, CivilDate>

extension FirmInput {
    public func validated(today: CivilDate) throws(ValidationFailure) -> FirmFields {
        var c = Checker()
        let code = CreditCode.normalize(creditCode)
        if let problem = CreditCode.problem(in: code) { c.add(FirmInput.error(for: problem)) }
        let name = c.text(name, field: "name", label: Label("企业名称", "Firm name"), max: 200)
        let industry = c.text(industryCode, field: "industryCode", label: Label("行业代码", "Industry code"), max: 40)
        let town = c.text(town, field: "town", label: Label("所在园区/镇街", "Park or town"), max: 100)
        let size = FirmSize.parse(size, field: "size", label: Label("企业规模", "Firm size"), into: &c)
        let founded = c.date(foundedOn, field: "foundedOn", label: Label("成立日期", "Founding date"))
        c.notAfter(today: today, founded, field: "foundedOn", label: Label("成立日期", "the founding date"))
        for (value, field, label) in [
            (annualRevenueFen, "annualRevenueFen", Label("年营业收入", "Annual revenue")),
            (rdExpenseFen, "rdExpenseFen", Label("研发费用", "R&D expense")),
            (totalAssetsFen, "totalAssetsFen", Label("资产总额", "Total assets")),
            (totalLiabilitiesFen, "totalLiabilitiesFen", Label("负债总额", "Total liabilities")),
        ] {
            if let value { c.amount(value, field: field, label: label, allowZero: true) }
        }
        if let employees { c.range(employees, 0...10_000_000, field: "employees", label: Label("从业人数", "Employees")) }
        try c.finish()
        return FirmFields(creditCode: code, name: name, industryCode: industry, town: town, size: size!,
                          foundedOn: founded!, annualRevenueFen: annualRevenueFen, rdExpenseFen: rdExpenseFen,
                          totalAssetsFen: totalAssetsFen, totalLiabilitiesFen: totalLiabilitiesFen,
                          employees: employees, highTech: highTech, specialized: specialized,
                          ipDemonstration: ipDemonstration, badCredit: badCredit)
    }

    static func error(for problem: CreditCode.Problem) -> FieldError {
        let field = "creditCode"
        switch problem {
        case .wrongLength(let n):
            return .init("credit_code_length", field: field, zh: "统一社会信用代码应为 18 位，实际为 \(n) 位",
                         en: "A unified social credit code has 18 characters, not \(n)")
        case .invalidCharacter(let pos, let ch):
            return .init("credit_code_character", field: field,
                         zh: "统一社会信用代码第 \(pos) 位“\(ch)”不是允许的字符（不含 I、O、Z、S、V）",
                         en: "Character \(pos) ('\(ch)') is not allowed in a unified social credit code (no I, O, Z, S, V)")
        case .divisionCodeNotDigits:
            return .init("credit_code_division", field: field, zh: "统一社会信用代码第 3–8 位（行政区划码）应为数字",
                         en: "Characters 3–8 (the administrative division code) must be digits")
        case .checkMismatch(let expected, let found):
            return .init("credit_code_check", field: field,
                         zh: "统一社会信用代码校验位错误：应为“\(expected)”，实际为“\(found)”（GB 32100-2015）",
                         en: "Check character is '\(found)' but GB 32100-2015 gives '\(expected)'")
        }
    }
}
