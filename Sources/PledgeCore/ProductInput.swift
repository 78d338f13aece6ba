/// The terms of one IP-pledge loan product (涪知贷产品), all of them data so a bank can change them.
public struct ProductInput: Sendable {
    /// What the product accepts for one IP type.
    public struct IPTerm: Sendable, Equatable {
        public var ipType: String
        public var loanToValueBp: Int        // 质押率
        public var minRemainingLifeMonths: Int  // 最短剩余保护期
        public init(ipType: String, loanToValueBp: Int, minRemainingLifeMonths: Int) {
            self.ipType = ipType; self.loanToValueBp = loanToValueBp; self.minRemainingLifeMonths = minRemainingLifeMonths
        }
    }

    public var bankId: Int64
    public var code: String
    public var name: String
    public var ipTerms: [IPTerm]
    public var minAmountFen: Fen
    public var maxAmountFen: Fen
    public var minTermMonths: Int
    public var maxTermMonths: Int
    public var rateSpreadBp: Int            // 在一年期 LPR 基础上加点
    public var eligibleIndustries: [String] // 空表示不限行业
    public var valuationValidityMonths: Int
    public var minYearsOperating: Int
    public var minTrademarkUseYears: Int
    public var interestSubsidyShareBp: Int? // 贴息比例（占利率）
    public var subsidyCapFen: Fen?          // 每户贴息上限
    public var riskFundShareBp: Int?        // 风险补偿资金分担比例
    public var weights: ScoreWeights        // 评分权重（银行偏好），合计 100

    public init(bankId: Int64, code: String, name: String, ipTerms: [IPTerm], minAmountFen: Fen, maxAmountFen: Fen,
                minTermMonths: Int, maxTermMonths: Int, rateSpreadBp: Int, eligibleIndustries: [String] = [],
                valuationValidityMonths: Int = 12, minYearsOperating: Int = 2, minTrademarkUseYears: Int = 2,
                interestSubsidyShareBp: Int? = nil, subsidyCapFen: Fen? = nil, riskFundShareBp: Int? = nil,
                weights: ScoreWeights = .default) {
        self.bankId = bankId; self.code = code; self.name = name; self.ipTerms = ipTerms
        self.minAmountFen = minAmountFen; self.maxAmountFen = maxAmountFen
        self.minTermMonths = minTermMonths; self.maxTermMonths = maxTermMonths; self.rateSpreadBp = rateSpreadBp
        self.eligibleIndustries = eligibleIndustries; self.valuationValidityMonths = valuationValidityMonths
        self.minYearsOperating = minYearsOperating; self.minTrademarkUseYears = minTrademarkUseYears
        self.interestSubsidyShareBp = interestSubsidyShareBp; self.subsidyCapFen = subsidyCapFen
        self.riskFundShareBp = riskFundShareBp
        self.weights = weights
    }

    public func validated() throws(ValidationFailure) -> ProductInput {
        var c = Checker()
        var out = self
        out.code = c.code(code, field: "code", label: Label("产品代码", "Product code"), max: 32)
        out.name = c.text(name, field: "name", label: Label("产品名称", "Product name"), max: 200)
        checkTerms(&c)
        c.amount(minAmountFen, field: "minAmountFen", label: Label("最低金额", "Minimum amount"))
        c.amount(maxAmountFen, field: "maxAmountFen", label: Label("最高金额", "Maximum amount"))
        c.require(minAmountFen <= maxAmountFen, .init("range_inverted", field: "maxAmountFen",
                  zh: "最高金额不能低于最低金额", en: "The maximum amount must not be below the minimum"))
        c.range(minTermMonths, 1...360, field: "minTermMonths", label: Label("最短期限（月）", "Minimum term (months)"))
        c.range(maxTermMonths, 1...360, field: "maxTermMonths", label: Label("最长期限（月）", "Maximum term (months)"))
        c.require(minTermMonths <= maxTermMonths, .init("range_inverted", field: "maxTermMonths",
                  zh: "最长期限不能短于最短期限", en: "The maximum term must not be shorter than the minimum"))
        c.range(rateSpreadBp, -1_000...3_000, field: "rateSpreadBp", label: Label("LPR 加点（基点）", "Spread over LPR (bp)"))
        c.require(eligibleIndustries.count <= 100, .init("too_many", field: "eligibleIndustries",
                  zh: "适用行业最多 100 个", en: "At most 100 eligible industries"))
        out.eligibleIndustries = eligibleIndustries.enumerated().map { i, code in
            c.text(code, field: "eligibleIndustries[\(i)]", label: Label("行业代码", "Industry code"), max: 40)
        }
        c.range(valuationValidityMonths, 1...60, field: "valuationValidityMonths", label: Label("评估报告有效期（月）", "Valuation validity (months)"))
        c.range(minYearsOperating, 0...50, field: "minYearsOperating", label: Label("最短经营年限", "Minimum years operating"))
        c.range(minTrademarkUseYears, 0...50, field: "minTrademarkUseYears", label: Label("商标最短使用年限", "Minimum years of trademark use"))
        if let v = interestSubsidyShareBp { c.range(v, 0...10_000, field: "interestSubsidyShareBp", label: Label("贴息比例（基点）", "Interest subsidy share (bp)")) }
        if let v = subsidyCapFen { c.amount(v, field: "subsidyCapFen", label: Label("每户贴息上限", "Subsidy cap per firm")) }
        if let v = riskFundShareBp { c.range(v, 0...10_000, field: "riskFundShareBp", label: Label("风险补偿分担比例（基点）", "Risk fund share (bp)")) }
        checkWeights(&c)
        try c.finish()
        return out
    }

    /// The API names the weights `scoreWeights`; the rule itself lives with ScoreWeights.
    private func checkWeights(_ c: inout Checker) {
        do {
            _ = try weights.validated()
        } catch {
            for e in error.errors {
                c.add(FieldError(e.code, field: "score" + e.field.prefix(1).uppercased() + e.field.dropFirst(), zh: e.zh, en: e.en))
            }
        }
    }

    private func checkTerms(_ c: inout Checker) {
        c.require(!ipTerms.isEmpty && ipTerms.count <= IPType.allCases.count, .init("required", field: "ipTerms",
                  zh: "至少列出一种可质押的知识产权类型及其质押率", en: "List at least one accepted IP type with its loan-to-value"))
        var seen = Set<String>()
        for (i, term) in ipTerms.enumerated() {
            _ = IPType.parse(term.ipType, field: "ipTerms[\(i)].ipType", label: Label("知识产权类型", "IP type"), into: &c)
            c.require(seen.insert(term.ipType).inserted, .init("duplicate", field: "ipTerms[\(i)].ipType",
                      zh: "知识产权类型重复", en: "The IP type is listed twice"))
            c.range(term.loanToValueBp, 1...10_000, field: "ipTerms[\(i)].loanToValueBp", label: Label("质押率（基点）", "Loan-to-value (bp)"))
            c.range(term.minRemainingLifeMonths, 0...600, field: "ipTerms[\(i)].minRemainingLifeMonths",
                    label: Label("最短剩余保护期（月）", "Minimum remaining life (months)"))
        }
    }
}
