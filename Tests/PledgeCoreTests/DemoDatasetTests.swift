import Testing
@testable import PledgeCore
@testable import PledgeTooling

private let demoToday = CivilDate(year: 2026, month: 11, day: 26)!

/// A few values that change if any part of the dataset changes.
private struct Fingerprint: Equatable {
    var counts: [Int]
    var firstCode: String
    var lastCode: String
    var lastAssetNumber: String
    var valuationSum: Fen
    var lastReport: String

    init(_ d: DemoDataset) {
        counts = [d.banks.count, d.products.count, d.firms.count, d.assets.count, d.valuations.count]
        firstCode = d.firms.first?.creditCode ?? ""
        lastCode = d.firms.last?.creditCode ?? ""
        lastAssetNumber = d.assets.last?.input.number ?? ""
        valuationSum = d.valuations.reduce(0) { $0 + $1.input.valueFen }
        lastReport = d.valuations.last?.input.reportNumber ?? ""
    }
}

private func errors(_ body: () throws -> Void) -> String? {
    do { try body(); return nil } catch { return "\(error)" }
}

@Suite("Demo dataset")
struct DemoDatasetTests {
    static let data = DemoDataset.generate(today: demoToday)
    /// Validated once: several tests read the derived fields (canonical numbers, expiry dates).
    static let assetFields: [AssetFields] = data.assets.compactMap { try? $0.input.validated(today: demoToday) }

    @Test func sameSeedGivesTheSameData() {
        let again = DemoDataset.generate(seed: 20_250_922, today: demoToday)
        #expect(Fingerprint(again) == Fingerprint(Self.data))
        #expect(again.firms.map(\.name) == Self.data.firms.map(\.name))
        #expect(again.assets.map(\.input.title) == Self.data.assets.map(\.input.title))
    }

    @Test func differentSeedGivesDifferentData() {
        let other = DemoDataset.generate(seed: 7, today: demoToday)
        #expect(Fingerprint(other) != Fingerprint(Self.data))
        #expect(other.firms.dropFirst().map(\.creditCode) != Self.data.firms.dropFirst().map(\.creditCode))
    }

    @Test func everyInputPassesValidation() {
        let d = Self.data
        var problems: [String] = []
        for bank in d.banks { if let e = errors({ _ = try bank.validated() }) { problems.append("bank \(bank.code): \(e)") } }
        for p in d.products {
            if let e = errors({ _ = try p.input.validated() }) { problems.append("product \(p.input.code): \(e)") }
        }
        for f in d.firms {
            if let e = errors({ _ = try f.validated(today: demoToday) }) { problems.append("firm \(f.name): \(e)") }
        }
        for a in d.assets {
            if let e = errors({ _ = try a.input.validated(today: demoToday) }) { problems.append("asset \(a.input.number): \(e)") }
        }
        for v in d.valuations {
            if let e = errors({ _ = try v.input.validated(today: demoToday) }) {
                problems.append("valuation \(v.input.reportNumber): \(e)")
            }
        }
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        #expect(Self.assetFields.count == d.assets.count)
    }

    @Test func identifiersAreUnique() {
        let d = Self.data
        let codes = d.firms.map(\.creditCode)
        #expect(Set(codes).count == codes.count)
        #expect(codes.allSatisfy { CreditCode.isValid($0) && $0.dropFirst(2).hasPrefix("500102") })
        #expect(Set(d.firms.map(\.name)).count == d.firms.count)
        let pairs = Self.assetFields.map { "\($0.type.rawValue) \($0.number)" }
        #expect(Set(pairs).count == pairs.count)
        let reports = d.valuations.map { "\($0.input.appraiser) \($0.input.reportNumber)" }
        #expect(Set(reports).count == reports.count)
        #expect(Set(d.banks.map(\.code)).count == d.banks.count)
        #expect(Set(d.banks.map(\.name)).count == d.banks.count)
        #expect(Set(d.products.map(\.input.code)).count == d.products.count)
        #expect(Set(d.products.map(\.input.name)).count == d.products.count)
    }

