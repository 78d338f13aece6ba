/// Asset gates with their reasons. Each verdict comes from `GateRule`; this file only words it.
enum AssetGates {
    static func judge(_ a: MatchAsset, ownerId: Int64, product p: MatchProduct, terms t: MatchTerms,
                      memo: GateMemo = GateMemo()) -> AssetVerdict {
        let gates = results(a, ownerId: ownerId, product: p, terms: t, memo: memo)
        let eligible = gates.allSatisfy(\.passed)
        return AssetVerdict(assetId: a.id, type: a.type, gates: gates,
                            lendableFen: eligible ? GateRule.lendable(a, p) : 0,
                            valuePoints: memo.valuePoints(a, asOf: t.asOf))
    }

    /// Each gate keyed by the one term of the product it reads (see `GateMemo`); the asset, the
    /// owner and the day are the memo's own.
    static func results(_ a: MatchAsset, ownerId: Int64, product p: MatchProduct, terms t: MatchTerms,
                        memo: GateMemo = GateMemo()) -> [GateResult] {
        func once(_ code: GateCode, _ term: Int, _ make: () -> GateResult) -> GateResult {
            memo.gate(code, a.id, Int64(term), make)
        }
        let accepted = GateRule.typeAccepted(a, p) ? p.terms[a.type]?.loanToValueBp ?? -1 : -1
        var gates = [once(.assetTypeAccepted, accepted) { typeAccepted(a, p) },
                     once(.assetInForce, 0) { inForce(a, t) },
                     once(.assetOwnership, 0) { ownership(a, ownerId) },
                     once(.assetNotPledged, 0) { notPledged(a) },
                     once(.assetOutlivesLoan, t.termMonths) { outlivesLoan(a, t) }]
        // The minimum remaining life is a term of the accepted type; with no such term there is nothing to measure.
        if let term = p.terms[a.type] {
            gates.append(once(.assetRemainingLife, term.minRemainingLifeMonths) { remainingLife(a, term, t) })
        }
        if GateRule.appliesTrademarkUse(a.type) {
            gates.append(once(.trademarkInUse, p.minTrademarkUseYears) { trademarkInUse(a, p, t) })
        }
        gates.append(once(.valuationCurrent, p.valuationValidityMonths) { valuationCurrent(a, p, t) })
        return gates
    }

    static func typeAccepted(_ a: MatchAsset, _ p: MatchProduct) -> GateResult {
        let t = a.type.label
        guard GateRule.typeAccepted(a, p), let term = p.terms[a.type] else {
            return GateResult(code: .assetTypeAccepted, passed: false,
                              zh: "本产品不接受\(t.zh)质押", en: "The product does not accept \(t.en)s as collateral")
        }
        let ltv = MatchText.percent(bp: term.loanToValueBp)
        return GateResult(code: .assetTypeAccepted, passed: true,
                          zh: "本产品接受\(t.zh)质押，质押率 \(ltv)",
                          en: "The product accepts \(t.en)s at a loan-to-value of \(ltv)")
    }

    static func inForce(_ a: MatchAsset, _ t: MatchTerms) -> GateResult {
        let passed = GateRule.inForce(a, asOf: t.asOf)
        if a.legalStatus != .inForce {
            let s = MatchText.status(a.legalStatus)
            return GateResult(code: .assetInForce, passed: passed,
                              zh: "法律状态为“\(s.zh)”，不是有效状态", en: "Its legal status is \(s.en), not in force")
        }
        guard let expiry = a.expiryDate else {
            return GateResult(code: .assetInForce, passed: passed,
                              zh: "法律状态有效（保护期届满日未记录）", en: "In force (the expiry date is not recorded)")
        }
        if passed {
            return GateResult(code: .assetInForce, passed: true,
                              zh: "法律状态有效，保护期至 \(expiry)（含当日），\(t.asOf) 仍在保护期内",
                              en: "In force, protected through \(expiry); still protected on \(t.asOf)")
        }
        return GateResult(code: .assetInForce, passed: false,
                          zh: "保护期已于 \(expiry) 届满，\(t.asOf) 已不在保护期内",
                          en: "Protection ended on \(expiry); it is no longer protected on \(t.asOf)")
    }

