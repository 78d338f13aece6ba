import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PledgeCore
import PledgeTestSupport
import Testing
@testable import PledgeServer

@Suite("Console: formatting, escaping, form safety")
struct ConsolePureTests {
    @Test func interpolatedTextIsEscaped() {
        let name = "<script>alert('x')</script>&\""
        let html: HTML = "<td>\(name)</td>"
        #expect(html.markup == "<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;</td>")
        let inner: HTML = "<b>ok</b>"
        #expect(("<p>\(inner)</p>" as HTML).markup == "<p><b>ok</b></p>")
    }

    @Test func moneyIsShownAsPeopleReadIt() {
        #expect(ConsoleFormat.yuan(123_456_789) == "¥1,234,567.89")
        #expect(ConsoleFormat.yuan(-5) == "-¥0.05")
        #expect(ConsoleFormat.yuan(Int64.min).hasPrefix("-¥92,233,720,368,547,758"))
        #expect(ConsoleFormat.large(120_000_000_000, lang: .zh) == "12.00 亿元")
        #expect(ConsoleFormat.large(55_200_000_00, lang: .zh) == "5,520.00 万元")
    }

    @Test func typedAmountsAreReadExactlyOrRefused() {
        #expect(ConsoleFormat.fen(fromYuan: "1,000,000") == 100_000_000)
        #expect(ConsoleFormat.fen(fromYuan: "１２３.5") == 12_350)
        #expect(ConsoleFormat.fen(fromYuan: "¥ 7.05") == 705)
        for bad in ["", "-1", "1.234", "1e9", "abc", "99999999999999", "1..2", "١٢"] {
            #expect(ConsoleFormat.fen(fromYuan: bad) == nil, "\(bad)")
        }
    }

    @Test func onlyLocalConsolePathsAreFollowed() {
        #expect(ConsoleSession.localTarget("/console/firms?q=1") == "/console/firms?q=1")
        for bad in ["https://evil.example/", "//evil.example/console", "/consolex/../x", "/console\\evil", nil, "/other"] {
            let target = ConsoleSession.localTarget(bad)
            #expect(target.hasPrefix("/console"), "\(bad ?? "nil")")
            #expect(!target.hasPrefix("//") && !target.contains("://"))
        }
    }

    @Test func formTokensMatchOnlyTheirSession() {
        let token = ConsoleSession.csrfToken(for: "pmt_secret-one")
        #expect(ConsoleSession.csrfMatches(token, secret: "pmt_secret-one"))
        #expect(!ConsoleSession.csrfMatches(token, secret: "pmt_secret-two"))
        #expect(!ConsoleSession.csrfMatches(nil, secret: "pmt_secret-one"))
        #expect(!ConsoleSession.csrfMatches(String(token.dropLast()), secret: "pmt_secret-one"))
        #expect(ConsoleSession.formKey("_key=abc-123&x=1") == "abc-123")
        #expect(ConsoleSession.formKey("_key=" + String(repeating: "a", count: 300)) == nil)
        #expect(ConsoleSession.formKey("_key=%E4%B8%AD") == nil)
    }
}

@Suite("Console: pages through the router")
struct ConsoleRouterTests {
    static func cookie(_ user: TestUser) async throws -> String {
        let bearer = try #require(try await TestUsers.current?.authorization(user))
        return "pm_session=" + bearer.dropFirst("Bearer ".count)
    }

    static func get(_ client: any TestClientProtocol, _ path: String, as user: TestUser) async throws -> TestResponse {
        try await client.execute(uri: path, method: .get, headers: [.cookie: try await cookie(user)], body: nil)
    }

    @Test func signedOutVisitorsAreSentToSignIn() async throws {
        try await withApp { client, _ in
            let r = try await client.execute(uri: "/console/firms", method: .get, headers: [:], body: nil)
            #expect(r.status == .seeOther)
            #expect(r.headers[.location]?.hasPrefix("/console/login") == true)
            let page = try await client.execute(uri: "/console/login", method: .get, headers: [:], body: nil)
            #expect(page.status == .ok)
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src") == false)
            #expect(String(buffer: page.body).contains("name=\"password\""))
        }
    }

    @Test func eachRoleIsServedOnlyItsPages() async throws {
        try await withApp { client, _ in
            #expect(try await Self.get(client, "/console/firms", as: .operations).status == .ok)
            #expect(try await Self.get(client, "/console/firms", as: .analyst).status == .notFound)
            #expect(try await Self.get(client, "/console/users", as: .operations).status == .notFound)
            #expect(try await Self.get(client, "/console/users", as: .administrator).status == .ok)
            #expect(try await Self.get(client, "/console/progress", as: .analyst).status == .ok)
            let home = String(buffer: try await Self.get(client, "/console", as: .analyst).body)
            #expect(!home.contains("/console/firms\""), "the analyst's menu has no firms page")
        }
    }

    @Test func aFormWithoutItsTokenChangesNothing() async throws {
        try await withApp { client, db in
            let cookie = try await Self.cookie(.operations)
            let body = "creditCode=91500102MA5U4XXX1A&name=%E6%B5%8B%E8%AF%95&industryCode=equipment&town=x&size=small&foundedOn=2015-01-01"
            let r = try await client.execute(uri: "/console/firms/new", method: .post,
                                             headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                             body: ByteBuffer(string: body))
            #expect(r.status == .forbidden)
            let count = try await db.query("SELECT count(*) FROM firms", logger: TestDatabase.logger).collect()[0].decode(Int.self)
            #expect(count == 0)
        }
    }

    @Test func aFirmsNameIsShownAsTextNeverAsMarkup() async throws {
        try await withApp { client, _ in
            let created = try await client.send(.post, "/firms", json: """
                {"creditCode":"915001022031258118","name":"<script>x</script>测试","industryCode":"equipment","town":"崇义街道","size":"small","foundedOn":"2015-01-01"}
                """, headers: [.init("Idempotency-Key")!: "console-escape"])
            #expect(created.status == .created, "\(created.text)")
            let page = String(buffer: try await Self.get(client, "/console/firms", as: .operations).body)
            #expect(page.contains("&lt;script&gt;x&lt;/script&gt;测试"))
            #expect(!page.contains("<script>"))
        }
    }
}
