@testable import PledgeTooling
import Testing
@testable import PledgeCore

private typealias F = MatchFixture
private func d(_ s: String) -> CivilDate { F.d(s) }

/// The 涪陵榨菜 case: the association (firm #1) pledges its GI collective mark #500, valued ¥1亿, under a
/// product lending 50% against GI marks up to ¥1000万 a firm. D = 2025-10-15, E = 2028-10-15.
@Suite("Matching: GI collective-mark batch credit")
struct MatchBatchCreditTests {
    static let association = MatchFirm(id: 1, industryCode: "services", priorityIndustry: false, town: "荔枝街道",
                                       size: .micro, foundedOn: d("1998-06-01"))
    static let product = F.product(maxAmount: 1_000_000_000, industries: ["food_processing", "characteristic_agriculture"])

    static func mark(value: Fen = 10_000_000_000) -> MatchAsset {
        var m = F.trademark(id: 500, firm: 1, type: .giCollectiveMark, registered: d("2010-03-01"))
        m.valuation = F.valuation(id: 900, value: value)
        return m
    }

    static func producer(_ id: Int64, revenue: Fen?) -> MatchFirm {
        var f = F.firm(id: id, industry: "food_processing", revenue: revenue, rd: nil)
        f.town = "江北街道"
        return f
    }

    static func licence(_ id: Int64, firm: Int64, from: String = "2020-01-01", until: String = "2030-12-31",
                        mark: Int64 = 500) -> MatchLicence {
        MatchLicence(id: id, markAssetId: mark, licenseeFirmId: firm, validFrom: d(from), validUntil: d(until))
    }

    static func run(_ licensees: [(firm: MatchFirm, licence: MatchLicence)], mark: MatchAsset = mark(),
                    owner: MatchFirm = association, product: MatchProduct = product, asOf: CivilDate = F.today) -> BatchCredit {
        MatchEngine.batchCredit(mark: mark, owner: owner, product: product, licensees: licensees,
                                request: LoanRequest(asOf: asOf))
    }

    static let three: [(firm: MatchFirm, licence: MatchLicence)] = [
        (producer(12, revenue: 3_000_000_000), licence(3, firm: 12)),
        (producer(10, revenue: 1_000_000_000), licence(1, firm: 10)),
        (producer(11, revenue: 2_000_000_000), licence(2, firm: 11)),
    ]

    @Test("Line = min(value × 50%, ¥1000万 × 3); shares pro rata to revenue, capped, ordered by firm id")
    func proRataWithCap() {
        let batch = Self.run(Self.three)
        #expect(batch.markGates.allSatisfy { $0.passed })
        #expect(batch.markGates.contains { $0.code == .trademarkInUse })
        #expect(batch.lineFen == 3_000_000_000)
        #expect(batch.shares.map(\.firmId) == [10, 11, 12])
        #expect(batch.shares.map(\.licenceId) == [1, 2, 3])
        // 1 : 2 : 3 of ¥3000万 is ¥500万, ¥1000万, ¥1500万; the last is capped at ¥1000万.
        #expect(batch.shares.map(\.shareFen) == [500_000_000, 1_000_000_000, 1_000_000_000])
        #expect(batch.shares.reduce(0) { $0 + $1.shareFen } <= batch.lineFen)
        #expect(batch.shares.allSatisfy { $0.gates.map(\.code) == [.licenceInForce, .firmYearsOperating, .firmCreditRecord, .firmIndustry] })
    }

    @Test("The mark's value decides when it is below the licensees' total maximum")
    func lineFromValue() {
        let batch = Self.run(Self.three, mark: Self.mark(value: 2_000_000_000))  // 50% = ¥1000万
        #expect(batch.lineFen == 1_000_000_000)
        #expect(batch.shares.map(\.shareFen) == [166_666_666, 333_333_333, 500_000_000])
    }