    static func ownership(_ a: MatchAsset, _ ownerId: Int64) -> GateResult {
        let passed = GateRule.ownedFreely(a, by: ownerId)
        if !passed && a.firmId != ownerId {
            return GateResult(code: .assetOwnership, passed: false,
                              zh: "该资产登记在企业 #\(a.firmId) 名下，不属于企业 #\(ownerId)，出质人须为权利人",
                              en: "The asset is registered to firm #\(a.firmId), not firm #\(ownerId); only the holder can pledge it")
        }
        if !passed {
            return GateResult(code: .assetOwnership, passed: false,
                              zh: "共有人 \(a.coOwners) 人中有 \(a.coOwnersWithoutConsent) 人未同意质押，须全体共有人同意",
                              en: "\(a.coOwnersWithoutConsent) of \(a.coOwners) co-owners have not consented to the pledge; all must consent")
        }
        if a.coOwners > 0 {
            return GateResult(code: .assetOwnership, passed: passed,
                              zh: "企业为权利人，\(a.coOwners) 名共有人均已同意质押",
                              en: "The firm holds the asset and all \(a.coOwners) co-owners have consented to the pledge")
        }
        return GateResult(code: .assetOwnership, passed: passed,
                          zh: "企业为唯一权利人", en: "The firm is the sole holder")
    }

    static func notPledged(_ a: MatchAsset) -> GateResult {
        if !GateRule.notPledged(a) {
            let pledge = a.pledgedBy.map { "#\($0)" } ?? ""
            return GateResult(code: .assetNotPledged, passed: false,
                              zh: "已在质押登记 \(pledge) 中出质，不能重复质押",
                              en: "Already pledged under pledge \(pledge); it cannot be pledged twice")
        }
        return GateResult(code: .assetNotPledged, passed: true,
                          zh: "没有生效中的质押", en: "Not in any active pledge")
    }

    static func outlivesLoan(_ a: MatchAsset, _ t: MatchTerms) -> GateResult {
        let passed = GateRule.outlivesLoan(a, loanEnd: t.loanEnd)
        guard let expiry = a.expiryDate else {
            return .worded(.assetOutlivesLoan, passed,
                           Label("著作权保护期届满日未记录；法人作品保护期为 50 年，长于贷款期（至 \(t.loanEnd)）",
                                 "The copyright's expiry is not recorded; a legal person's work is protected for 50 years, longer than the loan (to \(t.loanEnd))"),
                           else: Label("保护期届满日未记录，无法确认其晚于贷款到期日 \(t.loanEnd)",
                                       "The expiry date is not recorded, so it cannot be shown to fall after the loan's end (\(t.loanEnd))"))
        }
        return .worded(.assetOutlivesLoan, passed,
                       Label("贷款到期日 \(t.loanEnd)（\(t.termMonths) 个月）早于保护期届满日 \(expiry)",
                             "The loan ends on \(t.loanEnd) (\(t.termMonths) months), before the expiry on \(expiry)"),
                       else: Label("贷款到期日 \(t.loanEnd)（\(t.termMonths) 个月）不早于保护期届满日 \(expiry)，贷款须在保护期届满前结束",
                                   "The loan would end on \(t.loanEnd) (\(t.termMonths) months), not before the expiry on \(expiry); the loan must end first"))
    }

    static func remainingLife(_ a: MatchAsset, _ term: MatchProduct.Term, _ t: MatchTerms) -> GateResult {
        let need = term.minRemainingLifeMonths
        let passed = GateRule.remainingLife(a, minMonths: need, asOf: t.asOf)
        let type = a.type.label
        guard let expiry = a.expiryDate else {
            return .worded(.assetRemainingLife, passed,
                           Label("著作权保护期届满日未记录；法人作品保护期 50 年，视为满足最短剩余保护期 \(need) 个月",
                                 "The copyright's expiry is not recorded; a legal person's work runs 50 years, taken as meeting the \(need)-month minimum"),
                           else: Label("保护期届满日未记录，无法确认剩余保护期不少于 \(need) 个月",
                                       "The expiry date is not recorded, so the remaining life cannot be shown to be at least \(need) months"))
        }
        let months = expiry >= t.asOf ? t.asOf.wholeMonths(until: expiry) : 0
        return .worded(.assetRemainingLife, passed,
                       Label("剩余保护期 \(months) 个月（至 \(expiry)），不少于本产品对\(type.zh)要求的 \(need) 个月",
                             "\(months) months of protection remain (to \(expiry)), at least the \(need) months the product requires of \(type.en)s"),
                       else: Label("剩余保护期 \(months) 个月（至 \(expiry)），少于本产品对\(type.zh)要求的 \(need) 个月",
                                   "Only \(months) months of protection remain (to \(expiry)), fewer than the \(need) months the product requires of \(type.en)s"))
    }

