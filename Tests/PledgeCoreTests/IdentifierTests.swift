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
