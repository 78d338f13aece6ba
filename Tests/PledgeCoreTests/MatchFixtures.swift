@testable import PledgeTooling
@testable import PledgeCore

/// Builders for matching tests: a typical 涪知贷 product and a firm and assets that pass every gate on
/// `today`, so each test changes only the one thing it is about.
enum MatchFixture {
    static func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }
    static func yuan(_ v: Int64) -> Fen { v * 100 }

    /// D in most tests; E = D + 36 months = 2028-10-15 under the default product.
    static let today = d("2025-10-15")

    static func product(id: Int64 = 7, types: [IPType: MatchProduct.Term]? = nil, minAmount: Fen = yuan(500_000),
                        maxAmount: Fen = yuan(30_000_000), minTerm: Int = 6, maxTerm: Int = 36,
                        industries: Set<String> = [], weights: ScoreWeights = .default) -> MatchProduct {
        MatchProduct(id: id, bankId: 1, terms: types ?? [
            .invention: .init(loanToValueBp: 3_000, minRemainingLifeMonths: 60),
            .utilityModel: .init(loanToValueBp: 2_000, minRemainingLifeMonths: 48),
            .trademark: .init(loanToValueBp: 4_000, minRemainingLifeMonths: 24),
            .giCollectiveMark: .init(loanToValueBp: 5_000, minRemainingLifeMonths: 24),
            .copyright: .init(loanToValueBp: 2_000, minRemainingLifeMonths: 12),
        ], minAmountFen: minAmount, maxAmountFen: maxAmount, minTermMonths: minTerm, maxTermMonths: maxTerm,
           eligibleIndustries: industries, valuationValidityMonths: 12, minYearsOperating: 2,
           minTrademarkUseYears: 2, weights: weights)
    }

    static func firm(id: Int64 = 1, industry: String = "advanced_materials", founded: CivilDate = d("2015-03-01"),
                     revenue: Fen? = yuan(80_000_000), rd: Fen? = yuan(4_000_000)) -> MatchFirm {
        MatchFirm(id: id, industryCode: industry, priorityIndustry: true, town: "涪陵高新区", size: .small,
                  foundedOn: founded, annualRevenueFen: revenue, rdExpenseFen: rd,
                  totalAssetsFen: yuan(100_000_000), totalLiabilitiesFen: yuan(50_000_000), highTech: true)
    }

    static func valuation(id: Int64 = 100, value: Fen, on date: CivilDate = d("2025-06-01")) -> MatchValuation {
        MatchValuation(id: id, valueFen: value, valuationDate: date, validUntil: date.adding(years: 1).adding(days: -1))
    }

    /// An invention filed on `filed`, in force, valued at `value` yuan on 2025-06-01.
    static func invention(id: Int64 = 11, firm: Int64 = 1, filed: CivilDate = d("2020-04-10"),
                          value: Int64 = 10_000_000) -> MatchAsset {
        MatchAsset(id: id, firmId: firm, type: .invention, legalStatus: .inForce, filingDate: filed,
                   grantDate: filed.adding(years: 2),
                   expiryDate: ProtectionTerm.expiry(type: .invention, filing: filed, registration: nil, renewals: 0),
                   indicators: .init(claims: 10, forwardCitations: 3, familySize: 2, licences: 1, litigations: 0),
                   valuation: valuation(id: 100 + id, value: yuan(value)))
    }

    static func trademark(id: Int64 = 21, firm: Int64 = 1, type: IPType = .trademark,
                          registered: CivilDate = d("2016-05-07"), value: Int64 = 5_000_000) -> MatchAsset {
        MatchAsset(id: id, firmId: firm, type: type, legalStatus: .inForce, registrationDate: registered,
                   expiryDate: ProtectionTerm.expiry(type: type, filing: nil, registration: registered, renewals: 1),
                   renewalCount: 1, niceClassCount: 3, valuation: valuation(id: 100 + id, value: yuan(value)))
    }

    static func evaluate(_ assets: [MatchAsset], firm: MatchFirm = firm(), product: MatchProduct = product(),
                         asOf: CivilDate = today, amount: Fen? = nil, term: Int? = nil) -> MatchResult {
        MatchEngine.evaluate(firm: firm, assets: assets, product: product,
                             request: LoanRequest(asOf: asOf, amountFen: amount, termMonths: term))
    }
}

extension MatchResult {
    func gate(_ code: GateCode) -> GateResult? { firmGates.first { $0.code == code } }
}

extension AssetVerdict {
    func gate(_ code: GateCode) -> GateResult? { gates.first { $0.code == code } }
}

/// Random small portfolios for property tests, drawn from the demo data's SplitMix64 so a failure
/// reproduces from its seed on any machine.
struct MatchRandom {
    var rng: DemoRandom
    init(seed: UInt64) { rng = DemoRandom(seed: seed) }

    mutating func date(_ from: String, _ to: String) -> CivilDate {
        rng.date(in: MatchFixture.d(from)...MatchFixture.d(to))
    }

    mutating func maybe<T>(_ percent: Int, _ make: (inout MatchRandom) -> T) -> T? {
        rng.chance(percent: percent) ? make(&self) : nil
    }

