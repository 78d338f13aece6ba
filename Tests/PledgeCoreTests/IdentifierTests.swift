@testable import PledgeTooling
import Testing
@testable import PledgeCore

@Suite("Unified social credit code (GB 32100-2015)")
struct CreditCodeTests {
    @Test("Published codes of real companies pass", arguments: [
        "914403001922038216",  // 华为技术有限公司
        "9144030071526726XG",  // 深圳市腾讯计算机系统有限公司
        "91330100716105852F",  // 阿里巴巴（中国）有限公司
    ])
    func realCodesPass(code: String) {
        #expect(CreditCode.problem(in: code) == nil)
    }

    @Test func whiteSpaceIsUnicodesWhiteSpaceProperty() {
        for v in UInt32(0)...0x10FFFF {
            guard let u = Unicode.Scalar(v) else { continue }
            #expect(u.isWhiteSpace == u.properties.isWhitespace, "U+\(String(v, radix: 16))")
        }
    }

    @Test func lowercaseAndSpacesAreNormalized() {
        #expect(CreditCode.normalize(" 9144030071526726xg ") == "9144030071526726XG")
    }

    @Test func wrongCheckCharacterIsNamed() {
        #expect(CreditCode.problem(in: "914403001922038217") == .checkMismatch(expected: "6", found: "7"))
    }

    @Test func forbiddenLettersAreRefused() {
        // I, O, Z, S and V are not in the alphabet.
        #expect(CreditCode.problem(in: "91440300192203821O") == .invalidCharacter(position: 18, character: "O"))
    }

    @Test func lengthAndDivisionCode() {
        #expect(CreditCode.problem(in: "91440300192203821") == .wrongLength(17))
        let prefix = "9144A300192203821"
        let code = prefix + String(CreditCode.checkCharacter(forPrefix: prefix)!)
        #expect(CreditCode.problem(in: code) == .divisionCodeNotDigits)
    }
}

@Suite("Chinese patent application numbers")
struct PatentNumberTests {
    @Test("Published numbers pass in every common spelling", arguments: [
        "201710601862.3", "ZL201710601862.3", "ZL 2017 1 0601862.3", "CN2017106018623", "95115608.X", "ZL95115608.X",
    ])
    func publishedNumbersPass(raw: String) throws {
        let parsed = try PatentNumber.parse(raw).get()
        #expect(parsed.description.hasSuffix(String(parsed.check)))
    }

    @Test func canonicalFormAndParts() throws {
        let n = try PatentNumber.parse("ZL 2017 1 0601862.3").get()
        #expect(n.description == "201710601862.3")
        #expect(n.filingYear == 2017)
        #expect(n.kind == .invention)
        let old = try PatentNumber.parse("95115608.X").get()
        #expect(old.filingYear == 1995)
    }

    @Test func checkDigitErrorsAreNamed() {
        #expect(PatentNumber.parse("201710601862.4") == .failure(.checkMismatch(expected: "3", found: "4")))
    }

    @Test func malformedNumbersAreRefused() {
        #expect(PatentNumber.parse("2017106018.3") == .failure(.malformed))
        #expect(PatentNumber.parse("20171060186A.3") == .failure(.malformed))
        #expect(PatentNumber.parse("") == .failure(.malformed))
    }

    @Test func unknownTypeDigitIsRefused() {
        let body = "201740601862"
        let number = body + "." + String(PatentNumber.checkCharacter(for: body))
        #expect(PatentNumber.parse(number) == .failure(.unknownType("4")))
    }
}

@Suite("Identifiers as people paste them (compact before the check)")
struct PastedIdentifierTests {
    @Test("A credit code pasted with spaces, dashes, full-width characters or lower case compacts to its 18 characters",
          arguments: [
        "9144 0300 1922 0382 16",
        "91440300-192203821-6",
        "9144\u{3000}0300\u{00A0}1922\u{2013}038216",
        "９１４４０３００１９２２０３８２１６",
        "\u{FEFF}9144030019220382\u{200B}16\n",
        " 914403001922038216 ",
    ])
    func creditCodeCompacts(raw: String) {
        #expect(CreditCode.compact(raw) == "914403001922038216")
        #expect(CreditCode.isValid(CreditCode.compact(raw)))
    }

    @Test func fullWidthLowerCaseLettersBecomeUpperCaseASCII() {
        #expect(CreditCode.compact("９１４４０３００７１５２６７２６ｘｇ") == "9144030071526726XG")
    }

    @Test func compactingDoesNotRepairAWrongCode() {
        // Separators go; a wrong check character or a letter outside the alphabet stays wrong.
        #expect(CreditCode.problem(in: CreditCode.compact("9144 0300 1922 0382 17")) == .checkMismatch(expected: "6", found: "7"))
        #expect(CreditCode.problem(in: CreditCode.compact("9144.0300.1922.0382.16")) == .wrongLength(22))
        #expect(CreditCode.problem(in: CreditCode.compact("9144 0300 1922 0382 1")) == .wrongLength(17))
    }

