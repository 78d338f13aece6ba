import Foundation
import HTTPTypes
import HummingbirdTesting
import PledgeCore
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeServer

/// Callers of the lifecycle tests: real users with real tokens (TestUsers), and the names the
/// audit trail records for them.
enum Caller {
    static let operations = TestUser.operations
    static func bank(_ id: Int64) -> TestUser { .bankOfficer(id) }
}

func ifMatch(_ r: TestResponse) -> HTTPFields { [.ifMatch: r.headers[.eTag] ?? "\"0\""] }

@Suite("Applications and loans")
struct LifecycleAPITests {
    struct Deal {
        var world: MatchingAPITests.World
        var bankId: Int64
        var applicationId: Int64
    }

    /// The matching test's world, and an application for ¥600,000 over 12 months on its product.
    func draft(_ client: any TestClientProtocol) async throws -> Deal {
        let w = try await MatchingAPITests().makeWorld(client)
        let product = try await client.send(.get, "/products/\(w.productId)")
        let bankId = try #require((product.json["bankId"] as? NSNumber)?.int64Value)
        let r = try await client.send(.post, "/applications", json: """
            {"firmId":\(w.firmId),"productId":\(w.productId),"amountFen":60000000,"termMonths":12,"note":"首贷"}
            """, as: Caller.operations)
        #expect(r.status == .created, "\(r.text)")
        #expect(r.json["assetIds"] as? [NSNumber] == [NSNumber(value: w.assetId)], "the suggested package")
        return Deal(world: w, bankId: bankId, applicationId: try #require((r.json["id"] as? NSNumber)?.int64Value))
    }

    /// Submits, reviews and approves; returns the approved application's response.
    func approve(_ client: any TestClientProtocol, _ d: Deal) async throws -> TestResponse {
        var r = try await client.send(.get, "/applications/\(d.applicationId)", as: Caller.operations)
        for (action, who) in [("submit", Caller.operations), ("start_review", Caller.bank(d.bankId)), ("approve", Caller.bank(d.bankId))] {
            r = try await client.send(.post, "/applications/\(d.applicationId)/transitions", json: #"{"action":"\#(action)"}"#,
                                      headers: ifMatch(r), as: who)
            #expect(r.status == .ok, "\(action): \(r.text)")
        }
        return r
    }

    func disburse(_ client: any TestClientProtocol, _ d: Deal, after approved: TestResponse, key: String? = nil) async throws -> TestResponse {
        var headers = ifMatch(approved)
        if let key { headers[WriteTransaction.keyHeader] = key }
        let maturity = BusinessCalendar.today().adding(months: 12)
        return try await client.send(.post, "/applications/\(d.applicationId)/disbursement", json: """
            {"maturityOn":"\(maturity)","rateBp":345,"registrationNumber":"渝知质登字-\(d.applicationId)","registeredOn":"\(BusinessCalendar.today())"}
            """, headers: headers, as: Caller.bank(d.bankId))
    }

    @Test func fromDraftToRepaidWithThePledgeReleased() async throws {
        try await withApp { client, db in
            let d = try await draft(client)
            let approved = try await approve(client, d)
            let loan = try await disburse(client, d, after: approved)
            #expect(loan.status == .created, "\(loan.text)")
            #expect(loan.json["principalFen"] as? NSNumber == 60_000_000)
            #expect((loan.json["pledge"] as? [String: Any])?["status"] as? String == "active")
            let loanId = try #require((loan.json["id"] as? NSNumber)?.int64Value)

            // Pledged everywhere at once: the engine no longer counts the asset.
            let match = try await client.send(.get, "/firms/\(d.world.firmId)/matches/\(d.world.productId)")
            #expect(match.json["eligible"] as? Bool == false)

            let today = BusinessCalendar.today()
            let part = try await client.send(.post, "/loans/\(loanId)/entries", json: """
                {"kind":"repayment","amountFen":20000000,"effectiveOn":"\(today)","interestFen":120000}
                """, as: Caller.bank(d.bankId))
            #expect(part.status == .created, "\(part.text)")
            #expect(part.json["outstandingFen"] as? NSNumber == 40_000_000)
            let full = try await client.send(.post, "/loans/\(loanId)/entries", json: """
                {"kind":"repayment","amountFen":40000000,"effectiveOn":"\(today)"}
                """, as: Caller.bank(d.bankId))
            #expect(full.json["status"] as? String == "repaid")
            #expect((full.json["pledge"] as? [String: Any])?["status"] as? String == "released")
            let app = try await client.send(.get, "/applications/\(d.applicationId)", as: Caller.operations)
            #expect(app.json["state"] as? String == "repaid")
            let steps = (app.json["transitions"] as? [[String: Any]])?.compactMap { $0["action"] as? String }
            #expect(steps == ["create", "submit", "start_review", "approve", "disburse", "settle"])
            let again = try await client.send(.get, "/firms/\(d.world.firmId)/matches/\(d.world.productId)")
            #expect(again.json["eligible"] as? Bool == true, "released assets are free again")
            #expect(try await count("pledge_assets WHERE active", db) == 0)

            // The audit trail holds every write with its actor.
            let history = try await client.send(.get, "/history/loan/\(loanId)", as: Caller.operations)
            let rows = try #require(history.json["items"] as? [[String: Any]])
            #expect(rows.count == 4, "the loan and its three entries")
            #expect(rows.allSatisfy { $0["actor"] as? String == "test-bank-\(d.bankId)" })
            #expect(rows.allSatisfy { ($0["requestId"] as? String)?.isEmpty == false })
            let appHistory = try await client.send(.get, "/history/application/\(d.applicationId)", as: Caller.operations)
            let appRows = try #require(appHistory.json["items"] as? [[String: Any]])
            #expect(appRows.first?["actor"] as? String == "test-operations")
            #expect(appRows.contains { ($0["before"] as? [String: Any])?["state"] as? String == "approved"
                                       && ($0["after"] as? [String: Any])?["state"] as? String == "disbursed" })
        }
    }

    @Test func illegalForbiddenStaleAndForeignMovesAreRefused() async throws {
        try await withApp { client, db in
            let d = try await draft(client)
            let path = "/applications/\(d.applicationId)/transitions"
            var r = try await client.send(.get, "/applications/\(d.applicationId)", as: Caller.operations)
            let bank = try await client.send(.post, "/banks", json: #"{"code":"OTHER","name":"另一家银行"}"#)
            let otherBank = try #require((bank.json["id"] as? NSNumber)?.int64Value)

            let early = try await client.send(.post, path, json: #"{"action":"approve"}"#, headers: ifMatch(r), as: Caller.bank(d.bankId))
            #expect(early.status == .conflict)
            #expect(early.json["code"] as? String == "illegal_transition")
            #expect((early.json["messageZh"] as? String)?.contains("草稿") == true, "names the current state")
            #expect(early.json["messageEn"] as? String == "Application #\(d.applicationId) is a draft; it cannot be approved",
                    "states and actions by name, not by code")

            let byBank = try await client.send(.post, path, json: #"{"action":"submit"}"#, headers: ifMatch(r), as: Caller.bank(d.bankId))
            #expect(byBank.status == .forbidden)
            #expect(byBank.json["messageEn"] as? String == "Your role may not ask for an application to be submitted")
            let foreign = try await client.send(.post, path, json: #"{"action":"withdraw"}"#, headers: ifMatch(r), as: Caller.bank(otherBank))
            #expect(foreign.status == .notFound, "another bank's application does not exist for this officer")
            let foreignRead = try await client.send(.get, "/applications/\(d.applicationId)", as: Caller.bank(otherBank))
            #expect(foreignRead.status == .notFound)
            let foreignList = try await client.send(.get, "/applications", as: Caller.bank(otherBank))
            #expect((foreignList.json["items"] as? [Any])?.isEmpty == true)

            r = try await client.send(.post, path, json: #"{"action":"submit"}"#, headers: ifMatch(r), as: Caller.operations)
            #expect(r.status == .ok)
            let stale = try await client.send(.post, path, json: #"{"action":"withdraw"}"#, headers: [.ifMatch: "\"1\""], as: Caller.operations)
            #expect(stale.status == .preconditionFailed)
            let noVersion = try await client.send(.post, path, json: #"{"action":"withdraw"}"#, as: Caller.operations)
            #expect(noVersion.status == .preconditionRequired)
            let withdrawn = try await client.send(.post, path, json: #"{"action":"withdraw","reason":"企业暂不融资"}"#,
                                                  headers: ifMatch(r), as: Caller.operations)
            #expect(withdrawn.json["state"] as? String == "withdrawn")
            let after = try await client.send(.post, path, json: #"{"action":"submit"}"#, headers: ifMatch(withdrawn), as: Caller.operations)
            #expect(after.status == .conflict)
            #expect(try await count("application_transitions", db) == 3, "create, submit, withdraw: refusals wrote nothing")
        }
    }

    @Test func aCorrectionKeepsTheOriginalAndChangesTheFigures() async throws {
        try await withApp { client, db in
            let d = try await draft(client)
            let loan = try await disburse(client, d, after: try await approve(client, d))
            let loanId = try #require((loan.json["id"] as? NSNumber)?.int64Value)
            let today = BusinessCalendar.today()
            let paid = try await client.send(.post, "/loans/\(loanId)/entries", json: """
                {"kind":"repayment","amountFen":10000000,"effectiveOn":"\(today)"}
                """, as: Caller.bank(d.bankId))
            let entryId = try #require(((paid.json["entries"] as? [[String: Any]])?.last?["id"] as? NSNumber)?.int64Value)
            let noReason = try await client.send(.post, "/loans/\(loanId)/entries", json: """
                {"kind":"repayment","amountFen":-4000000,"effectiveOn":"\(today)","correctsId":\(entryId)}
                """, as: Caller.bank(d.bankId))
            #expect(noReason.status == .unprocessableContent)
            let fixed = try await client.send(.post, "/loans/\(loanId)/entries", json: """
                {"kind":"repayment","amountFen":-4000000,"effectiveOn":"\(today)","correctsId":\(entryId),"reason":"录入错误：实还 6 万元"}
                """, as: Caller.bank(d.bankId))
            #expect(fixed.status == .created, "\(fixed.text)")
            #expect(fixed.json["repaidFen"] as? NSNumber == 6_000_000)
            let entries = try #require(fixed.json["entries"] as? [[String: Any]])
            #expect(entries.count == 3)
            #expect(entries[1]["amountFen"] as? NSNumber == 10_000_000, "the original stays as it was")
            let over = try await client.send(.post, "/loans/\(loanId)/entries", json: """
                {"kind":"repayment","amountFen":60000000,"effectiveOn":"\(today)"}
                """, as: Caller.bank(d.bankId))
            #expect(over.status == .unprocessableContent, "repaying more than is owed")
            let principal = try await client.send(.post, "/loans/\(loanId)/entries", json: """
                {"kind":"disbursement","amountFen":1,"effectiveOn":"\(today)"}
                """, as: Caller.bank(d.bankId))
            #expect(principal.status == .unprocessableContent)

            // The database itself refuses to change or delete posted entries, whoever asks.
            await #expect(throws: (any Error).self) {
                _ = try await db.query("UPDATE loan_entries SET amount_fen = 1", logger: TestDatabase.logger)
            }
            await #expect(throws: (any Error).self) {
                _ = try await db.query("DELETE FROM loans", logger: TestDatabase.logger)
            }
            await #expect(throws: (any Error).self) {
                _ = try await db.query("DELETE FROM audit_log", logger: TestDatabase.logger)
            }
            #expect(try await count("loan_entries", db) == 3)
        }
    }

    @Test func defaultAndRenewal() async throws {
        try await withApp { client, db in
            let d = try await draft(client)
            let loan = try await disburse(client, d, after: try await approve(client, d))
            let loanId = try #require((loan.json["id"] as? NSNumber)?.int64Value)
            let maturity = BusinessCalendar.today().adding(months: 24)
            let renewed = try await client.send(.post, "/loans/\(loanId)/renewals", json: """
                {"principalFen":50000000,"maturityOn":"\(maturity)","rateBp":330}
                """, as: Caller.bank(d.bankId))
            #expect(renewed.status == .created, "\(renewed.text)")
            #expect(renewed.json["renewalOf"] as? NSNumber == NSNumber(value: loanId))
            #expect((renewed.json["pledge"] as? [String: Any])?["status"] as? String == "active", "the pledge carries over")
            let old = try await client.send(.get, "/loans/\(loanId)", as: Caller.operations)
            #expect(old.json["status"] as? String == "repaid")
            #expect(old.json["renewedBy"] as? NSNumber == renewed.json["id"] as? NSNumber)
            let newId = try #require((renewed.json["id"] as? NSNumber)?.int64Value)
            let defaulted = try await client.send(.post, "/loans/\(newId)/entries", json: """
                {"kind":"default","amountFen":50000000,"effectiveOn":"\(BusinessCalendar.today())","reason":"逾期 90 天"}
                """, as: Caller.bank(d.bankId))
            #expect(defaulted.json["status"] as? String == "defaulted", "\(defaulted.text)")
            let app = try await client.send(.get, "/applications/\(d.applicationId)", as: Caller.operations)
            #expect(app.json["state"] as? String == "defaulted")
            #expect(app.json["loanIds"] as? [NSNumber] == [NSNumber(value: loanId), NSNumber(value: newId)])
            #expect(try await count("pledge_assets WHERE active", db) == 1, "a defaulted loan keeps its collateral")
            // The engine sees the default at once: the firm's credit gate fails.
            let match = try await client.send(.get, "/firms/\(d.world.firmId)/matches/\(d.world.productId)")
            let credit = (match.json["firmGates"] as? [[String: Any]])?.first { $0["code"] as? String == "firm_credit_record" }
            #expect(credit?["passed"] as? Bool == false, "\(match.text)")
            #expect((credit?["messageZh"] as? String)?.contains("1 笔违约贷款") == true)
        }
    }

    @Test func fiftyRacesForOneAssetMakeOnePledge() async throws {
        try await withApp { client, db in
            let first = try await draft(client)
            var deals = [(first, try await approve(client, first))]
            for _ in 1..<50 {
                let r = try await client.send(.post, "/applications", json: """
                    {"firmId":\(first.world.firmId),"productId":\(first.world.productId),"amountFen":60000000,"termMonths":12}
                    """, as: Caller.operations)
                let d = Deal(world: first.world, bankId: first.bankId, applicationId: try #require((r.json["id"] as? NSNumber)?.int64Value))
                deals.append((d, try await approve(client, d)))
            }
            let statuses = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for (d, approved) in deals {
                    group.addTask { let r = try await disburse(client, d, after: approved); return (r.status.code, r.text) }
                }
                return try await group.reduce(into: [(Int, String)]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0.0 == 201 }.count == 1)
            let refused = statuses.filter { $0.0 == 409 }
            #expect(refused.count == 49, "\(statuses.filter { $0.0 != 201 && $0.0 != 409 }.prefix(3))")
            #expect(refused.allSatisfy { $0.1.contains("asset_pledged") && $0.1.contains("申请 #") }, "\(refused.first?.1 ?? "")")
            #expect(try await count("pledge_assets WHERE active", db) == 1)
            #expect(try await count("loans", db) == 1)
        }
    }

    @Test func idempotentReplayMismatchAndAlerts() async throws {
        try await withApp { client, db in
            let d = try await draft(client)
            let approved = try await approve(client, d)
            let first = try await disburse(client, d, after: approved, key: "disb-1")
            let replay = try await disburse(client, d, after: approved, key: "disb-1")
            #expect(first.status == .created)
            #expect(replay.status == .created)
            #expect(replay.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(replay.text == first.text, "the first response, byte for byte")
            #expect(try await count("loans", db) == 1)
            let loanId = try #require((first.json["id"] as? NSNumber)?.int64Value)
            let other = try await client.send(.post, "/loans/\(loanId)/entries", json: """
                {"kind":"repayment","amountFen":100,"effectiveOn":"\(BusinessCalendar.today())"}
                """, headers: [WriteTransaction.keyHeader: "disb-1"], as: Caller.bank(d.bankId))
            #expect(other.status == .unprocessableContent)
            #expect(other.json["code"] as? String == "idempotency_key_reused")

            // A replay while the first is still running: hold the key's lock as a running request would.
            let scope = Caller.bank(d.bankId).login
            try await db.withConnection { conn in
                _ = try await conn.query("SELECT pg_advisory_lock(hashtextextended(\(scope + "\u{1F}" + "busy-1"), 7))",
                                         logger: TestDatabase.logger)
                let busy = try await client.send(.post, "/loans/\(loanId)/entries", json: """
                    {"kind":"repayment","amountFen":100,"effectiveOn":"\(BusinessCalendar.today())"}
                    """, headers: [WriteTransaction.keyHeader: "busy-1"], as: Caller.bank(d.bankId))
                #expect(busy.status == .conflict)
                #expect(busy.json["code"] as? String == "idempotency_in_flight")
                _ = try await conn.query("SELECT pg_advisory_unlock_all()", logger: TestDatabase.logger)
            }

            func kinds(_ day: CivilDate) async throws -> [String] {
                let r = try await client.send(.get, "/alerts?asOf=\(day)", as: Caller.operations)
                return (r.json["items"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
            }
            let today = BusinessCalendar.today()
            #expect(try await kinds(today) == [])
            #expect(try await kinds(today.adding(months: 9)) == ["valuation_expiring"], "valid until today + 10 months")
            #expect(try await kinds(today.adding(months: 12).adding(days: -20)) == ["loan_maturing"])
            #expect(try await count("loan_entries", db) == 1, "the refused replay wrote nothing")
        }
    }

    @Test func everyWriteLeavesAnAuditRowWithItsActor() async throws {
        try await withApp { client, db in
            let w = try await MatchingAPITests().makeWorld(client)
            for (entity, id) in [("firm", w.firmId), ("asset", w.assetId), ("valuation", w.valuationId), ("product", w.productId)] {
                let r = try await client.send(.get, "/history/\(entity)/\(id)", as: Caller.operations)
                let rows = try #require(r.json["items"] as? [[String: Any]])
                #expect(rows.first?["action"] as? String == "insert", "\(entity)")
                #expect(rows.first?["before"] == nil && rows.first?["after"] != nil, "\(entity)")
                #expect(rows.first?["actor"] as? String == "test-operations", "the world is made by the operations user")
            }
            let firm = try await client.send(.get, "/firms/\(w.firmId)")
            var body = try #require(firm.json as [String: Any]?)
            for key in ["id", "version", "createdAt", "updatedAt", "archivedAt"] { body[key] = nil }
            body["name"] = "重庆涪陵测试材料股份有限公司"
            let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
            let renamed = try await client.send(.put, "/firms/\(w.firmId)", json: json, headers: ifMatch(firm), as: Caller.operations)
            #expect(renamed.status == .ok, "\(renamed.text)")
            let history = try await client.send(.get, "/history/firm/\(w.firmId)", as: Caller.operations)
            let update = try #require((history.json["items"] as? [[String: Any]])?.last)
            #expect(update["action"] as? String == "update")
            #expect(update["actor"] as? String == "test-operations")
            #expect((update["before"] as? [String: Any])?["name"] as? String == "重庆涪陵测试材料有限公司")
            #expect((update["after"] as? [String: Any])?["name"] as? String == "重庆涪陵测试材料股份有限公司")
            let refused = try await client.send(.post, "/banks", json: #"{"code":"x","name":""}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(try await count("audit_log WHERE entity = 'bank'", db) == 1, "the world's one bank; a refusal writes nothing")
        }
    }
}
