import Foundation
import PledgeCore
import PledgeImport
import Testing

@Suite("Import: cells") struct CellTests {
    @Test func datesAsPeopleWriteThem() {
        let d = CivilDate(year: 2025, month: 9, day: 22)!
        for text in ["2025-09-22", "2025/9/22", "2025.9.22", "2025年9月22日", "２０２５－０９－２２", "20250922", "45922",
                     "2025-09-22T10:00:00", "2025-09-22 10:00", " 2025/09/22 "] {
            #expect(Normalize.date(text) == d, "\(text)")
        }
        for bad in ["2025-13-01", "2025-02-30", "22/9/2025", "昨天", "9/22", "2025"] {
            #expect(Normalize.date(bad) == nil, "\(bad)")
        }
        #expect(Normalize.excelSerial(of: d) == 45922)
    }

    @Test func amountsToFenExactlyOrRefused() {
        #expect(Normalize.fen("1,234,567.89", unit: .yuan) == .success(123_456_789))
        #expect(Normalize.fen("１２３４.５", unit: .yuan) == .success(123_450))
        #expect(Normalize.fen("¥26,000,000", unit: .yuan) == .success(2_600_000_000))
        #expect(Normalize.fen("12,345.67", unit: .wanYuan) == .success(12_345_670_000))
        #expect(Normalize.fen("0.000001", unit: .wanYuan) == .success(1))
        #expect(Normalize.fen("1.2345678", unit: .wanYuan) == .failure(.tooPrecise(decimals: 6)))
        #expect(Normalize.fen("0.001", unit: .yuan) == .failure(.tooPrecise(decimals: 2)))
        #expect(Normalize.fen("1.50", unit: .fen) == .failure(.tooPrecise(decimals: 0)))
        #expect(Normalize.fen("12元", unit: .yuan) == .success(1200))
        #expect(Normalize.fen("abc", unit: .yuan) == .failure(.notANumber))
        #expect(Normalize.fen("99999999999999999999", unit: .yuan) == .failure(.tooLarge))
        #expect(Normalize.basisPoints("3.45", headerPercent: true) == 345)
        #expect(Normalize.basisPoints("3.45%", headerPercent: false) == 345)
        #expect(Normalize.basisPoints("345", headerPercent: false) == 345)
        #expect(Normalize.basisPoints("3.455", headerPercent: true) == nil)
    }

    @Test func fullWidthAndCategories() {
        #expect(Normalize.halfWidth("　ＡＢＣ１２３（）：") == "ABC123():")
        #expect(Normalize.nameKey("重庆涪陵　新材料 科技有限公司") == Normalize.nameKey("重庆涪陵新材料科技有限公司"))
        #expect(Vocabulary.firmSize("微型") == "micro")
        #expect(Vocabulary.firmSize("大型企业") == "large")
        #expect(Vocabulary.ipType("实用新型") == .utilityModel)
        #expect(Vocabulary.ipType("外观设计") == .design)
        #expect(Vocabulary.ipType("地理标志") == .giCollectiveMark)
        #expect(Vocabulary.legalStatus("有效") == .known(.inForce))
        #expect(Vocabulary.legalStatus("审中") == .known(.pending))
        #expect(Vocabulary.legalStatus("商标已无效") == .known(.invalidated))
        #expect(Vocabulary.legalStatus("有效;质押") == .known(.inForce))
        #expect(Vocabulary.legalStatus("失效") == .notInForce)
        #expect(Vocabulary.legalStatus("火星") == nil)
        #expect(Vocabulary.niceClass("第30类") == 30)
        #expect(Vocabulary.canonicalNumber("CN201910123456.X", type: nil) == "201910123456.X")
        #expect(Normalize.dateRange("2017年03月14日至2027年03月13日")! == (CivilDate(year: 2017, month: 3, day: 14)!, CivilDate(year: 2027, month: 3, day: 13)!))
    }
}

@Suite("Import: CSV") struct CSVTests {
    @Test func quotedFieldsAndLineNumbers() {
        let text = "a,b,c\r\n1,\"x, \"\"y\"\"\",3\n\n2,\"two\nlines\",4\n5,,\n"
        let rows = CSVReader.parse(utf8: Array(text.utf8))
        #expect(rows.map(\.line) == [1, 2, 4, 6])
        #expect(rows[1].cells == ["1", "x, \"y\"", "3"])
        #expect(rows[2].cells == ["2", "two\nlines", "4"])
        #expect(rows[3].cells == ["5", "", ""])
    }

    @Test func tabsAndSemicolons() {
        #expect(CSVReader.parse(utf8: Array("a\tb\n1\t2".utf8))[1].cells == ["1", "2"])
        #expect(CSVReader.parse(utf8: Array("a;b\n1;2".utf8))[1].cells == ["1", "2"])
    }

