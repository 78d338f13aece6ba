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

            var server = try Self.serve(url)
            defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
            try await Self.waitUntilListening()
            let posted = try await Self.curl(["-X", "POST", "-H", "authorization: \(auth)", "-H", "content-type: text/csv",
                                        "--data-binary", "@\(file.path)", "http://127.0.0.1:\(Self.port)/imports?kind=firms&fileName=firms.csv"])
            let id = try #require((posted["id"] as? Int).map(Int64.init), "\(posted)")
            // Stop the service while the job is inside its load's transaction.
            var phase = ""
            for _ in 0..<1200 where phase != "loading" && phase != "merging" {
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
            server = try Self.serve(url)
            try await Self.waitUntilListening()
            var final = status
            for _ in 0..<1800 where final == "queued" || final == "running" {
                try await Task.sleep(for: .milliseconds(100))
                final = try await Self.text(client, "SELECT status FROM import_jobs WHERE id = \(id)")
            }
            kill(server.processIdentifier, SIGTERM)
            await waitForExit(server)
            #expect(final == "succeeded")
            #expect(try await Self.count(client, "SELECT count(*)::int FROM firms") == rows)
            #expect(try await Self.count(client, "SELECT count(*)::int FROM audit_log WHERE entity = 'firm'") == rows)
        }
    }

    static func serve(_ databaseURL: String) throws -> Process {
        let p = Process()
        p.executableURL = binary
        p.arguments = ["serve", "--port", port]
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = databaseURL
        env["LOG_LEVEL"] = "warning"
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
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
