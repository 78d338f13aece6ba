import Testing
@testable import PledgeCore

let today = CivilDate(iso: "2026-11-26")!

func validFirm() -> FirmInput {
    FirmInput(creditCode: "914403001922038216", name: "重庆涪陵华峰新材料有限公司", industryCode: "advanced_materials",
              town: "白涛工业园区", size: "medium", foundedOn: "2012-05-08", annualRevenueFen: 1_200_000_000,
              rdExpenseFen: 60_000_000, employees: 320, highTech: true)
}

func validPatent() -> AssetInput {
    AssetInput(firmId: 1, type: "invention", number: "ZL201710601862.3", title: "一种己二酸的制备方法",
               filingDate: "2017-04-11", grantDate: "2019-08-02", legalStatus: "in_force", ipcClasses: ["c07c 51/31"],
               indicators: ValueIndicators(claims: 10, forwardCitations: 3))
}

func codes(_ body: () throws -> Void) -> [String] {
    do { try body(); return [] } catch { return (error as? ValidationFailure)?.errors.map(\.code) ?? ["not a validation failure"] }
}

@Suite("Validation of firms")
struct FirmValidationTests {
    @Test func validFirmIsNormalized() throws {
        var input = validFirm()
        input.creditCode = " 914403001922038216 "
        input.name = "  重庆涪陵华峰新材料有限公司 "
        let firm = try input.validated(today: today)
        #expect(firm.creditCode == "914403001922038216")
        #expect(firm.name == "重庆涪陵华峰新材料有限公司")
        #expect(firm.size == .medium)
    }

    @Test func everyProblemIsReportedAtOnce() {
        var input = validFirm()
        input.creditCode = "914403001922038217"
        input.name = " "
        input.size = "huge"
        input.foundedOn = "2027-01-01"
        input.annualRevenueFen = -1
        input.employees = -3
        #expect(codes { _ = try input.validated(today: today) }.sorted() == [
            "amount_negative_or_too_large", "credit_code_check", "dates_out_of_order", "out_of_range", "required", "unknown_value",
        ])
    }

    @Test func controlCharactersAreRefused() {
        var input = validFirm()
        input.name = "坏\u{0}名字"
        #expect(codes { _ = try input.validated(today: today) } == ["control_character"])
    }

    @Test func messagesAreBilingualWithField() throws {
        var input = validFirm()
        input.creditCode = "914403001922038217"
        do {
            _ = try input.validated(today: today)
            Issue.record("accepted a wrong check character")
        } catch {
            let e = try #require(error.errors.first)
            #expect(e.field == "creditCode")
            #expect(e.zh.contains("校验位"))
            #expect(e.en.contains("'6'"))
        }
    }
}

@Suite("Validation of IP assets")
struct AssetValidationTests {
    @Test func patentNumberIsCanonicalAndExpiryDerived() throws {
        let asset = try validPatent().validated(today: today)
        #expect(asset.number == "201710601862.3")
        #expect(asset.expiryDate == CivilDate(iso: "2037-04-10"))
        #expect(asset.ipcClasses == ["C07C 51/31"])
    }

    @Test func typeDigitMustMatchType() {
        var input = validPatent()
        input.type = "utility_model"
        #expect(codes { _ = try input.validated(today: today) } == ["patent_number_type"])
    }

    @Test func filingYearMustMatchNumber() {
        var input = validPatent()
        input.filingDate = "2018-01-03"
        input.grantDate = "2019-08-02"
        #expect(codes { _ = try input.validated(today: today) } == ["filing_year_mismatch"])
    }

    @Test func grantBeforeFilingIsRefused() {
        var input = validPatent()
        input.grantDate = "2016-12-31"
        #expect(codes { _ = try input.validated(today: today) } == ["dates_out_of_order"])
    }

    @Test func givenExpiryMustAgree() throws {
        var input = validPatent()
        input.expiryDate = "2037-04-11"
        #expect(codes { _ = try input.validated(today: today) } == ["expiry_inconsistent"])
        input.expiryDate = "2037-04-10"
        _ = try input.validated(today: today)
    }

    @Test func grantedPatentNeedsGrantDate() {
        var input = validPatent()
        input.grantDate = nil
        #expect(codes { _ = try input.validated(today: today) } == ["required"])
        input.legalStatus = "pending"
        #expect(codes { _ = try input.validated(today: today) } == [])
    }

    @Test("Nice classes are 1 to 45, unique, and only for marks")
    func niceClasses() {
        var mark = AssetInput(firmId: 1, type: "trademark", number: "12345678", title: "榨菜王", registrationDate: "2015-06-07",
                              legalStatus: "in_force", niceClasses: [29, 46, 0])
        #expect(codes { _ = try mark.validated(today: today) } == ["nice_class_range", "nice_class_range"])
        mark.niceClasses = [29, 29]
        #expect(codes { _ = try mark.validated(today: today) } == ["duplicate"])
        mark.niceClasses = [1, 45]
        #expect(codes { _ = try mark.validated(today: today) } == [])
        var patent = validPatent()
        patent.niceClasses = [9]
        #expect(codes { _ = try patent.validated(today: today) } == ["not_applicable"])
    }

    @Test func coOwnerSharesStayBelowWhole() {
        var input = validPatent()
        input.coOwners = [.init(name: "重庆大学", shareBp: 6_000, consentToPledge: true),
                          .init(name: "长江师范学院", shareBp: 4_000, consentToPledge: false)]
        #expect(codes { _ = try input.validated(today: today) } == ["shares_exceed_whole"])
    }

    @Test func unknownEnumListsAllowedValues() {
        var input = validPatent()
        input.type = "secret"
        do {
            _ = try input.validated(today: today)
        } catch {
            #expect(error.errors.first?.en.contains("utility_model") == true)
        }
    }
}

@Suite("Validation of valuations, products and targets")
struct OtherValidationTests {
    @Test func valuationDatesAndValue() {
        let bad = ValuationInput(assetId: 1, appraiser: "中联资产评估集团有限公司", method: "income", valueFen: 0,
                                 valuationDate: "2026-01-10", validUntil: "2026-01-10", reportNumber: "中联评报字[2026]第1号")
        #expect(codes { _ = try bad.validated(today: today) }.sorted() == ["amount_not_positive", "dates_out_of_order"])
    }

    @Test func productRanges() {
        let bad = ProductInput(bankId: 1, code: "FZD1", name: "涪知贷", ipTerms: [
            .init(ipType: "invention", loanToValueBp: 10_001, minRemainingLifeMonths: 60),
            .init(ipType: "invention", loanToValueBp: 3_000, minRemainingLifeMonths: 60),
        ], minAmountFen: 3_000_000_000, maxAmountFen: 50_000_000, minTermMonths: 12, maxTermMonths: 6, rateSpreadBp: 50)
        #expect(codes { _ = try bad.validated() }.sorted() == ["duplicate", "out_of_range", "range_inverted", "range_inverted"])
    }

    @Test func seededTargetsAreValid() throws {
        let t = try ProgrammeTargetInput(name: "2027", baselineDate: "2025-09-22", deadline: "2027-12-31",
                                         amountFen: 12 * Money.fenPerYi, firmCount: 50).validated()
        #expect(t.amountFen == 120_000_000_000)
    }
}
