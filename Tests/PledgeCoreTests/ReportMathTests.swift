@testable import PledgeTooling
import Testing
@testable import PledgeCore

@Suite("Report maths")
struct ReportMathTests {
    @Test func monthsParseAndCount() {
        #expect(YearMonth(iso: "2026-03")?.description == "2026-03")
        for bad in ["2026-3", "2026-13", "2026-00", "26-03", "2026-03-01", "２０２６-03", ""] {
            #expect(YearMonth(iso: bad) == nil, "\(bad)")
        }
        let jan = YearMonth(year: 2026, month: 1)!
        #expect(jan.adding(months: -1).description == "2025-12")
        #expect(jan.through(YearMonth(year: 2026, month: 3)!).map(\.description) == ["2026-01", "2026-02", "2026-03"])
        #expect(jan.lastDay.description == "2026-01-31")
        #expect(YearMonth(year: 2028, month: 2)!.lastDay.description == "2028-02-29")
    }

    /// Property: whatever the flows, every month's cumulative figure is the sum before the series plus
    /// the months so far, to the fen, and the outstanding balance is what was lent less repaid and defaulted.
    @Test func seriesMonthsAddUpToTheCumulativeFigures() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let from = YearMonth(year: 2024, month: Int.random(in: 1...12, using: &rng))!
            let to = from.adding(months: Int.random(in: 0...40, using: &rng))
            var flows: [YearMonth: FlowSums] = [:]
            for m in from.adding(months: -3).through(to.adding(months: 2)) where Bool.random(using: &rng) {
                flows[m] = FlowSums(loans: Int64.random(in: 0...20, using: &rng), principalFen: Int64.random(in: -1_000...9_000_000_000, using: &rng),
                                    repaidFen: Int64.random(in: 0...100_000, using: &rng), defaultedFen: Int64.random(in: 0...1_000, using: &rng),
                                    newFirms: Int64.random(in: 0...5, using: &rng))
            }
            let before = FlowSums(principalFen: Int64.random(in: 0...1_000_000, using: &rng), newFirms: 3)
            let months = MonthlySeries.figures(before: before, byMonth: flows, from: from, to: to)
            #expect(months.count == to.index - from.index + 1)
            let inRange = from.through(to).compactMap { flows[$0] }.reduce(FlowSums(), +)
            #expect(months.last!.cumulativePrincipalFen == before.principalFen + months.map(\.newPrincipalFen).reduce(0, +))
            #expect(months.last!.cumulativePrincipalFen == before.principalFen + inRange.principalFen)
            #expect(months.last!.cumulativeFirms == before.newFirms + inRange.newFirms)
            #expect(months.last!.outstandingFen == before.principalFen + inRange.principalFen - inRange.repaidFen - inRange.defaultedFen)
        }
    }

    @Test func progressToATarget() {
        let target = TargetTerms(id: 1, name: "2027", baselineDate: CivilDate(iso: "2025-09-22")!, deadline: CivilDate(iso: "2027-12-31")!,
                                 amountFen: 120_000_000_000, firmCount: 50)
        let asOf = CivilDate(iso: "2026-09-21")!
        let days = [
            DayTotals(day: CivilDate(iso: "2025-09-21")!, principalFen: 999_999, newFirms: 1),      // before the baseline
            DayTotals(day: CivilDate(iso: "2025-09-22")!, principalFen: 30_000_000_000, newFirms: 10),
            DayTotals(day: CivilDate(iso: "2026-09-21")!, principalFen: 6_000_000_000, newFirms: 5),
            DayTotals(day: CivilDate(iso: "2026-09-22")!, principalFen: 1, newFirms: 1),            // after the as-of day
        ]
        // One firm financed the day before the baseline only, ten on the baseline, five on the as-of day, one after it.
        var financedOn: [Int64: [CivilDate]] = [1: [CivilDate(iso: "2025-09-21")!], 17: [CivilDate(iso: "2026-09-22")!]]
        for firm in Int64(2)...11 { financedOn[firm] = [CivilDate(iso: "2025-09-22")!] }
        for firm in Int64(12)...16 { financedOn[firm] = [CivilDate(iso: "2026-09-21")!] }
        let financed = FinancedDays(days: financedOn)
        let p = ProgressCalculator.progress(target, asOf: asOf, days: days, financed: financed)
        #expect(p.achievedFen == 36_000_000_000)
        #expect(p.achievedFirms == 15)
        #expect(p.firstTimeFirms == 15)
        #expect(p.remainingFen == 84_000_000_000)
        #expect(p.amountDoneBp == 3000)
        #expect(p.firmsDoneBp == 3000)
        #expect(p.monthsLeft == 15)                        // October 2026 … December 2027
        #expect(p.neededPerMonthFen == 5_600_000_000)
        #expect(p.neededFirmsPerMonth == 3)                // 35 firms over 15 months, rounded up
        #expect(p.paceFrom == CivilDate(iso: "2025-09-22")!)
        #expect(p.pacePrincipalFen == 36_000_000_000)
        // 365 days of pace carried over the 466 days to the deadline.
        #expect(p.projectedFen == 36_000_000_000 + 36_000_000_000 * 466 / 365)
        #expect(p.status == .behind)
        let fifty = FinancedDays(days: Dictionary(uniqueKeysWithValues: (Int64(1)...50).map { ($0, [asOf]) }))
        let done = ProgressCalculator.progress(target, asOf: asOf,
                                               days: [DayTotals(day: asOf, principalFen: 120_000_000_000, newFirms: 50)], financed: fifty)
        #expect(done.status == .achieved && done.remainingFen == 0 && done.neededPerMonthFen == 0)
        let late = ProgressCalculator.progress(target, asOf: CivilDate(iso: "2028-01-01")!, days: days, financed: financed)
        #expect(late.status == .missed && late.monthsLeft == 0)
        let early = ProgressCalculator.progress(target, asOf: CivilDate(iso: "2025-01-01")!, days: days, financed: financed)
        #expect(early.status == .notStarted && early.achievedFen == 0 && early.achievedFirms == 0)
    }

    /// The issue's cases, as the finance bureau would try them (baseline 2025-09-22).
    /// Firm 1: loans on 2025-06-10 and 2026-04-10. Firm 2: only a loan on 2025-08-01. Firm 3: a loan on
    /// 2025-07-01 renewed on 2026-02-01. Firm 4: two loans in the period. Firm 5: its only loan, on
    /// 2026-02-10, is moved to 2025-09-01 by corrections recorded on 2026-05-10.
    static let caseEntries: [DisbursementFact] = {
        func e(_ firm: Int64, _ loan: Int64, _ on: String, _ known: String, _ fen: Fen) -> DisbursementFact {
            DisbursementFact(firmId: firm, loanId: loan, effectiveOn: CivilDate(iso: on)!, knownOn: CivilDate(iso: known)!, amountFen: fen)
        }
        return [e(1, 10, "2025-06-10", "2025-06-10", 100_000_000), e(1, 11, "2026-04-10", "2026-04-10", 200_000_000),
                e(2, 20, "2025-08-01", "2025-08-01", 50_000_000),
                e(3, 30, "2025-07-01", "2025-07-01", 30_000_000), e(3, 31, "2026-02-01", "2026-02-01", 30_000_000),
                e(4, 40, "2026-01-05", "2026-01-05", 10_000_000), e(4, 41, "2026-03-05", "2026-03-05", 20_000_000),
                e(5, 50, "2026-02-10", "2026-02-10", 40_000_000),
                e(5, 50, "2025-09-01", "2026-05-10", 40_000_000), e(5, 50, "2026-02-10", "2026-05-10", -40_000_000)]
    }()

    @Test func firmsFinancedInThePeriodCountOnceEachIncludingRepeatBorrowers() {
        let baseline = CivilDate(iso: "2025-09-22")!
        let april = CivilDate(iso: "2026-04-30")!
        let days = FinancedDays(entries: Self.caseEntries, asOf: april)
        // Firms 1 (a repeat borrower), 3 (renewal only), 4 (two loans, once), 5; not firm 2 (before the baseline only).
        #expect(days.firms(from: baseline, through: april) == 4)
        #expect(days.firstTimeFirms(from: baseline, through: april) == 2)          // firms 4 and 5
        #expect(days.firms(from: baseline, through: CivilDate(iso: "2026-04-09")!) == 3)   // before firm 1's 2026 loan
        #expect(days.days[4] == [CivilDate(iso: "2026-01-05")!, CivilDate(iso: "2026-03-05")!])
        #expect(days.days[3]?.contains(CivilDate(iso: "2026-02-01")!) == true)
        #expect(days.firms(from: CivilDate(iso: "2025-08-01")!, through: CivilDate(iso: "2025-08-01")!) == 1)
        // The correction recorded on 2026-05-10 takes firm 5 out from that day on …
        let may = CivilDate(iso: "2026-05-10")!
        let after = FinancedDays(entries: Self.caseEntries, asOf: may)
        #expect(after.firms(from: baseline, through: may) == 3)
        #expect(after.firstTimeFirms(from: baseline, through: may) == 1)
        #expect(after.days[5] == [CivilDate(iso: "2025-09-01")!])
        // … the day before, it still counted; and the report as of April is what it was.
        #expect(FinancedDays(entries: Self.caseEntries, asOf: CivilDate(iso: "2026-05-09")!).firms(from: baseline, through: may) == 4)
        #expect(FinancedDays(entries: Self.caseEntries, asOf: april) == days)
        // A partial correction leaves the day financed.
        let partial = Self.caseEntries + [DisbursementFact(firmId: 4, loanId: 40, effectiveOn: CivilDate(iso: "2026-01-05")!,
                                                           knownOn: may, amountFen: -1_000_000)]
        #expect(FinancedDays(entries: partial, asOf: may).days[4]?.count == 2)
    }

    @Test func progressCountsFirmsFinancedAndFirstTimeBorrowersBeside() {
        let target = TargetTerms(id: 1, name: "2027", baselineDate: CivilDate(iso: "2025-09-22")!, deadline: CivilDate(iso: "2027-12-31")!,
                                 amountFen: 120_000_000_000, firmCount: 50)
        let asOf = CivilDate(iso: "2026-10-31")!
        let financed = FinancedDays(entries: Self.caseEntries, asOf: asOf)
        let p = ProgressCalculator.progress(target, asOf: asOf, days: [], financed: financed)
        #expect(p.achievedFirms == 3 && p.firstTimeFirms == 1)
        #expect(p.remainingFirms == 47 && p.firmsDoneBp == 600)
        // The pace window starts on 2025-11-01: firm 1, 3 and 4 were financed in it and none earlier in the period.
        #expect(p.paceFrom == CivilDate(iso: "2025-11-01")!)
        #expect(p.paceFirms == 3)
        #expect(p.projectedFirms == 3 + 3 * Int64(asOf.days(until: target.deadline)) / 365)
        // A firm financed before the pace window and again in it adds nothing to the pace.
        let again = FinancedDays(days: [9: [CivilDate(iso: "2025-10-01")!, CivilDate(iso: "2026-06-01")!]])
        let q = ProgressCalculator.progress(target, asOf: asOf, days: [], financed: again)
        #expect(q.achievedFirms == 1 && q.paceFirms == 0 && q.firstTimeFirms == 1)
    }

    @Test func rangeChecksEveryParameter() throws {
        let today = CivilDate(iso: "2026-11-27")!
        let d = try ReportRange.check(asOf: nil, from: nil, to: nil, today: today)
        #expect(d.asOf == today && d.to.description == "2026-11" && d.from.description == "2025-12")
        #expect(throws: ValidationFailure.self) { try ReportRange.check(asOf: "2026-02-30", from: nil, to: nil, today: today) }
        do {
            _ = try ReportRange.check(asOf: "x", from: "2026-13", to: "2026-01", today: today)
            Issue.record("accepted bad input")
        } catch {
            #expect(error.errors.map(\.field) == ["asOf", "from"])
        }
        do {
            _ = try ReportRange.check(asOf: nil, from: "2026-05", to: "2026-01", today: today)
            Issue.record("accepted from after to")
        } catch {
            #expect(error.errors.map(\.code) == ["month_order"])
        }
        #expect(throws: ValidationFailure.self) { try ReportRange.check(asOf: nil, from: "2000-01", to: "2026-01", today: today) }
    }

    @Test func subsidyIsCappedPerFirmAndYear() {
        let product: Int64 = 7
        let terms = [product: ProductCostTerms(productId: product, subsidyShareBp: 5000, subsidyCapFen: 50_000, riskFundShareBp: 5400)]
        // ¥120,000 at 4.00% from November 2025: interest 40,000 fen a month, half of it subsidised.
        let flows = [RateWeightedFlow(firmId: 1, productId: product, month: YearMonth(year: 2025, month: 11)!, weightedFen: 12_000_000 * 400)]
        let months = ProgrammeCost.months(flows: flows, defaultsByProduct: [product: [YearMonth(year: 2026, month: 2)!: 1_000_000]],
                                          defaultsBefore: [:], terms: terms,
                                          from: YearMonth(year: 2025, month: 12)!, to: YearMonth(year: 2026, month: 4)!)
        #expect(months.map(\.interestFen) == [40_000, 40_000, 40_000, 40_000, 40_000])
        // 2025: November 20,000 (before the range) + December 20,000; 2026 starts a new cap: 20,000, 20,000, 10,000, 0.
        #expect(months.map(\.subsidyFen) == [20_000, 20_000, 20_000, 10_000, 0])
        #expect(months.map(\.cappedFen) == [0, 0, 0, 10_000, 20_000])
        #expect(months.last!.cumulativeSubsidyFen == 90_000)
        #expect(months.map(\.riskFundFen) == [0, 0, 540_000, 0, 0])
        #expect(months.last!.cumulativeRiskFundFen == 540_000)
    }

    @Test func csvIsExcelSafe() {
        #expect(ReportCSV.quote("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(ReportCSV.quote("-1234.50") == "\"-1234.50\"")
        #expect(ReportCSV.quote("-12.5%") == "\"-12.5%\"")
        #expect(ReportCSV.quote("-cmd") == "\"'-cmd\"")
        #expect(ReportCSV.quote("@SUM(A1)") == "\"'@SUM(A1)\"")
        let sheet = ReportSheet(title: Label("测试", "Test"), parameters: [("参数 Parameter", "值")], header: ["a"], rows: [["1"]], numeric: [0])
        let csv = ReportCSV.render(sheet)
        #expect(csv.hasPrefix("\u{FEFF}\"报表 Report\""))
        #expect(csv.hasSuffix("\"1\"\r\n"))
    }

    @Test func textTableCountsChineseTwoCellsWide() {
        #expect(TextTable.width("合计 Total") == 10)
        let out = TextTable.table(header: ["名称", "n"], rows: [["ab", "1"], ["涪陵", "22"]], numeric: [1])
        #expect(out.split(separator: "\n").map(String.init) == ["名称  n", "----  --", "ab     1", "涪陵  22"])
    }

    @Test func ratiosDoNotOverflow() {
        #expect(Ratio.mulDiv(Int64.max / 2, 4, 2) == Int64.max - 1)
        #expect(Ratio.mulDiv(Int64.max, 2, 1) == Int64.max)
        #expect(Ratio.mulDiv(10_000_000_000_000_000, 1500, 365) == 41_095_890_410_958_904)
        #expect(Ratio.ceilDiv(35, 15) == 3 && Ratio.ceilDiv(0, 7) == 0)
    }
}
