import Logging
import Synchronization
import Testing
@testable import PledgeServer

/// The service's log lines are StreamLogHandler's, line for line: only when the metadata is
/// formatted differs.
@Suite("Log lines")
struct LineLogHandlerTests {
    final class Lines: TextOutputStream, Sendable {
        let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
        /// Each line without its timestamp (the clock may turn between two handlers' lines).
        var untimed: [String] {
            text.withLock { $0 }.split(separator: "\n").map { String($0.drop { $0 != " " }) }
        }
    }

    struct Refused: Error {}

    func write(_ logger: inout Logger) {
        logger[metadataKey: "hb.request.id"] = "7f3a"
        logger[metadataKey: "operation"] = "listCandidates"
        logger.info("Request", metadata: ["operation": "getHealth", "status": "200"])
        logger.warning("No metadata of its own")
        logger[metadataKey: "operation"] = nil
        logger.error("Refused", error: Refused(), metadata: ["request": "r1"])
        logger.debug("Below the level")
    }

    @Test(arguments: [false, true])
    func linesAreStreamLogHandlers(withProvider: Bool) {
        let provider: Logger.MetadataProvider? = withProvider ? .init { ["trace": "t-1", "operation": "provided"] } : nil
        let expected = Lines(), got = Lines()
        var stream = Logger(label: "pledgematch") { label in
            StreamLogHandler(label: label, stream: expected, metadataProvider: provider)
        }
        var line = Logger(label: "pledgematch") { label in
            LineLogHandler(writer: StreamLogHandler(label: label, stream: got, metadataProvider: nil), metadataProvider: provider)
        }
        stream.logLevel = .info
        line.logLevel = .info
        write(&stream)
        write(&line)
        #expect(got.untimed.count == 3)
        #expect(got.untimed == expected.untimed)
    }
}
