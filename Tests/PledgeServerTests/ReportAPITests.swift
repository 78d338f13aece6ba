import Foundation
import HummingbirdTesting
import PledgeCore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeServer

@Suite("Reports API")
struct ReportAPITests {
    /// Two firms, one bank: firm A borrows in January, renews in February and borrows again in March;
    /// firm B's loan goes out at 00:30 on 1 March Beijing time (16:30 UTC on 28 February).
    struct Small {
        let a1: LedgerFixture.Loan
        let a2: LedgerFixture.Loan
        let b: LedgerFixture.Loan
        let product: Int64
    }

    func small(_ client: PostgresClient) async throws -> Small {
        let f = LedgerFixture(client: client)
        let bank = try await f.bank("RPT")
        let product = try await f.product(bank: bank, code: "RPT1", subsidyShareBp: 5000, subsidyCapFen: 50_000, riskShareBp: 5400)
        let firmA = try await f.firm(1, industry: "equipment", town: "白涛工业园区", size: "medium")
        let firmB = try await f.firm(2, industry: "food_processing", town: "=HYPERLINK(\"http://x\")", size: "micro")
        let a1 = try await f.loan(firm: firmA, bank: bank, product: product, amountFen: 12_000_000, disbursedAt: "2026-01-10T02:00:00Z",
                                  pledges: [("trademark", 40_000_000), ("invention", 90_000_000)])
        let a2 = try await f.loan(firm: firmA, bank: bank, product: product, amountFen: 10_000_000, disbursedAt: "2026-02-09T02:00:00Z",
                                  renewalOf: a1)
        try await f.entry(a1, kind: "repayment", amountFen: 12_000_000, effectiveOn: "2026-02-09", recordedAt: "2026-02-09T02:00:00Z")
        _ = try await f.loan(firm: firmA, bank: bank, product: product, amountFen: 5_000_000, disbursedAt: "2026-03-20T02:00:00Z")
        let b = try await f.loan(firm: firmB, bank: bank, product: product, amountFen: 7_000_000, disbursedAt: "2026-02-28T16:30:00Z")
        try await f.entry(b, kind: "default", amountFen: 1_000_000, effectiveOn: "2026-03-25", recordedAt: "2026-03-25T03:00:00Z")
        return Small(a1: a1, a2: a2, b: b, product: product)
    }

    func months(_ json: [String: Any]) -> [[String: Any]] {
        ((json["total"] as? [String: Any])?["months"] as? [[String: Any]]) ?? []
    }

    func int(_ any: Any?) -> Int64 { (any as? NSNumber)?.int64Value ?? -1 }

    @Test func monthlySeriesCountsRenewalsAgainAndFirmsOnce() async throws {
        try await withApp { client, db in
            _ = try await small(db)
            let r = try await client.send(.get, "/reports/monthly?from=2026-01&to=2026-04&asOf=2026-04-30")
            #expect(r.status == .ok)
            let m = months(r.json)
            #expect(m.map { $0["month"] as? String } == ["2026-01", "2026-02", "2026-03", "2026-04"])
            #expect(m.map { int($0["newLoans"]) } == [1, 1, 2, 0])
            #expect(m.map { int($0["newPrincipalFen"]) } == [12_000_000, 10_000_000, 12_000_000, 0])
            // Firm A counts in January only, however many loans; firm B in March (Beijing), not February.
            #expect(m.map { int($0["newFirms"]) } == [1, 0, 1, 0])
            #expect(m.map { int($0["cumulativeFirms"]) } == [1, 1, 2, 2])
            // Firms financed in the month: A in each of January, February (its renewal) and March, B in March.
            #expect(m.map { int($0["financedFirms"]) } == [1, 1, 2, 0])
            #expect(m.map { int($0["financedFirmsSinceFrom"]) } == [1, 1, 2, 2])
            #expect(m.map { int($0["cumulativePrincipalFen"]) } == [12_000_000, 22_000_000, 34_000_000, 34_000_000])
            #expect(m.map { int($0["outstandingFen"]) } == [12_000_000, 10_000_000, 21_000_000, 21_000_000])
            #expect(m.map { int($0["defaultedFen"]) } == [0, 0, 1_000_000, 0])
            // The pledged types: the invention (worth more) for A's first loan and its renewal, none recorded for the others.
            let breakdowns = r.json["breakdowns"] as? [[String: Any]] ?? []
            #expect(breakdowns.count == 6)
            let ip = breakdowns.first { $0["dimension"] as? String == "ip_type" }?["groups"] as? [[String: Any]] ?? []
            let principalByType = Dictionary(uniqueKeysWithValues: ip.map {
                ($0["key"] as? String ?? "", int(($0["months"] as? [[String: Any]])?.last?["cumulativePrincipalFen"]))
            })
            #expect(principalByType == ["invention": 22_000_000, "none": 12_000_000])
        }
    }

