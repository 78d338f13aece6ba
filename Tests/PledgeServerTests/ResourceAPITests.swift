import Foundation
import HummingbirdTesting
import PledgeCore
import PledgeTestSupport
import Testing
@testable import PledgeServer

@Suite("Assets, valuations, banks, products, targets and operations")
struct ResourceAPITests {
    static let patentNumber = "202120123456." + String(PatentNumber.checkCharacter(for: "202120123456"))

    func assetJSON(firmId: Int64, number: String = patentNumber, filing: String = "2021-03-02") -> String {
        """
        {"firmId":\(firmId),"type":"utility_model","number":"ZL\(number)","title":"一种榨菜脱盐装置",
         "filingDate":"\(filing)","grantDate":"2021-10-08","legalStatus":"in_force","ipcClasses":["A23B 7/10"],
         "indicators":{"claims":8,"forwardCitations":2},
         "coOwners":[{"name":"长江师范学院","shareBp":3000,"consentToPledge":true}]}
        """
    }

    @Test func assetLifecycleWithValuation() async throws {
        try await withApp { client, db in
            let firmId = try await createFirm(client)
            let created = try await client.send(.post, "/assets", json: assetJSON(firmId: firmId))
            #expect(created.status == .created)
            #expect(created.json["number"] as? String == Self.patentNumber)
            #expect(created.json["expiryDate"] as? String == "2031-03-01")
            let assetId = try #require((created.json["id"] as? NSNumber)?.int64Value)

            let valuation = """
                {"assetId":\(assetId),"appraiser":"重庆坤元资产评估有限公司","method":"income","valueFen":150000000,
                 "valuationDate":"2026-03-01","validUntil":"2027-03-01","reportNumber":"坤元评报字[2026]第018号"}
                """
            let v = try await client.send(.post, "/valuations", json: valuation)
            #expect(v.status == .created)
            #expect((v.json["firmId"] as? NSNumber)?.int64Value == firmId)
            let list = try await client.send(.get, "/valuations?assetId=\(assetId)")
            #expect((list.json["items"] as? [Any])?.count == 1)

            let wrongYear = try await client.send(.post, "/assets", json: assetJSON(firmId: firmId, filing: "2020-03-02"))
            #expect(wrongYear.status == .unprocessableContent)
            #expect(wrongYear.json["code"] as? String == "filing_year_mismatch")
            let duplicate = try await client.send(.post, "/assets", json: assetJSON(firmId: firmId))
            #expect(duplicate.status == .conflict)
            #expect(duplicate.json["code"] as? String == "duplicate_asset_number")
            let noFirm = try await client.send(.post, "/assets", json: assetJSON(firmId: 99_999, number: "202120654321." +
                String(PatentNumber.checkCharacter(for: "202120654321"))))
            #expect(noFirm.status == .unprocessableContent)
            #expect(noFirm.json["field"] as? String == "firmId")
            #expect(try await count("ip_assets", db) == 1)
            #expect(try await count("ip_asset_co_owners", db) == 1)
        }
    }

    @Test func bankAndProductWithTerms() async throws {
        try await withApp { client, db in
            let bank = try await client.send(.post, "/banks", json: #"{"code":"icbc_fl","name":"中国工商银行涪陵分行"}"#)
            #expect(bank.status == .created)
            #expect(bank.json["code"] as? String == "ICBC_FL")
            let bankId = try #require((bank.json["id"] as? NSNumber)?.int64Value)
            let product = """
                {"bankId":\(bankId),"code":"FZD_ICBC_01","name":"涪知贷·专利快贷",
                 "ipTerms":[{"ipType":"invention","loanToValueBp":4000,"minRemainingLifeMonths":60},
                            {"ipType":"utility_model","loanToValueBp":2500,"minRemainingLifeMonths":48}],
                 "minAmountFen":50000000,"maxAmountFen":1000000000,"minTermMonths":6,"maxTermMonths":36,"rateSpreadBp":30,
                 "eligibleIndustries":["advanced_materials","equipment"],"valuationValidityMonths":12,
                 "minYearsOperating":2,"minTrademarkUseYears":2,"interestSubsidyShareBp":5000,"riskFundShareBp":5400}
                """
            let created = try await client.send(.post, "/products", json: product)
            #expect(created.status == .created)
            #expect((created.json["ipTerms"] as? [Any])?.count == 2)
            let badIndustry = product.replacingOccurrences(of: "\"equipment\"", with: "\"spaceships\"")
                .replacingOccurrences(of: "FZD_ICBC_01", with: "FZD_ICBC_02")
            let refused = try await client.send(.post, "/products", json: badIndustry)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.json["code"] as? String == "unknown_industry")
            let inverted = product.replacingOccurrences(of: "\"maxAmountFen\":1000000000", with: "\"maxAmountFen\":1")
                .replacingOccurrences(of: "FZD_ICBC_01", with: "FZD_ICBC_03")
            #expect(try await client.send(.post, "/products", json: inverted).status == .unprocessableContent)
            #expect(try await count("loan_products", db) == 1)
            #expect(try await count("product_ip_terms", db) == 2)
        }
    }

    @Test func targetsAreSeededAndEditable() async throws {
        try await withApp { client, _ in
            let list = try await client.send(.get, "/targets")
            let items = try #require(list.json["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items.first?["amountFen"] as? NSNumber == 120_000_000_000)
            #expect(items.first?["deadline"] as? String == "2027-12-31")
            let id = try #require((items.first?["id"] as? NSNumber)?.int64Value)
            let edit = #"{"name":"2027 阶段目标","baselineDate":"2025-09-22","deadline":"2027-12-31","amountFen":125000000000,"firmCount":55}"#
            let r = try await client.send(.put, "/targets/\(id)", json: edit, headers: [.ifMatch: "W/\"1\""])
            #expect(r.status == .ok)
            #expect(r.json["firmCount"] as? Int == 55)
        }
    }

    @Test func operationsEndpoints() async throws {
        try await withApp { client, _ in
            #expect(try await client.send(.get, "/healthz").status == .ok)
            let ready = try await client.send(.get, "/readyz")
            #expect(ready.status == .ok)
            #expect(ready.json["database"] as? String == "ok")
            #expect(try await client.send(.get, "/metrics").status == .ok)
            let industries = try await client.send(.get, "/industries")
            #expect((industries.json["items"] as? [Any])?.count == 12)
        }
    }
}
