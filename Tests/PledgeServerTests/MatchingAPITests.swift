import Foundation
import HummingbirdTesting
import PledgeCore
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeServer

/// The matching endpoints on a small hand-made world: one bank, one product, one firm with a valued
/// invention patent, so every number can be checked by hand.
@Suite("Matching API")
struct MatchingAPITests {
    static let today = BusinessCalendar.today()
    static var validFrom: String { today.adding(months: -2).description }
    static var validUntil: String { today.adding(months: 10).description }

    struct World {
        var firmId: Int64
        var productId: Int64
        var assetId: Int64
        var valuationId: Int64
    }

    /// Firm founded 2012, an invention filed in 2020 (expires 2040), valued at ¥2,000,000, and a
    /// product lending 40% of an invention's value, ¥0.5M–¥10M, up to 36 months.
    func makeWorld(_ client: any TestClientProtocol) async throws -> World {
        let firmId = try await createFirm(client)
        let number = "202010123456." + String(PatentNumber.checkCharacter(for: "202010123456"))
        let asset = try await client.send(.post, "/assets", json: """
            {"firmId":\(firmId),"type":"invention","number":"\(number)","title":"一种己二酸连续生产工艺",
             "filingDate":"2020-05-06","grantDate":"2022-03-01","legalStatus":"in_force","indicators":{"claims":12,"forwardCitations":4}}
            """)
        let assetId = try #require((asset.json["id"] as? NSNumber)?.int64Value)
        let valuation = try await client.send(.post, "/valuations", json: """
            {"assetId":\(assetId),"appraiser":"重庆华康资产评估土地房地产估价有限责任公司","method":"income","valueFen":200000000,
             "valuationDate":"\(Self.validFrom)","validUntil":"\(Self.validUntil)","reportNumber":"华康评报字[2026]第0001号"}
            """)
        let valuationId = try #require((valuation.json["id"] as? NSNumber)?.int64Value)
        let bank = try await client.send(.post, "/banks", json: #"{"code":"CQRCB_FL","name":"重庆农村商业银行涪陵分行"}"#)
        let bankId = try #require((bank.json["id"] as? NSNumber)?.int64Value)
        let product = try await client.send(.post, "/products", json: """
            {"bankId":\(bankId),"code":"FZD_T1","name":"涪知贷·测试","ipTerms":[{"ipType":"invention","loanToValueBp":4000,"minRemainingLifeMonths":60}],
             "minAmountFen":50000000,"maxAmountFen":1000000000,"minTermMonths":6,"maxTermMonths":36,"rateSpreadBp":30,
             "valuationValidityMonths":12,"minYearsOperating":2,"minTrademarkUseYears":2}
            """)
        let productId = try #require((product.json["id"] as? NSNumber)?.int64Value)
        return World(firmId: firmId, productId: productId, assetId: assetId, valuationId: valuationId)
    }

    @Test func firmSeesItsProductExplained() async throws {
        try await withApp { client, _ in
            let w = try await makeWorld(client)
            let r = try await client.send(.get, "/firms/\(w.firmId)/matches")
            #expect(r.status == .ok)
            let items = try #require(r.json["items"] as? [[String: Any]])
            let first = try #require(items.first)
            #expect(first["eligible"] as? Bool == true)
            #expect(first["capacityFen"] as? NSNumber == 80_000_000)   // 40% of ¥2,000,000
            #expect((first["package"] as? [String: Any])?["assetIds"] as? [NSNumber] == [NSNumber(value: w.assetId)])
            let gates = try #require(first["firmGates"] as? [[String: Any]])
            #expect(gates.allSatisfy { $0["passed"] as? Bool == true })
            #expect(gates.allSatisfy { ($0["messageZh"] as? String)?.isEmpty == false })
            let score = try #require(first["score"] as? [String: Any])
            let factors = try #require(score["factors"] as? [[String: Any]])
            #expect(factors.count == 5)
            #expect(factors.reduce(0) { $0 + (($1["centiPoints"] as? Int) ?? 0) } == score["centiPoints"] as? Int)
        }
    }

    @Test("A committed pledge or valuation change shows in the very next query")
    func freshAfterWrites() async throws {
        try await withApp { client, db in
            let w = try await makeWorld(client)
            let before = try await client.send(.get, "/products/\(w.productId)/candidates")
            #expect((before.json["items"] as? [[String: Any]])?.first?["firmId"] as? NSNumber == NSNumber(value: w.firmId))

            // Pledge the only asset: the firm has nothing left to pledge and drops out at once.
            _ = try await db.query("""
                WITH p AS (INSERT INTO pledges (firm_id, secured_amount_fen) VALUES (\(w.firmId), 50000000) RETURNING firm_id, id)
                INSERT INTO pledge_assets (firm_id, pledge_id, asset_id) SELECT firm_id, id, \(w.assetId) FROM p
                """, logger: TestDatabase.logger)
            let pledged = try await client.send(.get, "/products/\(w.productId)/candidates")
            #expect((pledged.json["items"] as? [Any])?.isEmpty == true)
            let pair = try await client.send(.get, "/firms/\(w.firmId)/matches/\(w.productId)")
            let verdicts = try #require(pair.json["assets"] as? [[String: Any]])
            let gates = try #require(verdicts.first?["gates"] as? [[String: Any]])
            #expect(gates.first { $0["code"] as? String == "asset_not_pledged" }?["passed"] as? Bool == false)

            // Release it and double the valuation through the API: back, with twice the capacity.
            _ = try await db.query("UPDATE pledge_assets SET active = false", logger: TestDatabase.logger)
            let v = try await client.send(.put, "/valuations/\(w.valuationId)", json: """
                {"assetId":\(w.assetId),"appraiser":"重庆华康资产评估土地房地产估价有限责任公司","method":"income","valueFen":400000000,
                 "valuationDate":"\(Self.validFrom)","validUntil":"\(Self.validUntil)","reportNumber":"华康评报字[2026]第0001号"}
                """, headers: [.ifMatch: "\"1\""])
            #expect(v.status == .ok)
            let after = try await client.send(.get, "/products/\(w.productId)/candidates")
            let entry = try #require((after.json["items"] as? [[String: Any]])?.first)
            #expect(entry["capacityFen"] as? NSNumber == 160_000_000)
        }
    }

    @Test func whatIfWritesNothing() async throws {
        try await withApp { client, db in
            let w = try await makeWorld(client)
            let changesBefore = try await count("engine_changes", db)
            let r = try await client.send(.post, "/firms/\(w.firmId)/what-if", json: """
                {"productId":\(w.productId),"valuations":[{"assetId":\(w.assetId),"valueFen":500000000,
                 "valuationDate":"\(Self.validFrom)","validUntil":"\(Self.validUntil)"}]}
                """)
            #expect(r.status == .ok)
            let item = try #require((r.json["items"] as? [[String: Any]])?.first)
            #expect(item["capacityChangeFen"] as? NSNumber == 120_000_000)
            #expect(try await count("engine_changes", db) == changesBefore)
            let foreign = try await client.send(.post, "/firms/\(w.firmId)/what-if", json: """
                {"valuations":[{"assetId":999999,"valueFen":1,"valuationDate":"\(Self.validFrom)","validUntil":"\(Self.validUntil)"}]}
                """)
            #expect(foreign.status == .unprocessableContent)
            #expect(foreign.json["field"] as? String == "valuations[0].assetId")
        }
    }

    @Test func csvOpensInExcel() async throws {
        try await withApp { client, _ in
            let w = try await makeWorld(client)
            let r = try await client.send(.get, "/products/\(w.productId)/candidates.csv")
            #expect(r.status == .ok)
            let bytes = Array(r.body.readableBytesView)
            #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
            #expect(r.text.contains("重庆涪陵测试材料有限公司"))
            #expect(r.headers[.contentDisposition]?.hasPrefix("attachment") == true)
        }
    }

    @Test func candidateFiltersAndBadParameters() async throws {
        try await withApp { client, _ in
            let w = try await makeWorld(client)
            let none = try await client.send(.get, "/products/\(w.productId)/candidates?industryCode=biomedicine")
            #expect((none.json["items"] as? [Any])?.isEmpty == true)
            let typed = try await client.send(.get, "/products/\(w.productId)/candidates?ipType=invention&minScore=1")
            #expect((typed.json["items"] as? [Any])?.count == 1)
            #expect(try await client.send(.get, "/products/\(w.productId)/candidates?minScore=101").status == .badRequest)
            #expect(try await client.send(.get, "/products/\(w.productId)/candidates?cursor=x").status == .badRequest)
            #expect(try await client.send(.get, "/products/424242/candidates").status == .notFound)
        }
    }
}
