import Testing
@testable import PledgeCore

@Suite struct CivilDateTests {
    @Test func epochRoundTrip() {
        for days in stride(from: -719_162, through: 800_000, by: 997) {   // from 0001-01-01, where CivilDate starts
            let date = CivilDate(daysSinceEpoch: days)
            #expect(date.daysSinceEpoch == days)
        }
        #expect(CivilDate(daysSinceEpoch: 0).description == "1970-01-01")
        #expect(CivilDate(year: 1, month: 2, day: 3)!.description == "0001-02-03")
        #expect(CivilDate(year: 9999, month: 12, day: 31)!.description == "9999-12-31")
        #expect(CivilDate(iso: "2000-01-01")!.daysSinceEpoch == 10_957)
    }

    @Test func parsingIsStrict() {
        #expect(CivilDate(iso: "2024-02-29") != nil)
        #expect(CivilDate(iso: "2023-02-29") == nil)
        #expect(CivilDate(iso: "2023-2-01") == nil)
        #expect(CivilDate(iso: "2023-02-01T00:00") == nil)
        #expect(CivilDate(iso: "２０２３-02-01") == nil)
    }

    @Test func monthArithmeticClampsToMonthEnd() {
        #expect(CivilDate(iso: "2024-02-29")!.adding(years: 1).description == "2025-02-28")
        #expect(CivilDate(iso: "2025-01-31")!.adding(months: 1).description == "2025-02-28")
        // Month-end to month-end is a whole month, the same reading adding(months:) uses.
        #expect(CivilDate(iso: "2025-01-31")!.wholeMonths(until: CivilDate(iso: "2025-02-28")!) == 1)
        #expect(CivilDate(iso: "2025-01-31")!.wholeMonths(until: CivilDate(iso: "2025-02-27")!) == 0)
        #expect(CivilDate(iso: "2025-01-15")!.wholeMonths(until: CivilDate(iso: "2026-01-15")!) == 12)
        #expect(CivilDate(iso: "2025-01-15")!.wholeMonths(until: CivilDate(iso: "2026-01-14")!) == 11)
    }
}

@Suite("Terms of protection")
struct ProtectionTermTests {
    func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }

    @Test func patentsRunFromFiling() {
        #expect(ProtectionTerm.expiry(type: .invention, filing: d("2010-03-15"), registration: nil, renewals: 0) == d("2030-03-14"))
        #expect(ProtectionTerm.expiry(type: .utilityModel, filing: d("2020-07-01"), registration: nil, renewals: 0) == d("2030-06-30"))
    }

    @Test("Design patents: 15 years from 2021-06-01, 10 before")
    func designBoundary() {
        #expect(ProtectionTerm.expiry(type: .design, filing: d("2021-05-31"), registration: nil, renewals: 0) == d("2031-05-30"))
        #expect(ProtectionTerm.expiry(type: .design, filing: d("2021-06-01"), registration: nil, renewals: 0) == d("2036-05-31"))
    }

    @Test func marksRunFromRegistrationAndRenewals() {
        #expect(ProtectionTerm.expiry(type: .trademark, filing: nil, registration: d("2015-06-07"), renewals: 0) == d("2025-06-06"))
        #expect(ProtectionTerm.expiry(type: .giCollectiveMark, filing: nil, registration: d("2015-06-07"), renewals: 1) == d("2035-06-06"))
        #expect(ProtectionTerm.expiry(type: .trademark, filing: d("2014-01-01"), registration: nil, renewals: 0) == nil)
    }
}

@Suite struct MoneyTests {
    @Test func basisPointsRoundDown() {
        #expect(Money.apply(basisPoints: 3_000, to: 1_000_000) == 300_000)
        #expect(Money.apply(basisPoints: 3_333, to: 1) == 0)
        #expect(Money.apply(basisPoints: 10_000, to: Money.maxAmount) == Money.maxAmount)
        #expect(Money.apply(basisPoints: 2_500, to: 123_456_789) == 30_864_197)
    }

    @Test func yuanText() {
        #expect(Money.yuanText(120_000_000_000) == "¥1,200,000,000.00")
        #expect(Money.yuanText(5) == "¥0.05")
        #expect(Money.yuanText(-123_456) == "-¥1,234.56")
        #expect(Money.fenPerYi * 12 == 120_000_000_000)
        #expect(Money.yuanText(0) == "¥0.00")
        #expect(Money.yuanText(99_999_900) == "¥999,999.00")
        #expect(Money.yuanText(100_000_000) == "¥1,000,000.00")
        #expect(Money.yuanText(Int64.min) == "-¥92,233,720,368,547,758.08")
    }

    /// The byte-level writer against the plain one it replaced, over every magnitude.
    @Test func yuanTextAgreesWithThePlainForm() {
        func plain(_ fen: Fen) -> String {
            let yuan = String(fen.magnitude / 100), cents = fen.magnitude % 100
            var grouped = ""
            for (i, ch) in yuan.reversed().enumerated() {
                if i > 0, i % 3 == 0 { grouped.append(",") }
                grouped.append(ch)
            }
            return "\(fen < 0 ? "-" : "")¥\(String(grouped.reversed())).\(cents < 10 ? "0" : "")\(cents)"
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let fen = Fen.random(in: Fen.min + 1...Fen.max, using: &generator) >> Int.random(in: 0...62, using: &generator)
            #expect(Money.yuanText(fen) == plain(fen), "\(fen)")
        }
    }
}

@Suite("Times a person reads: Beijing time with its offset")
struct BeijingTextTests {
    @Test("Across the Beijing midnight, a month end and before 1970", arguments: [
        (Int64(0), "1970-01-01T08:00:00+08:00"),
        (Int64(1_793_462_399), "2026-10-31T23:59:59+08:00"),   // 2026-10-31T15:59:59Z
        (Int64(1_793_462_400), "2026-11-01T00:00:00+08:00"),   // 2026-10-31T16:00:00Z: already November in Beijing
        (Int64(-28_801), "1969-12-31T23:59:59+08:00"),
    ])
    func beijingText(seconds: Int64, text: String) {
        #expect(Timestamp(secondsSinceEpoch: seconds).beijingText == text)
    }
}
