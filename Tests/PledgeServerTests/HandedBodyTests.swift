import Hummingbird
import HummingbirdTesting
import NIOCore
import OpenAPIRuntime
import Testing
@testable import PledgeServer

/// A buffer handed over by `HandedBody.body` is what a 200 answer to a GET sends, and nothing else
/// is: another status, another method or a request that handed nothing keeps the body it made.
@Suite("Handed bodies")
struct HandedBodyTests {
    static let handed = ByteBuffer(string: "{\"kept\":\"答案\"}")

    static func made(_ status: HTTPResponse.Status, hand: Bool) -> Response {
        if hand { _ = HandedBody.body(handed) }
        return Response(status: status, body: ResponseBody(byteBuffer: ByteBuffer(string: "made")))
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: HandedBodyMiddleware())
        router.get("/ok") { _, _ in Self.made(.ok, hand: true) }
        router.get("/missing") { _, _ in Self.made(.notFound, hand: true) }
        router.get("/plain") { _, _ in Self.made(.ok, hand: false) }
        router.post("/ok") { _, _ in Self.made(.ok, hand: true) }
        return router
    }

    @Test func onlyAnOkGetSendsTheHandedBuffer() async throws {
        try await Application(router: router()).test(.router) { client in
            let ok = try await client.execute(uri: "/ok", method: .get)
            #expect(ok.status == .ok)
            #expect(ok.body == Self.handed)
            #expect(ok.headers[.contentLength] == nil || ok.headers[.contentLength] == "\(Self.handed.readableBytes)")
            for (uri, method) in [("/missing", HTTPRequest.Method.get), ("/plain", .get), ("/ok", .post)] {
                let other = try await client.execute(uri: uri, method: method)
                #expect(String(buffer: other.body) == "made", "\(method) \(uri)")
            }
            // Each request has its own slot: nothing handed earlier leaks into a later answer.
            #expect(String(buffer: try await client.execute(uri: "/plain", method: .get).body) == "made")
        }
    }

    @Test func readingTheBodyGivesTheSameBytes() async throws {
        let body = HandedBody.body(Self.handed)
        #expect(body.length == .known(Int64(Self.handed.readableBytes)))
        for _ in 0..<2 {
            let read = try await [UInt8](collecting: body, upTo: 1 << 20)
            #expect(read == Array(Self.handed.readableBytesView))
        }
    }
}