    @Test(arguments: [
        ("2020-01-01", "2028-10-15", true),   // boundary: ends on the loan's last day
        ("2020-01-01", "2028-10-14", false),  // boundary: ends the day before E
        ("2020-01-01", "2026-12-31", false),  // ends mid-loan
        ("2025-10-15", "2030-12-31", true),   // boundary: starts on D
        ("2025-10-16", "2030-12-31", false),  // boundary: starts the day after D
    ])
    func licenceMustCoverTheLoan(from: String, until: String, passes: Bool) throws {
        let batch = Self.run([(Self.producer(10, revenue: 1_000), Self.licence(1, firm: 10, from: from, until: until))])
        let share = try #require(batch.shares.first)
        let gate = try #require(share.gates.first)
        #expect(gate.code == .licenceInForce)
        #expect(gate.passed == passes, "\(gate.zh)")
        #expect(gate.zh.contains(passes ? "2028-10-15" : (from == "2025-10-16" ? "2025-10-15" : "2028-10-15")))
        #expect(share.eligible == passes)
        #expect(batch.lineFen == (passes ? 1_000_000_000 : 0))
        #expect(share.shareFen == batch.lineFen)
    }

    @Test("An ineligible licensee gets nothing and does not enlarge the line")
    func ineligibleLicensee() {
        var licensees = Self.three
        licensees[0].firm.badCredit = true                   // firm 12
        licensees[1].firm.industryCode = "advanced_materials"  // firm 10, outside the product's industries
        let batch = Self.run(licensees)
        #expect(batch.lineFen == 1_000_000_000)              // one eligible licensee × ¥1000万
        #expect(batch.shares.map(\.shareFen) == [0, 1_000_000_000, 0])
        #expect(batch.shares.map(\.eligible) == [false, true, false])
        #expect(batch.shares[0].gates.first { $0.code == .firmIndustry }?.passed == false)
        #expect(batch.shares[2].gates.first { $0.code == .firmCreditRecord }?.passed == false)
    }

    @Test("Equal split, floored to the fen, when any revenue is unknown; the remainder stays with the line")
    func equalSplit() {
        var licensees = Self.three
        licensees[2].firm.annualRevenueFen = nil
        let batch = Self.run(licensees, mark: Self.mark(value: 2_000_000_002))  // line ¥10,000,000.01
        #expect(batch.lineFen == 1_000_000_001)
        #expect(batch.shares.map(\.shareFen) == [333_333_333, 333_333_333, 333_333_333])
        #expect(batch.lineFen - batch.shares.reduce(0) { $0 + $1.shareFen } == 2)
        let zeros = Self.three.map { pair -> (firm: MatchFirm, licence: MatchLicence) in
            var firm = pair.firm
            firm.annualRevenueFen = 0
            return (firm, pair.licence)
        }
        #expect(Self.run(zeros).shares.map(\.shareFen) == [1_000_000_000, 1_000_000_000, 1_000_000_000])
    }

    @Test("The mark's own gates: not a GI mark, pledged, another owner, stale valuation → no line")
    func markGates() {
        var trademark = Self.mark(); trademark.type = .trademark
        let notGI = Self.run(Self.three, mark: trademark)
        #expect(notGI.markGates.first { $0.code == .assetTypeAccepted }?.passed == false)
        #expect(notGI.markGates.first { $0.code == .assetTypeAccepted }?.zh.contains("不是地理标志集体商标") == true)

        var pledged = Self.mark(); pledged.pledgedBy = 4
        var stale = Self.mark(); stale.valuation = F.valuation(value: 10_000_000_000, on: d("2024-06-01"))
        let otherOwner = MatchFirm(id: 2, industryCode: "services", priorityIndustry: false, town: "", size: .micro,
                                   foundedOn: d("2000-01-01"))
        for batch in [notGI, Self.run(Self.three, mark: pledged), Self.run(Self.three, mark: stale),
                      Self.run(Self.three, owner: otherOwner)] {
            #expect(!batch.markGates.allSatisfy { $0.passed })
            #expect(batch.lineFen == 0)
            #expect(batch.shares.allSatisfy { $0.shareFen == 0 })
            #expect(batch.shares.allSatisfy { $0.eligible }, "licensees are still judged on their own gates")
        }
    }