    @Test func theAssociationOwnsTheGIMarkAndComesFirst() {
        let d = Self.data
        let association = d.firms[0]
        #expect(association.name == "重庆市涪陵区榨菜协会")
        #expect(association.industryCode == "food_processing")
        #expect(association.creditCode.hasPrefix("51"))  // a social organisation, not a company

        let gi = d.assets.enumerated().filter { $0.element.input.type == IPType.giCollectiveMark.rawValue }
        #expect(gi.count == 1)
        #expect(gi.first?.offset == 0)
        #expect(gi.first?.element.firmIndex == 0)
        guard let mark = Self.assetFields.first else { Issue.record("no assets"); return }
        #expect(mark.title == "涪陵榨菜")
        #expect(mark.niceClasses.contains(29))
        #expect(mark.legalStatus == .inForce)
        #expect((7...8).contains(mark.number.count))
        #expect(mark.registrationDate! < demoToday && mark.expiryDate! >= demoToday)

        // A fresh valuation of about ¥500M, so the GI batch product can lend against it.
        let valuation = d.valuations.first { $0.assetIndex == 0 }
        #expect(valuation != nil)
        if let valuation {
            #expect((40_000_000_000...60_000_000_000).contains(valuation.input.valueFen))
            #expect(CivilDate(iso: valuation.input.validUntil)! > demoToday)
        }
        // Several licensed 榨菜 producers besides the association.
        #expect(d.firms.dropFirst().filter { $0.name.contains("榨菜") && $0.industryCode == "food_processing" }.count >= 3)
    }

    @Test func countsAreWithinTheIntendedRanges() {
        let d = Self.data
        #expect(d.firms.count == 150)
        #expect(d.banks.count == 8)
        #expect((10...14).contains(d.products.count))
        #expect((1_200...1_800).contains(d.assets.count))

        func share(_ type: IPType) -> Int { d.assets.filter { $0.input.type == type.rawValue }.count * 100 / d.assets.count }
        #expect((55...75).contains(share(.utilityModel)))
        #expect((10...20).contains(share(.invention)))
        #expect((2...9).contains(share(.design)))
        #expect((8...17).contains(share(.trademark)))
        #expect((1...6).contains(share(.copyright)))

        var perFirm = Array(repeating: 0, count: d.firms.count)
        for a in d.assets { perFirm[a.firmIndex] += 1 }
        #expect(perFirm.max()! <= 40)
        #expect(perFirm.contains(0))

        func percent(_ flag: (FirmInput) -> Bool) -> Int { d.firms.filter(flag).count * 100 / d.firms.count }
        #expect((25...45).contains(percent(\.highTech)))
        #expect((8...22).contains(percent(\.specialized)))
        #expect((5...16).contains(percent(\.ipDemonstration)))
        #expect((1...8).contains(percent(\.badCredit)))
        #expect(d.firms.contains { CivilDate(iso: $0.foundedOn)! > demoToday.adding(years: -2) })

        let valuable = Self.assetFields.filter { $0.legalStatus == .inForce }.count
        #expect((valuable * 45 / 100...valuable * 75 / 100).contains(d.valuations.count))
        #expect(d.assets.filter { !$0.input.coOwners.isEmpty }.count * 100 / d.assets.count <= 8)
    }

    @Test func indicesPointInsideAndIdsAreLeftToTheLoader() {
        let d = Self.data
        #expect(d.products.allSatisfy { d.banks.indices.contains($0.bankIndex) && $0.input.bankId == 0 })
        #expect(Set(d.products.map(\.bankIndex)).count == d.banks.count)  // every bank offers something
        #expect(d.assets.allSatisfy { d.firms.indices.contains($0.firmIndex) && $0.input.firmId == 0 })
        #expect(d.valuations.allSatisfy { d.assets.indices.contains($0.assetIndex) && $0.input.assetId == 0 })
        // Assets are grouped by firm, in firm order.
        #expect(d.assets.map(\.firmIndex) == d.assets.map(\.firmIndex).sorted())
    }

    @Test func firmsLookLikeFulingFirms() {
        let towns: Set = ["涪陵高新区", "白涛工业园区", "龙桥工业园", "李渡街道", "崇义街道", "荔枝街道", "江北街道",
                          "敦仁街道", "马鞍街道", "南沱镇", "珍溪镇", "百胜镇", "龙潭镇", "清溪镇"]
        let industries: Set = ["advanced_materials", "equipment", "biomedicine", "new_energy", "semiconductors",
                               "artificial_intelligence", "food_processing", "characteristic_agriculture", "shale_gas",
                               "smart_construction", "services", "other"]
        for firm in Self.data.firms.dropFirst() {
            #expect(firm.creditCode.hasPrefix("91500102"))
            #expect(firm.name.hasPrefix("重庆") && firm.name.hasSuffix("有限公司"))
            #expect(towns.contains(firm.town) && industries.contains(firm.industryCode))
            let founded = CivilDate(iso: firm.foundedOn)!
            #expect(founded.year >= 1995 && founded <= demoToday.adding(months: -6))
            let revenue = firm.annualRevenueFen!, rd = firm.rdExpenseFen!
            #expect((200_000_000...300_000_000_000).contains(revenue))
            #expect(rd >= revenue / 100 - 100 && rd <= revenue / 100 * 12)  // 1–12%, truncated to the fen
            let assets = firm.totalAssetsFen!, liabilities = firm.totalLiabilitiesFen!
            #expect(liabilities >= assets / 100 * 20 && liabilities <= assets / 100 * 80)
        }
    }

