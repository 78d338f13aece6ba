import Foundation
import HummingbirdTesting
import PledgeCore
import PledgeTestSupport
import Testing
@testable import PledgeServer

/// The 涪陵榨菜 case end to end: the association's mark secures a line; licensed producers share it.
@Suite("GI batch credit API")
struct BatchCreditAPITests {
    static let today = BusinessCalendar.today()

    func post(_ client: any TestClientProtocol, _ path: String, _ json: String) async throws -> Int64 {
        let r = try await client.send(.post, path, json: json)
        #expect(r.status == .created, "\(path): \(r.text)")
        return (r.json["id"] as? NSNumber)?.int64Value ?? -1
    }

    @Test func producersShareTheMarksLine() async throws {
        try await withApp { client, _ in
            let association = try await post(client, "/firms", """
                {"creditCode":"51500102509507226B","name":"重庆市涪陵区榨菜协会","industryCode":"food_processing",
                 "town":"荔枝街道","size":"micro","foundedOn":"2003-06-18"}
                """)
            let producer = try await post(client, "/firms", """
                {"creditCode":"914403001922038216","name":"重庆市涪陵区测试榨菜食品有限公司","industryCode":"food_processing",
                 "town":"江北街道","size":"small","foundedOn":"2010-01-01","annualRevenueFen":5000000000}
                """)
            let lateProducer = try await post(client, "/firms", """
                {"creditCode":"9144030071526726XG","name":"重庆市涪陵区新榨菜有限公司","industryCode":"food_processing",
                 "town":"南沱镇","size":"small","foundedOn":"2011-01-01","annualRevenueFen":3000000000}
                """)
            let mark = try await post(client, "/assets", """
                {"firmId":\(association),"type":"gi_collective_mark","number":"5091234","title":"涪陵榨菜",
                 "registrationDate":"2012-03-14","firstUseDate":"2012-03-14","renewalCount":1,"legalStatus":"in_force","niceClasses":[29]}
                """)
            _ = try await post(client, "/valuations", """
                {"assetId":\(mark),"appraiser":"中联资产评估集团有限公司","method":"income","valueFen":50000000000,
                 "valuationDate":"\(Self.today.adding(months: -1))","validUntil":"\(Self.today.adding(months: 11))",
                 "reportNumber":"中联评报字[2026]第0099号"}
                """)
            let bank = try await post(client, "/banks", #"{"code":"ABC_FL","name":"中国农业银行涪陵分行"}"#)
            let product = try await post(client, "/products", """
                {"bankId":\(bank),"code":"FZD_GI","name":"涪知贷·榨菜地标贷",
                 "ipTerms":[{"ipType":"gi_collective_mark","loanToValueBp":4000,"minRemainingLifeMonths":24}],
                 "minAmountFen":50000000,"maxAmountFen":500000000,"minTermMonths":6,"maxTermMonths":12,"rateSpreadBp":0,
                 "eligibleIndustries":["food_processing"],"valuationValidityMonths":12,"minYearsOperating":2,"minTrademarkUseYears":2}
                """)
            _ = try await post(client, "/licences", """
                {"firmId":\(producer),"markAssetId":\(mark),"licenceNumber":"涪榨许字[2025]第001号",
                 "validFrom":"\(Self.today.adding(years: -1))","validUntil":"\(Self.today.adding(years: 3))"}
                """)
            // This licence ends before a 12-month loan would: that producer gets no share.
            _ = try await post(client, "/licences", """
                {"firmId":\(lateProducer),"markAssetId":\(mark),"licenceNumber":"涪榨许字[2025]第002号",
                 "validFrom":"\(Self.today.adding(years: -1))","validUntil":"\(Self.today.adding(months: 6))"}
                """)
            let own = try await client.send(.post, "/licences", json: """
                {"firmId":\(association),"markAssetId":\(mark),"licenceNumber":"涪榨许字[2025]第003号",
                 "validFrom":"\(Self.today.adding(years: -1))","validUntil":"\(Self.today.adding(years: 3))"}
                """)
            #expect(own.status == .unprocessableContent)

            let r = try await client.send(.get, "/products/\(product)/batch-credit?markAssetId=\(mark)")
            #expect(r.status == .ok, "\(r.text)")
            #expect(r.json["lineFen"] as? NSNumber == 500_000_000)   // capped: one eligible producer × ¥5M
            let shares = try #require(r.json["shares"] as? [[String: Any]])
            #expect(shares.count == 2)
            let byFirm = Dictionary(uniqueKeysWithValues: shares.map { (($0["firmId"] as! NSNumber).int64Value, $0) })
            #expect(byFirm[producer]?["eligible"] as? Bool == true)
            #expect(byFirm[producer]?["shareFen"] as? NSNumber == 500_000_000)
            #expect(byFirm[lateProducer]?["eligible"] as? Bool == false)
            #expect(byFirm[lateProducer]?["shareFen"] as? NSNumber == 0)
            let gates = try #require(byFirm[lateProducer]?["gates"] as? [[String: Any]])
            #expect(gates.first { $0["code"] as? String == "licence_in_force" }?["passed"] as? Bool == false)

            let notAMark = try await client.send(.get, "/products/\(product)/batch-credit?markAssetId=999999")
            #expect(notAMark.status == .unprocessableContent)

            // A second licence of the same mark for the same producer once stopped the whole service.
            _ = try await post(client, "/licences", """
                {"firmId":\(producer),"markAssetId":\(mark),"licenceNumber":"涪榨许字[2026]第004号",
                 "validFrom":"\(Self.today.adding(years: -1))","validUntil":"\(Self.today.adding(years: 3))"}
                """)
            let twice = try await client.send(.get, "/products/\(product)/batch-credit?markAssetId=\(mark)")
            #expect(twice.status == .ok, "\(twice.text)")
            #expect((twice.json["shares"] as? [[String: Any]])?.count == 3)
        }
    }
}