    @Test func encodingsDetected() throws {
        let (u, e1) = try Fixture.csv("firms_zh_utf8.csv")
        let (b, e2) = try Fixture.csv("firms_en_bom.csv")
        let (g, e3) = try Fixture.csv("firms_gb18030.csv")
        #expect(e1 == .utf8)
        #expect(e2 == .utf8BOM)
        #expect(e3 == .gb18030)
        #expect(g.rows == u.rows, "GB18030 decodes to the same text as the UTF-8 file")
        #expect(b.rows[0].cells[0] == "Name")
        #expect(u.rows[1].cells[1] == "重庆涪陵榨菜示范食品有限公司")
    }

    @Test func writtenCSVReadsBack() throws {
        let rows = [["名称", "金额"], ["a,b", "=1+1"], ["\"q\"", "-12.5"], ["两\n行", ""]]
        let bytes = CSVWriter.render(rows)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let (table, enc) = try CSVReader.read(bytes: bytes, name: "x.csv")
        #expect(enc == .utf8BOM)
        #expect(table.rows.map(\.cells) == [["名称", "金额"], ["a,b", "'=1+1"], ["\"q\"", "-12.5"], ["两\n行", ""]])
        #expect(Normalize.text("'=1+1") == "=1+1")
    }

    @Test func notTextIsRefused() {
        #expect(throws: TextEncoding.DecodingError.self) { try TextEncoding.decode([0x81, 0x30, 0xFF, 0xFF]) }
    }
}

@Suite("Import: rows") struct RowTests {
    @Test func chineseHeadersAndVariants() throws {
        let (table, _) = try Fixture.csv("firms_zh_utf8.csv")
        let file = FileParser.firms(table, reference: Fixture.reference)
        #expect(file.issues.isEmpty, "\(file.issues.map(\.text))")
        #expect(file.rows.count == 3)
        let f = file.rows[0].value
        #expect(f.creditCode == "91500102MA5U000012")
        #expect(f.industryCode == "food_processing")
        #expect(f.size == .medium)
        #expect(f.foundedOn == CivilDate(year: 2015, month: 3, day: 14))
        #expect(f.annualRevenueFen == 12_345_670_000)
        #expect(f.rdExpenseFen == 320_500_000)
        #expect(f.employees == 210)
        #expect(f.highTech && !f.specialized)
        let third = file.rows[2].value
        #expect(third.creditCode == "91500102MA5U000038", "full-width credit code")
        #expect(third.foundedOn == CivilDate(year: 2020, month: 1, day: 2))
        #expect(file.rows.map(\.line) == [2, 3, 4])
    }

    @Test func englishHeadersInAnotherOrder() throws {
        let (table, _) = try Fixture.csv("firms_en_bom.csv")
        let file = FileParser.firms(table, reference: Fixture.reference)
        #expect(file.issues.isEmpty, "\(file.issues.map(\.text))")
        #expect(file.rows[0].value.industryCode == "new_energy")
        #expect(file.rows[0].value.annualRevenueFen == 880_000_050)
        #expect(file.rows[1].value.industryCode == "semiconductors")
        #expect(file.rows[1].value.foundedOn == Normalize.excelSerial(45000))
        #expect(file.rows[1].value.annualRevenueFen == 2_600_000_000)
    }

    @Test func everyBadRowReportedAtOnce() throws {
        let (table, _) = try Fixture.csv("firms_bad.csv")
        let file = FileParser.firms(table, reference: Fixture.reference)
        #expect(file.rows.map(\.line) == [2, 8])
        #expect(file.rejected.map(\.line) == [3, 4, 5, 6, 7])
        let byLine = Dictionary(grouping: file.issues, by: { $0.line ?? 0 })
        #expect(byLine[3]?.first?.code == "credit_code_check")
        #expect(byLine[3]?.first?.column == "A")
        #expect(byLine[4]?.first?.code == "invalid_date")
        #expect(byLine[4]?.first?.column == "F")
        #expect(byLine[4]?.first?.value == "2025-13-01")
        #expect(byLine[5]?.first?.code == "amount_not_whole_fen")
        #expect(byLine[6]?.first?.code == "unknown_industry")
        #expect(byLine[7]?.first?.code == "duplicate_row")
        for issue in file.issues {
            #expect(!issue.zh.isEmpty && !issue.en.isEmpty)
        }
    }

    @Test func amountWithoutUnitIsAFileProblem() {
        let table = SheetTable(name: "t", rows: [
            SheetRow(line: 1, cells: ["统一社会信用代码", "企业名称", "年营业收入"]),
            SheetRow(line: 2, cells: ["91500102MA5U000012", "x", "100"]),
        ])
        let file = FileParser.firms(table, reference: Fixture.reference)
        #expect(file.fileIssues.contains { $0.code == "amount_unit_missing" })
        #expect(file.fileIssues.contains { $0.code == "column_missing" })
    }

