import PledgeAPI
import PledgeCore

/// Applies hypothetical changes to a firm's assets in memory; nothing is written.
enum WhatIf {
    static func apply(_ body: Components.Schemas.WhatIfInput, to assets: [MatchAsset], firmId: Int64,
                      today: CivilDate) throws -> [MatchAsset] {
        var result = assets
        var c = Checker()
        for (i, v) in (body.valuations ?? []).enumerated() {
            let field = "valuations[\(i)]"
            guard let index = result.firstIndex(where: { $0.id == v.assetId }) else {
                c.add(.init("unknown_asset", field: "\(field).assetId", zh: "该资产不属于此企业",
                            en: "The asset does not belong to this firm"))
                continue
            }
            let input = ValuationInput(assetId: v.assetId, appraiser: "what-if", method: "income", valueFen: v.valueFen,
                                       valuationDate: v.valuationDate, validUntil: v.validUntil, reportNumber: "what-if")
            do {
                let valid = try input.validated(today: today)
                result[index].valuation = MatchValuation(id: 0, valueFen: valid.valueFen, valuationDate: valid.valuationDate,
                                                         validUntil: valid.validUntil)
            } catch {
                for e in error.errors { c.add(.init(e.code, field: "\(field).\(e.field)", zh: e.zh, en: e.en)) }
            }
        }
        for (i, a) in (body.newAssets ?? []).enumerated() {
            if let asset = newAsset(a, index: i, firmId: firmId, today: today, &c) { result.append(asset) }
        }
        try c.finish()
        return result
    }

    /// A hypothetical asset gets a negative id so it can never be mistaken for a stored one.
    private static func newAsset(_ a: Components.Schemas.NewAssetInput, index i: Int, firmId: Int64, today: CivilDate,
                                 _ c: inout Checker) -> MatchAsset? {
        let field = "newAssets[\(i)]"
        let input = AssetInput(
            firmId: firmId, type: a._type.rawValue, number: a.number, title: a.title, filingDate: a.filingDate,
            grantDate: a.grantDate, registrationDate: a.registrationDate, firstUseDate: a.firstUseDate,
            expiryDate: a.expiryDate, renewalCount: a.renewalCount ?? 0, legalStatus: a.legalStatus.rawValue,
            ipcClasses: a.ipcClasses ?? [], niceClasses: a.niceClasses ?? [],
            indicators: ValueIndicators(claims: a.indicators?.claims, forwardCitations: a.indicators?.forwardCitations,
                                        familySize: a.indicators?.familySize, licences: a.indicators?.licences,
                                        litigations: a.indicators?.litigations),
            coOwners: (a.coOwners ?? []).map { .init(name: $0.name, creditCode: $0.creditCode, shareBp: $0.shareBp,
                                                     consentToPledge: $0.consentToPledge) })
        do {
            let f = try input.validated(today: today)
            var valuation: MatchValuation?
            if let value = a.valueFen {
                let from = a.valuationDate ?? today.description
                let until = a.validUntil ?? (CivilDate(iso: from)?.adding(months: 12).description ?? from)
                let v = try ValuationInput(assetId: 0, appraiser: "what-if", method: "income", valueFen: value,
                                           valuationDate: from, validUntil: until, reportNumber: "what-if").validated(today: today)
                valuation = MatchValuation(id: 0, valueFen: v.valueFen, valuationDate: v.valuationDate, validUntil: v.validUntil)
            }
            return MatchAsset(id: -Int64(i + 1), firmId: firmId, type: f.type, legalStatus: f.legalStatus,
                              filingDate: f.filingDate, grantDate: f.grantDate, registrationDate: f.registrationDate,
                              firstUseDate: f.firstUseDate, expiryDate: f.expiryDate, renewalCount: f.renewalCount,
                              niceClassCount: f.niceClasses.count, indicators: f.indicators, coOwners: f.coOwners.count,
                              coOwnersWithoutConsent: f.coOwners.filter { !$0.consentToPledge }.count, valuation: valuation)
        } catch {
            for e in error.errors { c.add(.init(e.code, field: "\(field).\(e.field)", zh: e.zh, en: e.en)) }
            return nil
        }
    }
}