    /// Property: on a random ledger, every breakdown's groups add up to the total month by month, the
    /// months add up to the cumulative figure, and the cumulative figures equal the ledger's own sums.
    @Test func breakdownsAndMonthsAddUpOnARandomLedger() async throws {
        try await withApp { client, db in
            try await RandomLedger(client: db).generate(seed: 11, loans: 80)
            let r = try await client.send(.get, "/reports/monthly?from=2025-06&to=2027-12&asOf=2027-12-31")
            #expect(r.status == .ok)
            let total = months(r.json)
            for b in r.json["breakdowns"] as? [[String: Any]] ?? [] {
                let groups = (b["groups"] as? [[String: Any]] ?? []).map { $0["months"] as? [[String: Any]] ?? [] }
                for field in ["newLoans", "newPrincipalFen", "newFirms", "repaidFen", "defaultedFen", "cumulativePrincipalFen",
                              "cumulativeFirms", "outstandingFen"] {
                    for (i, month) in total.enumerated() {
                        #expect(groups.map { int($0[i][field]) }.reduce(0, +) == int(month[field]), "\(b["dimension"] ?? "") \(field) \(i)")
                    }
                }
            }
            // Distinct firms do not add up over groups, but no group has more than the total, and together they
            // have at least as many; breakdown groups carry no since-from figure.
            for b in r.json["breakdowns"] as? [[String: Any]] ?? [] {
                let groups = (b["groups"] as? [[String: Any]] ?? []).map { $0["months"] as? [[String: Any]] ?? [] }
                for (i, month) in total.enumerated() {
                    let each = groups.map { int($0[i]["financedFirms"]) }
                    #expect(each.allSatisfy { $0 >= 0 && $0 <= int(month["financedFirms"]) })
                    #expect(each.reduce(0, +) >= int(month["financedFirms"]))
                    #expect(groups.allSatisfy { $0[i]["financedFirmsSinceFrom"] == nil })
                }
            }
            var running: Int64 = 0
            for month in total {
                running += int(month["newPrincipalFen"])
                #expect(int(month["cumulativePrincipalFen"]) == running)   // nothing before June 2025
            }
            let rows = try await db.query("""
                SELECT (SELECT sum(amount_fen)::bigint FROM loan_entries WHERE kind = 'disbursement'),
                       (SELECT count(DISTINCT firm_id) FROM loans),
                       (SELECT count(DISTINCT firm_id) FROM (SELECT firm_id FROM loan_entries WHERE kind = 'disbursement'
                                                              GROUP BY firm_id, loan_id, effective_on HAVING sum(amount_fen) > 0) h)
                """, logger: TestDatabase.logger)
            for try await (principal, firms, financed) in rows.decode((Int64, Int64, Int64).self) {
                #expect(int(total.last?["cumulativePrincipalFen"]) == principal)
                #expect(int(total.last?["cumulativeFirms"]) == firms)
                #expect(int(total.last?["financedFirmsSinceFrom"]) == financed)   // every loan-day is in the series' months
            }
        }
    }

