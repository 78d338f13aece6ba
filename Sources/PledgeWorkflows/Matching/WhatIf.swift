import PledgeCore

/// Hypothetical changes to a firm's assets: new valuations of assets it holds, and assets it does
/// not hold yet. Nothing is written.
public struct WhatIfInput: Sendable {
    public struct Revaluation: Sendable {
        public var assetId: Int64
        public var valueFen: Fen
        public var valuationDate: String
        public var validUntil: String
        public init(assetId: Int64, valueFen: Fen, valuationDate: String, validUntil: String) {
            self.assetId = assetId; self.valueFen = valueFen; self.valuationDate = valuationDate; self.validUntil = validUntil
        }
    }

    /// An asset as it would be registered, with its valuation if one is supposed (dated today and
    /// valid 12 months unless said).
    public struct NewAsset: Sendable {
        public var asset: AssetInput
        public var valueFen: Fen?
        public var valuationDate: String?
        public var validUntil: String?
        public init(asset: AssetInput, valueFen: Fen?, valuationDate: String?, validUntil: String?) {
            self.asset = asset; self.valueFen = valueFen; self.valuationDate = valuationDate; self.validUntil = validUntil
        }
    }

    public var valuations: [Revaluation]
    public var newAssets: [NewAsset]
    /// One product, or every product.
    public var productId: Int64?
    public var amountFen: Fen?
    public var termMonths: Int?
    public var asOf: String?

    public init(valuations: [Revaluation], newAssets: [NewAsset], productId: Int64?, amountFen: Fen?, termMonths: Int?, asOf: String?) {
        self.valuations = valuations; self.newAssets = newAssets; self.productId = productId
        self.amountFen = amountFen; self.termMonths = termMonths; self.asOf = asOf
    }

    /// The firm's assets with the changes applied; every problem is reported at once.
    func apply(to assets: [MatchAsset], firmId: Int64, today: CivilDate) throws(ValidationFailure) -> [MatchAsset] {
        var result = assets
        var c = Checker()
        for (i, v) in valuations.enumerated() {
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
        for (i, a) in newAssets.enumerated() {
            if let asset = a.matchAsset(index: i, firmId: firmId, today: today, &c) { result.append(asset) }
        }
        try c.finish()
        return result
    }
}

extension WhatIfInput.NewAsset {
    /// A hypothetical asset gets a negative id so it can never be mistaken for a stored one.
    func matchAsset(index i: Int, firmId: Int64, today: CivilDate, _ c: inout Checker) -> MatchAsset? {
        let field = "newAssets[\(i)]"
        do {
            let f = try asset.validated(today: today)
            var valuation: MatchValuation?
            if let value = valueFen {
                let from = valuationDate ?? today.description
                let until = validUntil ?? (CivilDate(iso: from)?.adding(months: 12).description ?? from)
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