    @Test func patentOfficeExport() throws {
        let (table, _) = try Fixture.csv("assets_patent_office.csv")
        let file = FileParser.assets(table, reference: Fixture.reference)
        #expect(file.issues.isEmpty, "\(file.issues.map(\.text))")
        #expect(file.headerLine == 2, "the search summary above the header is skipped")
        let a = file.rows.map(\.value.fields)
        #expect(a.map(\.type) == [.invention, .utilityModel, .design, .invention])
        #expect(a.map(\.firmId) == [1, 2, 1, 2], "owners linked by exact name, full-width space ignored")
        #expect(a[0].number == "201910123456.X")
        #expect(a[0].filingDate == CivilDate(year: 2019, month: 3, day: 8))
        #expect(a[0].ipcClasses == ["A23B 7/10"])
        #expect(a[3].legalStatus == .pending)
        #expect(a[2].title == "包装盒（榨菜）", "free text keeps its full-width brackets")
        #expect(a[2].expiryDate == CivilDate(year: 2036, month: 6, day: 30), "design filed after 2021-06-01: 15 years")
    }

    @Test func trademarkOfficeExport() throws {
        let (table, _) = try Fixture.csv("assets_trademark_office.csv")
        let file = FileParser.assets(table, reference: Fixture.reference)
        #expect(file.rows.count == 2)
        let a = file.rows.map(\.value.fields)
        #expect(a.map(\.type) == [.trademark, .trademark])
        #expect(a[0].registrationDate == CivilDate(year: 2017, month: 3, day: 14))
        #expect(a[0].expiryDate == CivilDate(year: 2027, month: 3, day: 13))
        #expect(a[0].niceClasses == [29])
        #expect(a[1].renewalCount == 1)
        #expect(a[1].niceClasses == [30])
        #expect(file.issues.map(\.code) == ["unknown_firm_name"])
        #expect(file.issues.first?.line == 4)
    }

    @Test func valuationsAndLoans() throws {
        let (v, _) = try Fixture.csv("valuations.csv")
        let vals = FileParser.valuations(v, reference: Fixture.reference)
        #expect(vals.issues.isEmpty, "\(vals.issues.map(\.text))")
        #expect(vals.rows[0].value.fields.valueFen == 1_250_500_000)
        #expect(vals.rows[0].value.assetNumber == "201910123456.X")
        #expect(vals.rows[1].value.fields.method == .market)
        let (l, _) = try Fixture.csv("loans.csv")
        let loans = FileParser.loans(l, reference: Fixture.reference)
        #expect(loans.issues.isEmpty, "\(loans.issues.map(\.text))")
        #expect(loans.rows[1].value.principalFen == 300_000_000)
        #expect(loans.rows[1].value.terms.disbursedOn == CivilDate(year: 2026, month: 3, day: 2))
        #expect(loans.rows[1].value.terms.rateBp == 365)
        #expect(loans.rows[1].value.repaidFen == 75_000_000)
        #expect(loans.rows[1].value.pledgedNumbers == ["202020234567.6"])
    }
}

@Suite("Import: large files") struct LargeFileTests {
    /// Above 20,000 rows the rows are checked on every core; the outcome must be the sequential one.
    @Test func checkedInParallelAsInOrder() throws {
        var rows = [SheetRow(line: 1, cells: GeneratedFiles.firmHeader)]
        for i in 0..<30_000 { rows.append(SheetRow(line: i + 2, cells: GeneratedFiles.firmRow(i))) }
        rows[10_001].cells[5] = "2025-02-30"            // line 10,002: no such day
        rows[29_000].cells[0] = rows[7].cells[0]        // line 29,001 repeats line 8's credit code
        rows[15_000].cells[2] = "火箭"                   // line 15,001: unknown industry
        let file = FileParser.firms(SheetTable(name: "big.csv", rows: rows), reference: Fixture.reference)
        #expect(file.rows.count == 29_997)
        #expect(file.rejected.map(\.line) == [10_002, 15_001, 29_001])
        #expect(file.issues.map(\.code) == ["invalid_date", "unknown_industry", "duplicate_row"])
        #expect(file.rows.map(\.line) == file.rows.map(\.line).sorted())
        #expect(file.rows.first?.value.creditCode == GeneratedFiles.creditCode(0))

        // Block by block, on one core or two, the blocks add up to the whole file; the duplicate
        // on line 29,001 is found though its first occurrence lies blocks before.
        for (size, cores) in [(7_000, 1), (4_999, 2), (3_000, 2)] {
            var check = FileParser.firmRows(SheetTable(name: "big.csv", rows: rows), reference: Fixture.reference)
            var blocks: [ParsedFile<FirmFields>] = []
            while !check.done { blocks.append(check.next(size, cores: cores)) }
            #expect(blocks.flatMap(\.rows).map(\.line) == file.rows.map(\.line))
            #expect(blocks.flatMap(\.rows).map(\.value) == file.rows.map(\.value))
            #expect(blocks.flatMap(\.rejected) == file.rejected)
            #expect(blocks.flatMap(\.issues) == file.issues)
        }
    }
}
