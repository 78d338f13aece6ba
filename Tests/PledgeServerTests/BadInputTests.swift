import Foundation
import NIOCore
import HummingbirdTesting
import PledgeTestSupport
import Testing
@testable import PledgeServer

/// Every resource refuses bad input with a problem naming the field, and writes nothing.
@Suite("Bad input leaves the tables unchanged")
struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var path: String
        var table: String
        var body: String
        var status: Int
        var code: String
        var field: String
        var testDescription: String { "\(path) \(code)" }
    }

    static let cases: [Case] = [
        Case(path: "/firms", table: "firms", body: firmJSON.replacingOccurrences(of: "\"medium\"", with: "\"gigantic\""),
             status: 400, code: "malformed_body", field: "size"),
        Case(path: "/firms", table: "firms", body: firmJSON.replacingOccurrences(of: "2012-05-08", with: "2012-02-30"),
             status: 422, code: "invalid_date", field: "foundedOn"),
        Case(path: "/firms", table: "firms", body: firmJSON.replacingOccurrences(of: "advanced_materials", with: "alchemy")
                .replacingOccurrences(of: "914403001922038216", with: "9144030071526726XG"),
             status: 422, code: "unknown_industry", field: "industryCode"),
        Case(path: "/assets", table: "ip_assets", body: """
            {"firmId":1,"type":"trademark","number":"12345678","title":"涪陵青菜头","registrationDate":"2016-01-01",
             "legalStatus":"in_force","niceClasses":[31,46]}
            """, status: 422, code: "nice_class_range", field: "niceClasses[1]"),
        Case(path: "/assets", table: "ip_assets", body: """
            {"firmId":1,"type":"invention","number":"201710601862.4","title":"一种己二酸的制备方法",
             "filingDate":"2017-04-11","grantDate":"2019-08-02","legalStatus":"in_force"}
            """, status: 422, code: "patent_number_check", field: "number"),
        Case(path: "/valuations", table: "valuations", body: """
            {"assetId":1,"appraiser":"中联资产评估集团有限公司","method":"income","valueFen":100,
             "valuationDate":"2026-05-01","validUntil":"2026-04-01","reportNumber":"中联评报字[2026]第9号"}
            """, status: 422, code: "dates_out_of_order", field: "validUntil"),
        Case(path: "/valuations", table: "valuations", body: """
            {"assetId":987654,"appraiser":"中联资产评估集团有限公司","method":"income","valueFen":100,
             "valuationDate":"2026-03-01","validUntil":"2027-03-01","reportNumber":"中联评报字[2026]第9号"}
            """, status: 422, code: "unknown_asset", field: "assetId"),
        Case(path: "/banks", table: "banks", body: #"{"code":"工行","name":"中国工商银行涪陵分行"}"#,
             status: 422, code: "code_format", field: "code"),
        Case(path: "/products", table: "loan_products", body: """
            {"bankId":1,"code":"X1","name":"涪知贷","ipTerms":[{"ipType":"invention","loanToValueBp":0,"minRemainingLifeMonths":60}],
             "minAmountFen":100,"maxAmountFen":200,"minTermMonths":6,"maxTermMonths":12,"rateSpreadBp":0,
             "valuationValidityMonths":12,"minYearsOperating":2,"minTrademarkUseYears":2}
            """, status: 422, code: "out_of_range", field: "ipTerms[0].loanToValueBp"),
        Case(path: "/targets", table: "programme_targets", body: """
            {"name":"倒置目标","baselineDate":"2028-01-01","deadline":"2027-12-31","amountFen":1,"firmCount":1}
            """, status: 422, code: "dates_out_of_order", field: "deadline"),
    ]

    @Test(arguments: cases)
    func refusedWithProblem(_ c: Case) async throws {
        try await withApp { client, db in
            _ = try await createFirm(client)
            let before = try await count(c.table, db)
            let r = try await client.send(.post, c.path, json: c.body)
            #expect(r.status.code == c.status)
            #expect(r.json["code"] as? String == c.code)
            #expect(r.json["field"] as? String == c.field)
            #expect(try await count(c.table, db) == before)
        }
    }

    @Test func wrongContentTypeIs415() async throws {
        try await withApp { client, db in
            let auth = try #require(try await TestUsers.current?.authorization(.operations))
            let r = try await client.execute(uri: "/banks", method: .post, headers: [.contentType: "text/plain", WriteTransaction.keyHeader: "k-415",
                                                                                    .authorization: auth],
                                             body: ByteBuffer(string: "code=ICBC"))
            #expect(r.status == .unsupportedMediaType)
            #expect(try await count("banks", db) == 0)
        }
    }
}
