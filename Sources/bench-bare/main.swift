import Hummingbird
import Synchronization

// The framework's own ceiling on this machine, nothing around it: one route answering a short JSON
// body, and one answering a body of a given size (`/bytes/191000`, the size of a firm's explained
// matches on the demo data), the ceiling for an answer that large. scripts/bench-http.sh runs it
// beside the service's /healthz in the same run.
let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 8090
let router = Router()
router.get("/hello") { _, _ -> Response in
    Response(status: .ok, headers: [.contentType: "application/json"],
             body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
}
// Built once per size and kept, as the service keeps a firm's answer.
let bodies = BodyShelf()
router.get("/bytes/:count") { _, context -> Response in
    guard let count = context.parameters.get("count", as: Int.self), (1...(16 << 20)).contains(count) else {
        return Response(status: .badRequest)
    }
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: bodies.body(count)))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()

final class BodyShelf: Sendable {
    private let shelf = Mutex<[Int: ByteBuffer]>([:])
    func body(_ count: Int) -> ByteBuffer {
        shelf.withLock { shelf in
            if let kept = shelf[count] { return kept }
            let made = ByteBuffer(repeating: UInt8(ascii: "x"), count: count)
            shelf[count] = made
            return made
        }
    }
}