    /// SplitMix64 from a fixed seed, so a failing spelling reproduces.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("Every spelling of a random valid code compacts back to it")
    func randomSpellings() {
        var rng = Seeded(state: 17)
        let spacers = [" ", "-", "\u{3000}", "\u{2014}", "\u{FF0D}", "\u{00A0}", ""]
        for _ in 0..<500 {
            let prefix = String((0..<2).map { _ in CreditCode.alphabet.randomElement(using: &rng)! })
                + String((0..<6).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
                + String((0..<9).map { _ in CreditCode.alphabet.randomElement(using: &rng)! })
            let code = prefix + String(CreditCode.checkCharacter(forPrefix: prefix)!)
            var pasted = ""
            for ch in code {
                let wide = Bool.random(using: &rng)
                pasted.unicodeScalars.append(wide ? Unicode.Scalar(ch.unicodeScalars.first!.value + 0xFEE0)! : ch.unicodeScalars.first!)
                pasted += spacers.randomElement(using: &rng)!
            }
            if Bool.random(using: &rng) { pasted = pasted.lowercased() }
            #expect(CreditCode.compact(pasted) == code, "\(pasted)")
        }
    }

    @Test("A patent number pasted in any office spelling compacts to its canonical form", arguments: [
        "CN201910123451.7", "ZL201910123451.7", "2019101234517", "ZL 2019 1 0123451.7", "CN 201910123451 . 7",
        "2019-10123451.7", "ＣＮ２０１９１０１２３４５１．７", "zl201910123451·7", "\u{3000}201910123451.7\u{00A0}",
    ])
    func patentNumberCompacts(raw: String) throws {
        // 2019 1 0123451: weights 2…9 then 2…5, sum 128, mod 11 gives the check digit 7.
        #expect(PatentNumber.checkCharacter(for: "201910123451") == "7")
        #expect(PatentNumber.compact(raw) == "2019101234517")
        #expect(try PatentNumber.parse(raw).get().description == "201910123451.7")
    }

    @Test func patentCompactingDoesNotRepairAWrongNumber() {
        #expect(PatentNumber.parse("CN 2019 1012 3451.8") == .failure(.checkMismatch(expected: "7", found: "8")))
        #expect(PatentNumber.parse("ZL-2019-1012345.7") == .failure(.malformed))
    }

    @Test("A trademark registration number compacts to its digits", arguments: [
        ("12345678", "12345678"), ("1234 5678", "12345678"), ("第12345678号", "12345678"), ("第 1234-5678 号", "12345678"),
        ("１２３４５６７８", "12345678"), (" 8 ", "8"),
    ])
    func trademarkNumberCompacts(raw: String, canonical: String) {
        #expect(TrademarkNumber.compact(raw) == canonical)
        #expect(TrademarkNumber.isValid(TrademarkNumber.compact(raw)))
    }

    @Test func trademarkNumbersStillNeedDigits() {
        #expect(!TrademarkNumber.isValid(TrademarkNumber.compact("TM12345")))
        #expect(!TrademarkNumber.isValid(TrademarkNumber.compact("12345678901")))
        #expect(!TrademarkNumber.isValid(TrademarkNumber.compact(" - ")))
    }

    @Test func assetInputStoresTheCanonicalForms() throws {
        let today = CivilDate(year: 2026, month: 1, day: 10)!
        let patent = AssetInput(firmId: 1, type: "invention", number: "ＺＬ 2019 1 0123451．7", title: "一种方法",
                                filingDate: "2019-03-08", grantDate: "2021-05-04", legalStatus: "in_force")
        #expect(try patent.validated(today: today).number == "201910123451.7")
        let mark = AssetInput(firmId: 1, type: "trademark", number: "第 1234 5678 号", title: "涪",
                              registrationDate: "2015-03-14", legalStatus: "in_force", niceClasses: [29],
                              coOwners: [.init(name: "共有人", creditCode: "9144-0300-1922-0382-16", shareBp: 100, consentToPledge: true)])
        let fields = try mark.validated(today: today)
        #expect(fields.number == "12345678")
        #expect(fields.coOwners.first?.creditCode == "914403001922038216")
    }

    @Test func firmInputStoresTheCanonicalCreditCode() throws {
        let firm = FirmInput(creditCode: "９１４４ ０３００-１９２２ ０３８２ １６", name: "测试", industryCode: "other",
                             town: "江北街道", size: "small", foundedOn: "2010-01-01")
        #expect(try firm.validated(today: CivilDate(year: 2026, month: 1, day: 10)!).creditCode == "914403001922038216")
    }
}
