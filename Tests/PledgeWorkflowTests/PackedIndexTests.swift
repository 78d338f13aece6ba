import PledgeCore
import Testing
@testable import PledgeWorkflows

/// The index's compact forms give back exactly what went in, and order as the plain ones do.
@Suite("Packed index layout")
struct PackedIndexTests {
    static let day = CivilDate(year: 2026, month: 2, day: 28)!

    static func asset(_ id: Int64, _ type: IPType, claims: Int? = 12, value: Fen? = 150_000_000, pledged: Int64? = nil) -> MatchAsset {
        MatchAsset(id: id, firmId: 7, type: type, legalStatus: .inForce, filingDate: CivilDate(year: 2019, month: 3, day: 31),
                   grantDate: type.isMark ? nil : CivilDate(year: 2020, month: 12, day: 1),
                   registrationDate: type.isMark ? CivilDate(year: 2012, month: 1, day: 1) : nil,
                   firstUseDate: nil, expiryDate: CivilDate(year: 2039, month: 3, day: 30), renewalCount: 1, niceClassCount: 3,
                   indicators: ValueIndicators(claims: claims, forwardCitations: nil, familySize: 0, licences: 2, litigations: nil),
                   coOwners: 2, coOwnersWithoutConsent: 1,
                   valuation: value.map { MatchValuation(id: id * 10, valueFen: $0, valuationDate: day, validUntil: day.adding(months: 12)) },
                   pledgedBy: pledged)
    }

    @Test func assetsComeBackUnchanged() throws {
        let assets = IPType.allCases.enumerated().map { Self.asset(Int64($0.offset + 1), $0.element) }
            + [Self.asset(20, .invention, claims: nil, value: nil, pledged: 99), Self.asset(21, .trademark, claims: 0, value: 0)]
        for a in assets {
            let packed = try #require(PackedAsset(a))
            #expect(packed.unpacked(firmId: 7) == a)
        }
        #expect(MemoryLayout<PackedAsset>.stride <= 104)
    }

    @Test func whatDoesNotPackIsKeptAsItCame() {
        let wide = Self.asset(30, .invention, claims: Int(Int32.max) + 1)
        #expect(PackedAsset(wide) == nil)
        #expect(PackedAsset(Self.asset(31, .invention, claims: Int(Int32.min))) == nil)
        var store = FirmStore()
        let firm = MatchFirm(id: 7, industryCode: "equipment", priorityIndustry: false, town: "李渡街道", size: .small,
                             foundedOn: CivilDate(year: 2010, month: 1, day: 1)!)
        let slot = try! store.put(firm)
        let assets = [Self.asset(1, .utilityModel), wide]
        store.setAssets(assets, slot: slot)
        #expect(store.assets(slot) == assets)
        #expect(store.assetCount == 2)
    }

    @Test func assetsLoadedInAnyOrderReachTheirFirmsInIdOrder() throws {
        var store = FirmStore()
        let firms = (1...3).map { MatchFirm(id: Int64($0), industryCode: "equipment", priorityIndustry: false, town: "李渡街道",
                                            size: .small, foundedOn: CivilDate(year: 2010, month: 1, day: 1)!) }
        for firm in firms { try store.put(firm) }
        func held(_ a: MatchAsset, by firm: Int64) -> MatchAsset { var a = a; a.firmId = firm; return a }
        let wide = held(Self.asset(30, .invention, claims: Int(Int32.max) + 1), by: 2)
        let arriving = [held(Self.asset(12, .trademark), by: 1), held(Self.asset(25, .giCollectiveMark), by: 2), wide,
                        held(Self.asset(11, .utilityModel), by: 1), held(Self.asset(21, .invention), by: 2),
                        held(Self.asset(99, .invention), by: 404)]   // a firm the snapshot did not give
        for a in arriving { store.load(a) }
        store.finishLoading()
        #expect(store.assets(try #require(store.slot(of: 1))).map(\.id) == [11, 12])
        #expect(store.assets(try #require(store.slot(of: 2))) == [arriving[4], arriving[1], wide])
        #expect(store.assets(try #require(store.slot(of: 3))).isEmpty)
        #expect(store.assetCount == 5)
        #expect(store.markOwners[25] == 2)
        #expect(store.heldTypes[Int(try #require(store.slot(of: 1)))] == FirmStore.bit(.trademark) | FirmStore.bit(.utilityModel))
    }

    @Test func datesPackAndOrderAsDates() {
        var dates: [CivilDate] = [.earliest, .latest]
        for days in stride(from: -3000, to: 30000, by: 97) { dates.append(CivilDate(daysSinceEpoch: days)) }
        for d in dates {
            #expect(CivilDate(packed: d.packed) == d)
            #expect(CivilDate(year: d.year, month: d.month, day: d.day) == d)
        }
        for (a, b) in zip(dates, dates.shuffled()) {
            #expect((a < b) == (a.daysSinceEpoch < b.daysSinceEpoch))
        }
    }

    @Test func packedKeysOrderAsCandidateKeys() throws {
        var keys: [CandidateKey] = []
        for _ in 0..<2000 {
            keys.append(CandidateKey(centiPoints: Int.random(in: 0...10_000), capacityFen: Int64.random(in: 0...Money.maxAmount),
                                     firmId: Int64.random(in: 1...Int64(UInt32.max))))
        }
        // Ties on score and on capacity, which the firm id decides.
        keys += [CandidateKey(centiPoints: 5000, capacityFen: 100, firmId: 3), CandidateKey(centiPoints: 5000, capacityFen: 100, firmId: 2),
                 CandidateKey(centiPoints: 5000, capacityFen: 101, firmId: 9)]
        let packed = try keys.map { try #require(PackedKey($0)) }
        #expect(packed.map(\.key) == keys)
        #expect(packed.sorted().map(\.key) == keys.sorted())
        #expect(PackedKey(CandidateKey(centiPoints: 1, capacityFen: 1, firmId: Int64(UInt32.max) + 1)) == nil)
        #expect(PackedKey(CandidateKey(centiPoints: -1, capacityFen: 1, firmId: 1)) == nil)
    }

    @Test func mergedBlocksAndCursorsReadAsASortedList() {
        let runs = (0..<3).map { _ in (0..<700).map { _ in Int.random(in: 0...500) }.sorted() }
        let blocks = SortedBlocks(mergingSorted: runs)
        let all = runs.flatMap { $0 }.sorted()
        #expect(blocks.elements == all)
        #expect(blocks.count == all.count)
        for cursor in [-1, 0, 17, 250, 499, 500, 501] {
            var seen: [Int] = []
            blocks.forEach(where: { $0 > cursor }) { seen.append($0); return true }
            #expect(seen == all.filter { $0 > cursor })
        }
    }
}