    mutating func firm(id: Int64) -> MatchFirm {
        let revenue = maybe(85) { $0.rng.logUniform(100_000...50_000_000_000) }
        let assets = maybe(80) { $0.rng.logUniform(1_000_000...80_000_000_000) }
        let rd = revenue.flatMap { r in maybe(80) { $0.rng.fen(0...(r / 5)) } }
        let liabilities = assets.flatMap { a in maybe(90) { $0.rng.fen(0...(a + a / 2)) } }
        return MatchFirm(
            id: id, industryCode: rng.element(["advanced_materials", "food_processing", "characteristic_agriculture", "services"]),
            priorityIndustry: rng.chance(percent: 60), town: "李渡街道", size: rng.element(FirmSize.allCases),
            foundedOn: date("2005-01-01", "2025-10-01"), annualRevenueFen: revenue,
            rdExpenseFen: rd, totalAssetsFen: assets, totalLiabilitiesFen: liabilities,
            highTech: rng.chance(percent: 30), specialized: rng.chance(percent: 20),
            ipDemonstration: rng.chance(percent: 10), badCredit: rng.chance(percent: 5),
            defaultedLoans: rng.chance(percent: 4) ? 1 : 0)
    }

    mutating func asset(id: Int64, firm: Int64) -> MatchAsset {
        let type = rng.weighted([(IPType.invention, 30), (.utilityModel, 30), (.design, 8), (.trademark, 20),
                                 (.giCollectiveMark, 4), (.copyright, 8)])
        var a = MatchAsset(id: id, firmId: rng.chance(percent: 3) ? firm + 1 : firm, type: type,
                           legalStatus: rng.chance(percent: 85) ? .inForce : rng.element(LegalStatus.allCases))
        if type.isMark {
            a.registrationDate = date("2004-01-01", "2025-09-30")
            a.renewalCount = rng.int(0...2)
            a.firstUseDate = maybe(40) { $0.date("2000-01-01", "2025-09-30") }
            a.niceClassCount = rng.int(1...12)
            a.expiryDate = ProtectionTerm.expiry(type: type, filing: nil, registration: a.registrationDate, renewals: a.renewalCount)
        } else {
            a.filingDate = date(type == .copyright ? "1990-01-01" : "2004-01-01", "2025-06-30")
            a.expiryDate = ProtectionTerm.expiry(type: type, filing: a.filingDate, registration: nil, renewals: 0)
        }
        if rng.chance(percent: 4) { a.expiryDate = nil }
        a.indicators = ValueIndicators(
            claims: maybe(80) { $0.rng.int(1...30) }, forwardCitations: maybe(70) { $0.rng.skewedLow(40) },
            familySize: maybe(60) { $0.rng.int(1...8) }, licences: maybe(50) { $0.rng.int(0...7) },
            litigations: maybe(50) { $0.rng.chance(percent: 80) ? 0 : $0.rng.int(1...3) })
        a.coOwners = rng.chance(percent: 15) ? rng.int(1...3) : 0
        a.coOwnersWithoutConsent = a.coOwners > 0 && rng.chance(percent: 30) ? rng.int(1...a.coOwners) : 0
        if rng.chance(percent: 90) {
            let on = date("2023-06-01", "2025-10-15")
            // Values in a narrow band and round numbers too, so ties in lendable and value occur.
            let value = rng.chance(percent: 30) ? Fen(rng.int(1...6)) * 100_000_000 : rng.logUniform(1_000_000...5_000_000_000)
            a.valuation = MatchValuation(id: id + 10_000, valueFen: value, valuationDate: on,
                                         validUntil: on.adding(months: rng.int(6...24)))
        }
        a.pledgedBy = rng.chance(percent: 8) ? 77 : nil
        return a
    }

    mutating func portfolio(firm: Int64, count: ClosedRange<Int>) -> [MatchAsset] {
        (0..<rng.int(count)).map { asset(id: firm * 100 + Int64($0), firm: firm) }
    }

    mutating func product(id: Int64) -> MatchProduct {
        var terms: [IPType: MatchProduct.Term] = [:]
        for type in IPType.allCases where rng.chance(percent: 70) {
            terms[type] = .init(loanToValueBp: rng.int(1_000...6_000), minRemainingLifeMonths: rng.element([0, 12, 24, 48, 60, 96]))
        }
        let minAmount = rng.element([Fen(100_000), 5_000_000, 50_000_000, 100_000_000])
        let minTerm = rng.int(1...12)
        let ws = [[30, 25, 20, 15, 10], [100, 0, 0, 0, 0], [20, 20, 20, 20, 20], [0, 50, 10, 0, 40]]
        let w = rng.element(ws)
        return MatchProduct(
            id: id, bankId: 1, terms: terms, minAmountFen: minAmount,
            maxAmountFen: minAmount * Fen(rng.element([1, 10, 60, 300])), minTermMonths: minTerm,
            maxTermMonths: minTerm + rng.int(0...48),
            eligibleIndustries: rng.chance(percent: 30) ? ["advanced_materials", "food_processing"] : [],
            valuationValidityMonths: rng.element([6, 12, 18]), minYearsOperating: rng.int(0...3),
            minTrademarkUseYears: rng.int(0...3),
            weights: ScoreWeights(ipValue: w[0], coverage: w[1], firmStrength: w[2], strategicFit: w[3], risk: w[4]))
    }
}
