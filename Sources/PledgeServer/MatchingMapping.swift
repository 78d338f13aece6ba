import PledgeAPI
import PledgeCore
import PledgeWorkflows

/// Engine results in the API's shapes.
extension PledgeService {
    static func gate(_ g: GateResult) -> Components.Schemas.GateResult {
        .init(code: g.code.rawValue, passed: g.passed, messageZh: g.zh, messageEn: g.en)
    }

    static func match(_ r: MatchResult, bankId: Int64) throws -> Components.Schemas.Match {
        .init(firmId: r.firmId, productId: r.productId, bankId: bankId, asOf: r.request.asOf.api, eligible: r.eligible,
              amountFen: r.amountFen, termMonths: r.termMonths, capacityFen: r.capacityFen, shortfallFen: r.shortfallFen,
              package: r.package.map { .init(assetIds: $0.assetIds, lendableFen: $0.lendableFen, pledgedValueFen: $0.pledgedValueFen) },
              score: .init(total: Double(r.score.centiPoints) / 100, centiPoints: r.score.centiPoints,
                           factors: try r.score.factors.map {
                               .init(code: try CoreEnum.api($0.code), weight: $0.weight,
                                     points: Double($0.centiPoints) / 100, centiPoints: $0.centiPoints,
                                     messageZh: $0.zh, messageEn: $0.en)
                           }),
              firmGates: r.firmGates.map(gate),
              assets: try r.assets.map {
                  .init(assetId: $0.assetId, _type: try CoreEnum.api($0.type), eligible: $0.eligible,
                        lendableFen: $0.lendableFen, valuePoints: $0.valuePoints, gates: $0.gates.map(gate))
              },
              summaryZh: r.summaryZh, summaryEn: r.summaryEn)
    }

    static func candidate(_ c: RankedCandidate) -> Components.Schemas.Candidate {
        .init(rank: c.rank, firmId: c.firm.id, firmName: c.firm.name, industryCode: c.firm.industryCode, town: c.firm.town,
              score: Double(c.key.centiPoints) / 100, centiPoints: c.key.centiPoints, capacityFen: c.key.capacityFen)
    }

    static func whatIfItem(_ item: MatchingWorkflow.WhatIfItem) throws -> Components.Schemas.WhatIfItem {
        .init(productId: item.product.id, before: try match(item.before, bankId: item.product.bankId),
              after: try match(item.after, bankId: item.product.bankId),
              scoreChange: Double(item.after.score.centiPoints - item.before.score.centiPoints) / 100,
              capacityChangeFen: item.after.capacityFen - item.before.capacityFen)
    }
}

extension WhatIfInput {
    /// The request's changes as core inputs; the workflow validates them.
    init(_ body: Components.Schemas.WhatIfInput, firmId: Int64, asOf: String?) {
        self.init(
            valuations: (body.valuations ?? []).map {
                .init(assetId: $0.assetId, valueFen: $0.valueFen, valuationDate: $0.valuationDate, validUntil: $0.validUntil)
            },
            newAssets: (body.newAssets ?? []).map { a in
                .init(asset: AssetInput(
                          firmId: firmId, type: a._type.rawValue, number: a.number, title: a.title, filingDate: a.filingDate,
                          grantDate: a.grantDate, registrationDate: a.registrationDate, firstUseDate: a.firstUseDate,
                          expiryDate: a.expiryDate, renewalCount: a.renewalCount ?? 0, legalStatus: a.legalStatus.rawValue,
                          ipcClasses: a.ipcClasses ?? [], niceClasses: a.niceClasses ?? [],
                          indicators: ValueIndicators(claims: a.indicators?.claims, forwardCitations: a.indicators?.forwardCitations,
                                                      familySize: a.indicators?.familySize, licences: a.indicators?.licences,
                                                      litigations: a.indicators?.litigations),
                          coOwners: (a.coOwners ?? []).map { .init(name: $0.name, creditCode: $0.creditCode, shareBp: $0.shareBp,
                                                                   consentToPledge: $0.consentToPledge) }),
                      valueFen: a.valueFen, valuationDate: a.valuationDate, validUntil: a.validUntil)
            },
            productId: body.productId, amountFen: body.amountFen, termMonths: body.termMonths, asOf: asOf)
    }
}