    static func trademarkInUse(_ a: MatchAsset, _ p: MatchProduct, _ t: MatchTerms) -> GateResult {
        let years = p.minTrademarkUseYears
        let passed = GateRule.trademarkInUse(a, years: years, asOf: t.asOf)
        guard let start = GateRule.useStart(a) else {
            return GateResult(code: .trademarkInUse, passed: passed,
                              zh: "首次使用日和注册日均未记录，无法确认已使用满 \(years) 年",
                              en: "Neither the first-use date nor the registration date is recorded, so \(years) years of use cannot be shown")
        }
        let from = a.firstUseDate != nil ? Label("首次使用日", "first use") : Label("注册日", "registration")
        let reached = start.adding(years: years)
        if passed {
            return GateResult(code: .trademarkInUse, passed: true,
                              zh: "自\(from.zh) \(start) 起使用，于 \(reached) 已满 \(years) 年",
                              en: "In use since its \(from.en) on \(start); \(years) years were complete on \(reached)")
        }
        return GateResult(code: .trademarkInUse, passed: false,
                          zh: "自\(from.zh) \(start) 起使用，到 \(reached) 才满本产品要求的 \(years) 年（现为 \(t.asOf)）",
                          en: "In use since its \(from.en) on \(start); the \(years) years the product requires are complete only on \(reached) (today is \(t.asOf))")
    }

    static func valuationCurrent(_ a: MatchAsset, _ p: MatchProduct, _ t: MatchTerms) -> GateResult {
        guard let v = a.valuation else {
            return GateResult(code: .valuationCurrent, passed: false,
                              zh: "没有评估报告", en: "There is no valuation")
        }
        let months = p.valuationValidityMonths
        let acceptedUntil = v.valuationDate.adding(months: months)
        let head = Label("评估报告 #\(v.id)（基准日 \(v.valuationDate)，评估值 \(MatchText.yuan(v.valueFen))）",
                         "Valuation #\(v.id) (dated \(v.valuationDate), \(MatchText.yuan(v.valueFen)))")
        let passed = GateRule.valuationCurrent(a, validityMonths: months, asOf: t.asOf)
        if !passed && v.validUntil < t.asOf {
            return GateResult(code: .valuationCurrent, passed: false,
                              zh: "\(head.zh)有效期至 \(v.validUntil)，已过期", en: "\(head.en) was valid until \(v.validUntil) and has expired")
        }
        if !passed {
            return GateResult(code: .valuationCurrent, passed: false,
                              zh: "\(head.zh)已超过本产品认可的 \(months) 个月（至 \(acceptedUntil)）",
                              en: "\(head.en) is older than the \(months) months the product accepts (to \(acceptedUntil))")
        }
        return GateResult(code: .valuationCurrent, passed: true,
                          zh: "\(head.zh)有效至 \(v.validUntil)，且在本产品认可的 \(months) 个月内（至 \(acceptedUntil)）",
                          en: "\(head.en) is valid until \(v.validUntil) and within the \(months) months the product accepts (to \(acceptedUntil))")
    }
}

extension GateResult {
    /// The verdict worded as it went: only the wording that applies is built.
    static func worded(_ code: GateCode, _ passed: Bool, _ ifPassed: @autoclosure () -> Label,
                       else ifFailed: @autoclosure () -> Label) -> GateResult {
        let text = passed ? ifPassed() : ifFailed()
        return GateResult(code: code, passed: passed, zh: text.zh, en: text.en)
    }
}
