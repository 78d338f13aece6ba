import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PledgeTestSupport
import PostgresNIO
import Prometheus
@testable import PledgeServer

/// Builds the real application on a fresh database and drives it through its router.
func withApp(_ body: @Sendable @escaping (any TestClientProtocol, PostgresClient) async throws -> Void) async throws {
    try await TestDatabase.withDatabase { client in
        let router = try buildRouter(client: client, metrics: PrometheusCollectorRegistry(), logger: TestDatabase.logger)
        let app = Application(router: router, logger: TestDatabase.logger)
        try await app.test(.router) { testClient in try await body(testClient, client) }
    }
}

extension TestClientProtocol {
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if json != nil { headers[.contentType] = "application/json" }
        // Every POST needs a key; a test that studies replays passes its own.
        if method == .post, headers[WriteTransaction.keyHeader] == nil {
            headers[WriteTransaction.keyHeader] = UUID().uuidString
        }
        return try await execute(uri: uri, method: method, headers: headers,
                                 body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }
    var text: String { String(buffer: body) }
}

/// Counts rows, to prove a refused request wrote nothing.
func count(_ table: String, _ client: PostgresClient) async throws -> Int {
    let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: TestDatabase.logger)
    for try await n in rows.decode(Int.self) { return n }
    return -1
}

let firmJSON = """
    {"creditCode":"914403001922038216","name":"重庆涪陵测试材料有限公司","industryCode":"advanced_materials",
     "town":"白涛工业园区","size":"medium","foundedOn":"2012-05-08","annualRevenueFen":120000000000,"highTech":true}
    """

func createFirm(_ client: any TestClientProtocol, json: String = firmJSON) async throws -> Int64 {
    let r = try await client.send(.post, "/firms", json: json)
    return (r.json["id"] as? NSNumber)?.int64Value ?? -1
}