    @Test func aCorrectionChangesTodayButNotTheAsOfReport() async throws {
        try await withApp { client, db in
            let s = try await small(db)
            let before = try await client.send(.get, "/reports/monthly?from=2026-01&to=2026-03&asOf=2026-03-31&by=bank")
            let original = try await LedgerFixture(client: db).firstEntry(of: s.b)
            // Recorded on 10 April, dated on the disbursement's day: B's loan was 6,500,000, not 7,000,000.
            try await LedgerFixture(client: db).entry(s.b, kind: "disbursement", amountFen: -500_000, effectiveOn: "2026-03-01",
                                                      recordedAt: "2026-04-10T01:00:00Z", corrects: original)
            let asOf = try await client.send(.get, "/reports/monthly?from=2026-01&to=2026-03&asOf=2026-03-31&by=bank")
            #expect(months(asOf.json).map { int($0["newPrincipalFen"]) } == months(before.json).map { int($0["newPrincipalFen"]) })
            #expect(months(asOf.json).last.map { int($0["cumulativePrincipalFen"]) } == 34_000_000)
            let changes = asOf.json["laterChanges"] as? [String: Any] ?? [:]
            #expect(int(changes["corrections"]) == 1 && int(changes["entries"]) == 1)
            #expect((changes["messageZh"] as? String)?.contains("更正 1 笔") == true)
            #expect(months(before.json).last.map { int($0["cumulativePrincipalFen"]) } == 34_000_000)
            let today = try await client.send(.get, "/reports/monthly?from=2026-01&to=2026-03&by=bank")
            #expect(months(today.json).last.map { int($0["cumulativePrincipalFen"]) } == 33_500_000)
            #expect(int((today.json["laterChanges"] as? [String: Any])?["entries"]) == 0)
            #expect((today.json["laterChanges"] as? [String: Any])?["messageZh"] == nil)
            let csv = try await client.send(.get, "/reports/monthly.csv?from=2026-01&to=2026-03&asOf=2026-03-31")
            #expect(csv.text.contains("后续更正 Later changes"))
        }
    }

    @Test func theAsOfDayEndsAtMidnightBeijingTime() async throws {
        try await withApp { client, db in
            let f = LedgerFixture(client: db)
            let bank = try await f.bank("MID")
            let product = try await f.product(bank: bank, code: "MID1")
            let firm = try await f.firm(3)
            // 23:59:59 on 31 March in Beijing is 15:59:59 UTC; one second later it is 1 April.
            try await f.loan(firm: firm, bank: bank, product: product, amountFen: 1_000_000, disbursedAt: "2026-03-31T15:59:59Z")
            try await f.loan(firm: firm, bank: bank, product: product, amountFen: 2_000_000, disbursedAt: "2026-03-31T16:00:00Z")
            let march = try await client.send(.get, "/reports/monthly?from=2026-03&to=2026-04&asOf=2026-03-31")
            #expect(months(march.json).map { int($0["newPrincipalFen"]) } == [1_000_000, 0])
            let april = try await client.send(.get, "/reports/monthly?from=2026-03&to=2026-04&asOf=2026-04-01")
            #expect(months(april.json).map { int($0["newPrincipalFen"]) } == [1_000_000, 2_000_000])
            #expect(months(april.json).map { int($0["newLoans"]) } == [1, 1])
            #expect(months(april.json).map { int($0["newFirms"]) } == [1, 0])
        }
    }

    @Test func progressAgainstTheDistrictTargets() async throws {
        try await withApp { client, db in
            _ = try await small(db)
            let r = try await client.send(.get, "/reports/progress?asOf=2026-04-30")
            #expect(r.status == .ok)
            let targets = r.json["targets"] as? [[String: Any]] ?? []
            #expect(targets.count == 2)
            let t = targets[0]
            #expect(int(t["achievedFen"]) == 34_000_000)
            #expect(int(t["achievedFirms"]) == 2)
            #expect(int(t["firstTimeFirms"]) == 2)
            #expect(int(t["remainingFen"]) == 120_000_000_000 - 34_000_000)
            #expect(int(t["monthsLeft"]) == 20)
            #expect(int(t["neededPerMonthFen"]) == (120_000_000_000 - 34_000_000 + 19) / 20)
            #expect(t["status"] as? String == "behind")
            #expect((t["statusZh"] as? String)?.isEmpty == false)
            let earlier = try await client.send(.get, "/reports/progress?asOf=2026-01-31")
            #expect(int((earlier.json["targets"] as? [[String: Any]])?.first?["achievedFen"]) == 12_000_000)
            let csv = try await client.send(.get, "/reports/progress.csv?asOf=2026-04-30")
            #expect(csv.text.contains("惠及企业 Firms financed") && csv.text.contains("首贷户 First-time borrowers"))
        }
    }

