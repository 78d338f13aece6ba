/// Firm–product gates with their reasons. Each verdict comes from `GateRule`; this file only words it.
enum FirmGates {
    static func yearsOperating(_ f: MatchFirm, years: Int, _ t: MatchTerms) -> GateResult {
        let reached = f.foundedOn.adding(years: years)
        if GateRule.yearsOperating(f, years: years, asOf: t.asOf) {
            return GateResult(code: .firmYearsOperating, passed: true,
                              zh: "成立于 \(f.foundedOn)，于 \(reached) 已满 \(years) 年经营期",
                              en: "Founded on \(f.foundedOn); \(years) years of operation were complete on \(reached)")
        }
        return GateResult(code: .firmYearsOperating, passed: false,
                          zh: "成立于 \(f.foundedOn)，到 \(reached) 才满要求的 \(years) 年经营期（现为 \(t.asOf)）",
                          en: "Founded on \(f.foundedOn); the \(years) years of operation required are complete only on \(reached) (today is \(t.asOf))")
    }

    static func creditRecord(_ f: MatchFirm) -> GateResult {
        if GateRule.creditClean(f) {
            return GateResult(code: .firmCreditRecord, passed: true,
                              zh: "无不良信用记录，无违约贷款", en: "No bad-credit record and no defaulted loans")
        }
        var zh: [String] = [], en: [String] = []
        if f.badCredit { zh.append("有不良信用记录"); en.append("a bad-credit record") }
        if f.defaultedLoans > 0 {
            zh.append("有 \(f.defaultedLoans) 笔违约贷款")
            en.append("\(f.defaultedLoans) defaulted loan\(f.defaultedLoans == 1 ? "" : "s")")
        }
        return GateResult(code: .firmCreditRecord, passed: false,
                          zh: zh.joined(separator: "，"), en: "The firm has " + en.joined(separator: " and "))
    }

    static func industry(_ f: MatchFirm, _ p: MatchProduct) -> GateResult {
        let passed = GateRule.industryAccepted(f, p)
        if passed && p.eligibleIndustries.isEmpty {
            return GateResult(code: .firmIndustry, passed: true, zh: "本产品不限行业", en: "The product is open to every industry")
        }
        // Industries are named, never shown by code: 特色农业, not characteristic_agriculture.
        let own = IndustryNames.label(f.industryCode)
        let list = p.eligibleIndustries.sorted().map(IndustryNames.label)
        if passed {
            return GateResult(code: .firmIndustry, passed: true,
                              zh: "所属行业「\(own.zh)」在本产品适用行业内",
                              en: "Its industry, \(own.en), is one the product serves")
        }
        return GateResult(code: .firmIndustry, passed: false,
                          zh: "所属行业「\(own.zh)」不在本产品适用行业（\(list.map(\.zh).joined(separator: "、"))）内",
                          en: "Its industry, \(own.en), is not among the product's (\(list.map(\.en).joined(separator: "; ")))")
    }

    static func amountInRange(_ amount: Fen, defaulted: Bool, _ p: MatchProduct) -> GateResult {
        let lo = MatchText.yuan(p.minAmountFen), hi = MatchText.yuan(p.maxAmountFen), x = MatchText.yuan(amount)
        if GateRule.amountInRange(amount, p) {
            return GateResult(code: .amountInRange, passed: true,
                              zh: "\(defaulted ? "可贷额度" : "申请金额") \(x) 在产品范围 \(lo)–\(hi) 内",
                              en: "The \(defaulted ? "capacity" : "amount") \(x) is within the product's \(lo)–\(hi)")
        }
        if defaulted && amount < p.minAmountFen {
            return GateResult(code: .amountInRange, passed: false,
                              zh: "押品仅支持 \(x)，低于产品最低金额 \(lo)",
                              en: "The collateral supports only \(x), below the product's minimum of \(lo)")
        }
        if amount < p.minAmountFen {
            return GateResult(code: .amountInRange, passed: false,
                              zh: "申请金额 \(x) 低于产品最低金额 \(lo)", en: "The amount \(x) is below the product's minimum of \(lo)")
        }
        return GateResult(code: .amountInRange, passed: false,
                          zh: "申请金额 \(x) 超过产品最高金额 \(hi)", en: "The amount \(x) is above the product's maximum of \(hi)")
    }

    static func termInRange(_ t: MatchTerms, _ p: MatchProduct) -> GateResult {
        let range = "\(p.minTermMonths)–\(p.maxTermMonths)"
        if GateRule.termInRange(t.termMonths, p) {
            return GateResult(code: .termInRange, passed: true,
                              zh: "期限 \(t.termMonths) 个月在产品范围 \(range) 个月内，至 \(t.loanEnd) 到期",
                              en: "The term of \(t.termMonths) months is within the product's \(range) months, ending on \(t.loanEnd)")
        }
        return GateResult(code: .termInRange, passed: false,
                          zh: "期限 \(t.termMonths) 个月不在产品范围 \(range) 个月内",
                          en: "The term of \(t.termMonths) months is outside the product's \(range) months")
    }

    static func hasEligibleAsset(count: Int, uncappedFen: Fen, amount: Fen) -> GateResult {
        let sum = MatchText.yuan(uncappedFen), x = MatchText.yuan(amount)
        let passed = GateRule.hasEligibleAsset(count: count, uncappedFen: uncappedFen, amount: amount)
        if !passed && count == 0 {
            return GateResult(code: .hasEligibleAsset, passed: false,
                              zh: "没有通过全部资产条件的知识产权", en: "No IP asset passes every asset gate")
        }
        if passed {
            return GateResult(code: .hasEligibleAsset, passed: true,
                              zh: "合格资产 \(count) 项，按质押率可贷合计 \(sum)，足以覆盖 \(x)",
                              en: "\(count) eligible asset\(count == 1 ? "" : "s") support \(sum) at the product's loan-to-value, enough for \(x)")
        }
        let short = MatchText.yuan(amount - uncappedFen)
        return GateResult(code: .hasEligibleAsset, passed: false,
                          zh: "合格资产 \(count) 项按质押率可贷合计 \(sum)，比 \(x) 少 \(short)",
                          en: "\(count) eligible asset\(count == 1 ? "" : "s") support \(sum) at the product's loan-to-value, \(short) short of \(x)")
    }
}
