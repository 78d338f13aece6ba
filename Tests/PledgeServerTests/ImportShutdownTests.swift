import Foundation
import PledgeImport
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing

/// The service stopped (SIGTERM) while an upload loads: the load's transaction rolls back, the job
/// goes back to the queue, and the next start of the service runs it to the end. Never half-loaded.
@Suite("Import and service stop")
struct ImportShutdownTests {
    static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/pledgematch")
    static let port = ProcessInfo.processInfo.environment["PLEDGEMATCH_TEST_SERVE_PORT"] ?? "18405"

    @Test func sigtermDuringAnUploadedLoadRollsItBackAndTheJobRunsOnTheNextStart() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the executable first (swift build)")
        try await TestDatabase.withDatabase { client, configuration in
            let users = TestUsers(client: client)
            let auth = try #require(try await users.authorization(.operations))
            let url = "postgres://postgres@localhost/\(configuration.database ?? "")?host=\(TestDatabase.cluster.dataDirectory)"
            let rows = 200_000
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("import-sigterm-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("firms.csv")
            try Data(GeneratedFiles.firmsCSV(count: rows)).write(to: file)

            var server = try Self.serve(url, log: folder.appendingPathComponent("first.log"))
            defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
            try await Self.waitUntilListening()
            let posted = try await Self.curl(["-X", "POST", "-H", "authorization: \(auth)", "-H", "content-type: text/csv",
                                        "--data-binary", "@\(file.path)", "http://127.0.0.1:\(Self.port)/imports?kind=firms&fileName=firms.csv"])
            let id = try #require((posted["id"] as? Int).map(Int64.init), "\(posted)")
            // Stop the service while the job is inside its load's transaction.
            var phase = ""
            for _ in 0..<3000 where phase != "loading" && phase != "merging" {
                phase = try await Self.jobPhase(client, id)
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(phase == "loading" || phase == "merging", "the job reached its load (\(phase))")
            kill(server.processIdentifier, SIGTERM)
            await waitForExit(server)
            #expect(server.terminationReason == .exit, "the service stopped on its own, not by a signal")
            let firmsAfterStop = try await Self.count(client, "SELECT count(*)::int FROM firms")
            let status = try await Self.text(client, "SELECT status FROM import_jobs WHERE id = \(id)")
            // Cleanly ended: either the job finished before the signal reached it, or nothing of it is in.
            #expect((status == "queued" && firmsAfterStop == 0) || (status == "succeeded" && firmsAfterStop == rows),
                    "status \(status), \(firmsAfterStop) firms")

            // The next start takes the job up again and loads the whole file.
            let secondLog = folder.appendingPathComponent("second.log")
            server = try Self.serve(url, log: secondLog)
            try await Self.waitUntilListening()
            let (final, seen) = try await Self.waitWhileMoving(client, id)
            kill(server.processIdentifier, SIGTERM)
            await waitForExit(server)
            #expect(final == "succeeded", "the job's progress: \(seen); the service's log ends: \(Self.tail(secondLog))")
            #expect(try await Self.count(client, "SELECT count(*)::int FROM firms") == rows)
            #expect(try await Self.count(client, "SELECT count(*)::int FROM audit_log WHERE entity = 'firm'") == rows)
        }
    }

    /// The service, its log (info: the job's start and end) kept in `log` for a failure's message.
    static func serve(_ databaseURL: String, log: URL) throws -> Process {
        let p = Process()
        p.executableURL = binary
        p.arguments = ["serve", "--port", port]
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = databaseURL
        env["LOG_LEVEL"] = "info"
        p.environment = env
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        // The service holds its own copy of the descriptor.
        try? handle.close()
        return p
    }

    /// Waits while the job is queued or running and its progress moves: a host that the rest of the
    /// suite slows gets the time it needs (on the debug build the reload took 44 s alone; the whole
    /// test 170-196 s beside the suite), while a job that stands still for `still` is a hang,
    /// reported with what it did.
    static func waitWhileMoving(_ client: PostgresClient, _ id: Int64, still: Duration = .seconds(90),
                                cap: Duration = .seconds(900)) async throws -> (String, [String]) {
        let clock = ContinuousClock()
        let start = clock.now
        var lastMove = start
        var last = ""
        var seen: [String] = []
        while clock.now - start < cap {
            let now = try await text(client, """
                SELECT status || ' ' || coalesce(phase, '-') || ' ' || done || '/' || total || ' attempt ' || attempts
                FROM import_jobs WHERE id = \(id)
                """)
            if now != last {
                last = now
                lastMove = clock.now
                seen.append("\(now) at \(Int((clock.now - start).components.seconds)) s")
            }
            let status = String(now.prefix { $0 != " " })
            if status != "queued" && status != "running" { return (status, seen) }
            if clock.now - lastMove > still { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        return (String(last.prefix { $0 != " " }), seen)
    }

    /// The last lines of a log, for a failure's message.
    static func tail(_ log: URL, lines: Int = 20) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    static func waitUntilListening() async throws {
        for _ in 0..<300 {
            if (try? await curl(["http://127.0.0.1:\(port)/healthz"], json: false)) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the service did not start")
    }

    /// curl's answer as JSON (fails on an HTTP error).
    @discardableResult
    static func curl(_ arguments: [String], json: Bool = true) async throws -> [String: Any] {
        // curl is waited for off the concurrency pool (waitForExit says why).
        let (data, status) = try await TestDatabase.offPool { () throws -> (Data, Int32) in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            p.arguments = ["-sf", "--max-time", "60"] + arguments
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (data, p.terminationStatus)
        }
        guard status == 0 else { throw CocoaError(.fileReadUnknown) }
        guard json else { return [:] }
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    static func jobPhase(_ client: PostgresClient, _ id: Int64) async throws -> String {
        try await text(client, "SELECT coalesce(phase, status) FROM import_jobs WHERE id = \(id)")
    }

    static func text(_ client: PostgresClient, _ sql: String) async throws -> String {
        for try await v in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestDatabase.logger).decode(String.self) { return v }
        return ""
    }

    static func count(_ client: PostgresClient, _ sql: String) async throws -> Int {
        for try await v in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestDatabase.logger).decode(Int.self) { return v }
        return 0
    }
}