    @Test func licenceForAnotherMarkOrFirm() {
        let batch = Self.run([(Self.producer(10, revenue: 5), Self.licence(1, firm: 10, mark: 501)),
                              (Self.producer(11, revenue: 5), Self.licence(2, firm: 99))])
        #expect(batch.shares.allSatisfy { !$0.eligible && $0.shareFen == 0 })
        #expect(batch.shares[0].gates[0].zh.contains("#501"))
        #expect(batch.lineFen == 0)
        #expect(Self.run([]).lineFen == 0)
    }

    @Test("Large revenues and lines do not overflow")
    func largeNumbers() {
        let big = F.product(maxAmount: Money.maxAmount, industries: ["food_processing"])
        let licensees: [(firm: MatchFirm, licence: MatchLicence)] = (1...3).map { (i: Int64) in
            (Self.producer(10 + i, revenue: Money.maxAmount - i), Self.licence(i, firm: 10 + i))
        }
        let batch = Self.run(licensees, mark: Self.mark(value: Money.maxAmount), product: big)
        #expect(batch.lineFen == Money.maxAmount / 2)
        #expect(batch.shares.reduce(0) { $0 + $1.shareFen } <= batch.lineFen)
        #expect(batch.shares.allSatisfy { $0.shareFen > batch.lineFen / 4 })
    }

    @Test("On random batches: Σ shares ≤ line, each ≤ the product maximum, ineligible get 0")
    func invariants() {
        var r = MatchRandom(seed: 17)
        for _ in 0..<1_000 {
            let asOf = r.date("2024-01-01", "2026-12-31")
            var product = r.product(id: 1)
            product.terms[.giCollectiveMark] = .init(loanToValueBp: r.rng.int(1_000...7_000), minRemainingLifeMonths: 12)
            var mark = Self.mark(value: r.rng.logUniform(1_000_000...50_000_000_000))
            mark.valuation = F.valuation(value: mark.valuation!.valueFen, on: asOf.adding(days: -r.rng.int(0...400)))
            let licensees = (0..<r.rng.int(0...8)).map { i in
                let firm = r.firm(id: Int64(20 + i))
                let from = r.date("2018-01-01", "2026-12-31")
                return (firm: firm, licence: MatchLicence(id: Int64(i + 1), markAssetId: 500, licenseeFirmId: firm.id,
                                                          validFrom: from, validUntil: from.adding(months: r.rng.int(1...120))))
            }
            let batch = MatchEngine.batchCredit(mark: mark, owner: Self.association, product: product,
                                                licensees: licensees, request: LoanRequest(asOf: asOf))
            let eligible = batch.shares.filter(\.eligible).count
            #expect(batch.shares.reduce(0) { $0 + $1.shareFen } <= batch.lineFen)
            #expect(batch.lineFen <= product.maxAmountFen * Fen(eligible))
            #expect(batch.shares.allSatisfy { $0.shareFen <= product.maxAmountFen && $0.shareFen >= 0 })
            #expect(batch.shares.allSatisfy { $0.eligible || $0.shareFen == 0 })
            #expect(batch.shares.map(\.firmId) == batch.shares.map(\.firmId).sorted())
            if batch.markGates.allSatisfy({ $0.passed }) && eligible > 0 {
                let lendable = Money.apply(basisPoints: BasisPoints(product.terms[.giCollectiveMark]!.loanToValueBp),
                                           to: mark.valuation!.valueFen)
                #expect(batch.lineFen == min(lendable, product.maxAmountFen * Fen(eligible)))
            } else {
                #expect(batch.lineFen == 0)
            }
        }
    }
}