    @Test func legalStatusesAgreeWithDerivedExpiry() {
        for asset in Self.assetFields {
            switch asset.legalStatus {
            case .expired: #expect(asset.expiryDate! < demoToday, "\(asset.number)")
            case .pending: #expect(asset.grantDate == nil && asset.registrationDate == nil)
            default: #expect(asset.expiryDate! >= demoToday, "\(asset.number)")
            }
            #expect(asset.renewalCount <= 1)
            if asset.type == .trademark, asset.renewalCount > 0 {
                #expect(asset.registrationDate!.adding(years: 10) < demoToday)
            }
            if let firstUse = asset.firstUseDate, let registered = asset.registrationDate {
                #expect(firstUse >= registered)
            }
        }
        #expect(Self.assetFields.filter { $0.legalStatus == .inForce }.count * 100 / Self.assetFields.count >= 85)
    }

    @Test func patentNumbersAndDatesAgree() {
        for asset in Self.assetFields where asset.type.isPatent {
            guard case .success(let number) = PatentNumber.parse(asset.number) else {
                Issue.record("unparseable \(asset.number)"); continue
            }
            let filed = asset.filingDate!
            #expect(number.filingYear == filed.year)
            #expect((2008...(demoToday.year - 1)).contains(filed.year))
            if let granted = asset.grantDate {
                #expect((6...36).contains(filed.wholeMonths(until: granted)) && granted <= demoToday)
            }
            #expect(asset.type == .design ? asset.ipcClasses.isEmpty : !asset.ipcClasses.isEmpty)
            if asset.type != .design { #expect((1...30).contains(asset.indicators.claims ?? 0)) }
        }
    }

    @Test func valuationsAreDatedAndSomeAreStale() {
        let d = Self.data
        var stale = 0
        for v in d.valuations {
            let date = CivilDate(iso: v.input.valuationDate)!, until = CivilDate(iso: v.input.validUntil)!
            #expect(until == date.adding(months: 12))
            #expect(date > demoToday.adding(months: -24) && date <= demoToday)
            if until < demoToday { stale += 1 }
            #expect(v.input.reportNumber.contains("评报字[\(date.year)]第"))
        }
        #expect(stale > 0 && stale * 2 < d.valuations.count)
        #expect(d.valuations.filter { $0.input.method == "income" }.count * 2 > d.valuations.count)
    }

    @Test func productTermsAreWithinThePublishedRanges() {
        let ranges: [String: ClosedRange<Int>] = [
            "invention": 2500...5000, "utility_model": 1500...3000, "trademark": 3000...6000,
            "gi_collective_mark": 3000...5000, "design": 1500...2500, "copyright": 1000...2000,
        ]
        for product in Self.data.products.map(\.input) {
            #expect(product.code.hasPrefix("FZD_") && product.name.hasPrefix("涪知贷·"))
            for term in product.ipTerms { #expect(ranges[term.ipType]!.contains(term.loanToValueBp), "\(product.code)") }
            #expect((50_000_000...100_000_000).contains(product.minAmountFen))
            #expect((500_000_000...3_000_000_000).contains(product.maxAmountFen))
            #expect(product.minTermMonths >= 6 && product.maxTermMonths <= 36)
            #expect((-20...150).contains(product.rateSpreadBp))
            #expect(product.valuationValidityMonths == 12)
        }
        let giProducts = Self.data.products.filter { $0.input.ipTerms.contains { $0.ipType == "gi_collective_mark" } }
        #expect(giProducts.count == 1)
        #expect(giProducts.first?.input.eligibleIndustries == ["food_processing"])
    }

    @Test func smallDatasetsAndOtherDaysStayValid() {
        let alone = DemoDataset.generate(today: demoToday, firmCount: 1)
        #expect(alone.firms.count == 1 && alone.assets.count == 1 && alone.assets[0].input.type == "gi_collective_mark")

        for (iso, count) in [("2028-02-29", 40), ("2013-01-02", 30), ("2040-06-15", 30)] {
            let day = CivilDate(iso: iso)!
            let d = DemoDataset.generate(seed: 99, today: day, firmCount: count)
            #expect(d.firms.count == count)
            let firmsValid = d.firms.allSatisfy { firm in errors({ _ = try firm.validated(today: day) }) == nil }
            let assetsValid = d.assets.allSatisfy { asset in errors({ _ = try asset.input.validated(today: day) }) == nil }
            let valuationsValid = d.valuations.allSatisfy { v in errors({ _ = try v.input.validated(today: day) }) == nil }
            #expect(firmsValid && assetsValid && valuationsValid, "\(iso)")
        }
    }
}
