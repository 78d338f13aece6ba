import Hummingbird

// The framework's own ceiling on this machine: one route answering a short JSON body, nothing
// around it. scripts/bench-http.sh runs it beside the service's /healthz in the same run.
let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 8090
let router = Router()
router.get("/hello") { _, _ -> Response in
    Response(status: .ok, headers: [.contentType: "application/json"],
             body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
