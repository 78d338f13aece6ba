import Foundation
import Testing
@testable import PledgeServer

/// The fast path decodes exactly as Foundation does: plain text as it is, everything else through Foundation.
@Suite("URL decoding")
struct URLDecodingTests {
    static let samples: [Substring] = ["", "50", "limit", "a+b", "a%20b", "%E4%B8%AD%E6%96%87", "中文", "%zz", "%", "100%",
                                       "a+b%2Bc", "+", "%2", "%C3%28", "ipType=patent", "涪陵+李渡", "x%00y"]

    @Test(arguments: samples)
    func aFormComponentDecodesAsFoundation(_ text: Substring) {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        #expect(URLDecoding.formComponent(text) == spaced.removingPercentEncoding ?? spaced)
    }

    @Test(arguments: samples)
    func aPathSegmentDecodesAsFoundation(_ text: Substring) {
        #expect(URLDecoding.pathSegment(text) == String(text).removingPercentEncoding ?? String(text))
    }

    @Test func aQueryStringIsReadIntoNamesAndValues() {
        #expect(ContractMiddleware.query(nil).isEmpty)
        #expect(ContractMiddleware.query("/firms").isEmpty)
        #expect(ContractMiddleware.query("/firms?").isEmpty)
        let q = ContractMiddleware.query("/firms?limit=50&town=%E6%9D%8E%E6%B8%A1&flag&&a=1&a=2+3&b=&=v&c=x=y")
        #expect(q == ["limit": ["50"], "town": ["李渡"], "flag": [""], "a": ["1", "2 3"], "b": [""], "": ["v"], "c": ["x=y"]])
        // A mark combining with a separator does not hide it.
        #expect(ContractMiddleware.query("/firms?a=1&\u{301}b=2") == ["a": ["1"], "\u{301}b": ["2"]])
    }
}