    /// The issue's example: a firm with a loan disbursed 2025-06-10 and another 2026-04-10 adds the
    /// 2026 loan's principal and one firm to both targets; it is not a first-time borrower.
    @Test func aFirmServedBeforeTheBaselineCountsWhenItBorrowsAgain() async throws {
        try await withApp { client, db in
            let f = LedgerFixture(client: db)
            let bank = try await f.bank("REP")
            let product = try await f.product(bank: bank, code: "REP1")
            let firm = try await f.firm(16)
            try await f.loan(firm: firm, bank: bank, product: product, amountFen: 100_000_000, disbursedAt: "2025-06-10T02:00:00Z")
            try await f.loan(firm: firm, bank: bank, product: product, amountFen: 200_000_000, disbursedAt: "2026-04-10T02:00:00Z")
            let r = try await client.send(.get, "/reports/progress?asOf=2026-04-30")
            #expect(r.status == .ok)
            let targets = r.json["targets"] as? [[String: Any]] ?? []
            #expect(targets.count == 2)
            for t in targets {
                #expect(int(t["achievedFen"]) == 200_000_000)
                #expect(int(t["achievedFirms"]) == 1)
                #expect(int(t["firstTimeFirms"]) == 0)
                #expect(int(t["remainingFirms"]) == int(t["targetFirmCount"]) - 1)
            }
        }
    }

    @Test func costReportPaysTheSubsidyUpToTheCap() async throws {
        try await withApp { client, db in
            _ = try await small(db)
            let r = try await client.send(.get, "/reports/cost?from=2026-01&to=2026-03&asOf=2026-04-30")
            #expect(r.status == .ok)
            let m = r.json["months"] as? [[String: Any]] ?? []
            // January: A1's 12,000,000 at 4% → 40,000 interest, 20,000 subsidy.
            #expect(int(m.first?["interestFen"]) == 40_000)
            #expect(int(m.first?["subsidyFen"]) == 20_000)
            #expect(m.map { int($0["riskFundFen"]) } == [0, 0, 540_000])
            // Firm A alone is capped at 50,000 a year; firm B receives its own share.
            #expect(m.allSatisfy { int($0["subsidyFen"]) >= 0 })
        }
    }

    @Test func csvExportsOpenInExcelAndCannotRunFormulas() async throws {
        try await withApp { client, db in
            _ = try await small(db)
            for path in ["/reports/progress.csv?asOf=2026-04-30", "/reports/monthly.csv?from=2026-01&to=2026-04&asOf=2026-04-30&by=town",
                         "/reports/cost.csv?from=2026-01&to=2026-04&asOf=2026-04-30"] {
                let r = try await client.send(.get, path)
                #expect(r.status == .ok, "\(path)")
                #expect(r.headers[.contentType]?.hasPrefix("text/csv") == true)
                #expect(r.headers[.contentDisposition]?.contains("attachment") == true)
                #expect(Array(r.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
                #expect(r.text.contains("统计截止日 As of\",\"2026-04-30"))
                #expect(r.text.contains("生成时间 Generated"))
            }
            let town = try await client.send(.get, "/reports/monthly.csv?from=2026-01&to=2026-04&asOf=2026-04-30&by=town")
            #expect(town.text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""))
            #expect(!town.text.contains(",\"=HYPERLINK"))
        }
    }

    @Test func badParametersAreRefusedWithTheField() async throws {
        try await withApp { client, _ in
            for (path, status, field) in [
                ("/reports/monthly?from=2026-13", 422, "from"),
                ("/reports/monthly?from=2026-05&to=2026-01", 422, "from"),
                ("/reports/monthly?from=2000-01&to=2026-01", 422, "to"),
                ("/reports/progress?asOf=2026-02-30", 422, "asOf"),
                ("/reports/cost.csv?to=26-01", 422, "to"),
            ] {
                let r = try await client.send(.get, path)
                #expect(r.status.code == status, "\(path)")
                #expect(r.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                #expect(r.json["field"] as? String == field, "\(path)")
                #expect((r.json["messageZh"] as? String)?.isEmpty == false)
            }
            let r = try await client.send(.get, "/reports/monthly?by=nonsense")
            #expect(r.status == .badRequest)
        }
    }
}
