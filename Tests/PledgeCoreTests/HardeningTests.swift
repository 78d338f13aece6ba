import Testing
@testable import PledgeCore

/// Date and money arithmetic must answer every input, however absurd, without trapping: a trap in
/// the server ends every user's requests.
@Suite struct TrapFreeArithmeticTests {
    let extremes: [Int] = [.min, .min + 1, -1_000_000_000_000, -3_000_000, -1, 0, 1, 3_000_000, 1_000_000_000_000, .max - 1, .max]

    @Test func dateArithmeticClampsInsteadOfTrapping() {
        let dates = [CivilDate.earliest, CivilDate(iso: "2025-01-31")!, CivilDate.latest]
        for date in dates {
            for n in extremes {
                let byDays = date.adding(days: n), byMonths = date.adding(months: n), byYears = date.adding(years: n)
                for result in [byDays, byMonths, byYears] {
                    #expect(result >= .earliest && result <= .latest)
                    #expect(result.description.count == 10)
                }
            }
        }
        #expect(CivilDate(iso: "2025-01-31")!.adding(months: .max) == .latest)
        #expect(CivilDate(iso: "2025-01-31")!.adding(years: .min) == .earliest)
        #expect(CivilDate(daysSinceEpoch: .max) == .latest)
        #expect(CivilDate(daysSinceEpoch: .min) == .earliest)
        #expect(CivilDate.earliest.description == "0001-01-01")
        #expect(CivilDate.latest.description == "9999-12-31")
    }

    /// Found by the fuzzer: the validator asks for the legal expiry even after it has refused a
    /// date or a count, and a copyright created in 9990 or a mark renewed Int.max times trapped.
    @Test func protectionTermsOfAbsurdInputsRefuseInsteadOfTrapping() {
        #expect(ProtectionTerm.expiry(type: .copyright, filing: CivilDate(year: 9990, month: 6, day: 1), registration: nil,
                                      renewals: 0) == .latest)
        #expect(ProtectionTerm.expiry(type: .trademark, filing: nil, registration: CivilDate(year: 2020, month: 1, day: 1),
                                      renewals: .max) != nil)
        let copyright = AssetInput(firmId: 1, type: "copyright", number: "2020SR0000001", title: "软件", filingDate: "9990-06-01",
                                   legalStatus: "in_force")
        #expect(throws: (any Error).self) { try copyright.validated(today: CivilDate(year: 2026, month: 11, day: 30)!) }
        let mark = AssetInput(firmId: 1, type: "trademark", number: "12345678", title: "商标", registrationDate: "2020-01-01",
                              renewalCount: .max, legalStatus: "in_force")
        #expect(throws: (any Error).self) { try mark.validated(today: CivilDate(year: 2026, month: 11, day: 30)!) }
    }

    @Test func monthsAndMoneyNeverTrap() {
        for n in extremes {
            let month = YearMonth(index: n)
            #expect(month.firstDay <= month.lastDay)
            #expect(YearMonth(year: 2026, month: 1)!.adding(months: n).lastDay >= .earliest)
        }
        #expect(Money.apply(basisPoints: .max, to: .max) == .max)
        #expect(Money.apply(basisPoints: .max, to: .min) == .min)
        #expect(Money.apply(basisPoints: 5_000, to: 10_000_000) == 5_000_000)
        #expect(Money.apply(basisPoints: 3_333, to: 100) == 33)
    }

    @Test func momentsOfAnySizeHaveADayAndAreRefusedOutsideTheYearsPeopleRecord() {
        for seconds in [Int64.min, Int64.min + 1, -1, 0, 1, Int64.max - 1, Int64.max] {
            let day = Timestamp(secondsSinceEpoch: seconds).beijingDate
            #expect(day >= .earliest && day <= .latest)
        }
        for seconds in [Double.nan, .infinity, -.infinity, 1e300, -1e300, 3.2e14] {
            #expect(!Timestamp(seconds: seconds).isAccepted)
        }
        #expect(Timestamp(seconds: 1_767_225_600).isAccepted)           // 2026-01-01
        #expect(Timestamp(seconds: -2_208_988_800 - 28_800).isAccepted) // 1900-01-01 00:00 in Beijing
        #expect(!Timestamp(seconds: -2_208_988_800 - 28_801).isAccepted)
        var c = Checker()
        let accepted = c.moment(Timestamp(seconds: 3.2e14), field: "disbursedAt", label: Label("放款时间", "Disbursement time"))
        #expect(!accepted)
        #expect(c.errors.map(\.field) == ["disbursedAt"])
    }

    @Test func aDisbursementInTheFarFutureIsRefusedByField() throws {
        let input = DisbursementInput(disbursedAt: Timestamp(seconds: 3.1e14), maturityOn: "2027-01-01", rateBp: 345,
                                      registrationNumber: "R1", registeredOn: "2026-01-01", securedAmountFen: nil)
        #expect(throws: ValidationFailure.self) { try input.validated(today: CivilDate(iso: "2026-11-30")!) }
        do { _ = try input.validated(today: CivilDate(iso: "2026-11-30")!) } catch {
            #expect(error.errors.contains { $0.field == "disbursedAt" && $0.code == "date_out_of_range" })
        }
    }

    @Test func aCorrectionOfTheSmallestAmountIsRefusedNotTrapped() {
        let input = EntryInput(kind: .repayment, amountFen: .min, effectiveOn: "2026-01-02", correctsId: 1, reason: "x")
        let disbursement = LedgerEntry(id: 1, kind: .disbursement, amountFen: 100, effectiveOn: CivilDate(iso: "2026-01-01")!,
                                       interestFen: 0, correctsId: nil, reason: nil)
        #expect(throws: ValidationFailure.self) {
            try input.validated(against: [disbursement], disbursedOn: CivilDate(iso: "2026-01-01")!, today: CivilDate(iso: "2026-11-30")!)
        }
    }
}

/// Text is measured the way PostgreSQL and the spec measure it, and codes are checked as stored.
@Suite struct TextAsTheDatabaseCountsTests {
    @Test func combiningMarksCountAsTheScalarsTheyAre() {
        var c = Checker()
        let decomposed = String(repeating: "e\u{301}", count: 200)   // 200 Characters, 400 scalars
        _ = c.text(decomposed, field: "name", label: Label("名称", "Name"), max: 200)
        #expect(c.errors.map(\.code) == ["too_long"])
        var ok = Checker()
        _ = ok.text(String(repeating: "𠀀", count: 200), field: "name", label: Label("名称", "Name"), max: 200)
        #expect(ok.errors.isEmpty)
    }

    @Test func codesAreUppercasedOnlyWhenTheLengthStaysTheSame() {
        #expect(throws: ValidationFailure.self) { try BankInput(code: String(repeating: "ß", count: 16), name: "银行").validated() }
        #expect(throws: ValidationFailure.self) { try BankInput(code: "ßß", name: "银行").validated() }
        let bank = try? BankInput(code: "cq_bank", name: "银行").validated()
        #expect(bank?.code == "CQ_BANK")
    }
}
