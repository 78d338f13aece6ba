extension MatchEngine {
    /// GI collective-mark batch credit (地理标志批量授信, the 涪陵榨菜 case): the association pledges its
    /// mark once, and the line it secures is shared among the producers licensed to use the mark.
    ///
    /// The mark passes the ordinary asset gates under the product, held by `owner`, plus it must be a GI
    /// collective mark. Each licensee passes its own gates: licence in force from D through the loan's
    /// end E, and the firm gates that do not depend on collateral (years operating, credit, industry).
    /// line = min(value × LTV(GI mark), product maximum × eligible licensees); shares are pro rata to
    /// annual revenue (equal when any eligible licensee's revenue is unknown or all are 0), each capped
    /// at the product maximum and floored to the fen. What the floors and caps leave unallocated stays
    /// with the line: it is not spread again, so a share never depends on another firm's cap.
    public static func batchCredit(mark: MatchAsset, owner: MatchFirm, product: MatchProduct,
                                   licensees: [(firm: MatchFirm, licence: MatchLicence)], request: LoanRequest) -> BatchCredit {
        let t = MatchTerms(request: request, product: product)
        var markGates = AssetGates.results(mark, ownerId: owner.id, product: product, terms: t)
        if mark.type != .giCollectiveMark, let i = markGates.firstIndex(where: { $0.code == .assetTypeAccepted }) {
            markGates[i] = GateResult(code: .assetTypeAccepted, passed: false,
                                      zh: "\(mark.type.label.zh)不是地理标志集体商标，不能用于批量授信",
                                      en: "A \(mark.type.label.en) is not a GI collective mark and cannot secure batch credit")
        }
        let markEligible = markGates.allSatisfy(\.passed)

        let ordered = licensees.sorted { ($0.firm.id, $0.licence.id) < ($1.firm.id, $1.licence.id) }
        var shares = ordered.map { pair in
            BatchShare(firmId: pair.firm.id, licenceId: pair.licence.id,
                       gates: licenseeGates(pair.firm, pair.licence, mark: mark, product: product, terms: t), shareFen: 0)
        }
        let eligibleIdx = shares.indices.filter { shares[$0].eligible }
        let n = Fen(eligibleIdx.count)
        guard markEligible, n > 0 else {
            return BatchCredit(markAssetId: mark.id, productId: product.id, markGates: markGates, lineFen: 0, shares: shares)
        }
        let (perFirmTotal, overflow) = product.maxAmountFen.multipliedReportingOverflow(by: n)
        let line = overflow ? GateRule.lendable(mark, product) : min(GateRule.lendable(mark, product), perFirmTotal)

        let revenues = eligibleIdx.map { ordered[$0].firm.annualRevenueFen }
        let known = revenues.compactMap { $0 }.map { max(0, $0) }
        let totalRevenue = known.reduce(0, Scoring.add)
        let proRata = known.count == revenues.count && totalRevenue > 0
        for (k, i) in eligibleIdx.enumerated() {
            let raw: Fen
            if proRata {
                // line × revenue can exceed Int64 (¥10^11 × ¥10^11 in fen); the quotient cannot exceed the line.
                raw = Scoring.mulDiv(line, known[k], totalRevenue)
            } else {
                raw = line / n
            }
            shares[i].shareFen = min(raw, product.maxAmountFen)
        }
        return BatchCredit(markAssetId: mark.id, productId: product.id, markGates: markGates, lineFen: line, shares: shares)
    }

    static func licenseeGates(_ f: MatchFirm, _ l: MatchLicence, mark: MatchAsset, product: MatchProduct,
                              terms t: MatchTerms) -> [GateResult] {
        [licenceInForce(f, l, mark: mark, t),
         FirmGates.yearsOperating(f, years: product.minYearsOperating, t),
         FirmGates.creditRecord(f),
         FirmGates.industry(f, product)]
    }

    /// A producer whose licence lapses mid-loan would be borrowing against a mark it may no longer use,
    /// so the licence must run from D through E (see `GateRule.licenceCoversLoan`).
    static func licenceInForce(_ f: MatchFirm, _ l: MatchLicence, mark: MatchAsset, _ t: MatchTerms) -> GateResult {
        let passed = GateRule.licenceCoversLoan(l, firmId: f.id, markId: mark.id, terms: t)
        if !passed && (l.markAssetId != mark.id || l.licenseeFirmId != f.id) {
            return GateResult(code: .licenceInForce, passed: false,
                              zh: "许可 #\(l.id) 是资产 #\(l.markAssetId) 给企业 #\(l.licenseeFirmId) 的许可，不是本商标 #\(mark.id) 给企业 #\(f.id) 的",
                              en: "Licence #\(l.id) is for asset #\(l.markAssetId) to firm #\(l.licenseeFirmId), not for mark #\(mark.id) to firm #\(f.id)")
        }
        let period = Label("许可 #\(l.id)（\(l.validFrom) 至 \(l.validUntil)）", "Licence #\(l.id) (\(l.validFrom) to \(l.validUntil))")
        if !passed && l.validFrom > t.asOf {
            return GateResult(code: .licenceInForce, passed: false,
                              zh: "\(period.zh)尚未生效（现为 \(t.asOf)）", en: "\(period.en) has not started (today is \(t.asOf))")
        }
        if !passed {
            return GateResult(code: .licenceInForce, passed: false,
                              zh: "\(period.zh)在贷款到期日 \(t.loanEnd) 之前结束",
                              en: "\(period.en) ends before the loan's end on \(t.loanEnd)")
        }
        return GateResult(code: .licenceInForce, passed: true,
                          zh: "\(period.zh)覆盖贷款期 \(t.asOf) 至 \(t.loanEnd)",
                          en: "\(period.en) covers the loan from \(t.asOf) to \(t.loanEnd)")
    }
}
