import Foundation
import Hummingbird
import HummingbirdTesting
import PledgeCore
import PledgeImport
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeServer

/// The import job as a job: it shows its progress, holds no request's connection, and a job whose
/// worker stopped is taken up again.
@Suite("Import jobs")
struct ImportJobTests {
    @Test func aLargeFileShowsItsProgressWhileOtherRequestsAreServed() async throws {
        try await withApp { client, db in
            let file = GeneratedFiles.firmsCSV(count: 30_000)
            let r = try await client.upload("kind=firms&fileName=large.csv", file)
            #expect(r.status == .accepted, "\(r.text)")
            let location = try #require(r.headers[.location])
            var phases = Set<String>()
            var finished: [String: Any] = [:]
            for _ in 0..<1200 {
                // The job holds no request's connection: other requests are answered while it runs.
                let other = try await client.send(.get, "/banks")
                #expect(other.status == .ok)
                let report = try await client.send(.get, location)
                if let phase = (report.json["progress"] as? [String: Any])?["phase"] as? String { phases.insert(phase) }
                if let status = report.json["status"] as? String, status != "queued" && status != "running" {
                    finished = report.json
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(finished["status"] as? String == "succeeded", "\(finished)")
            #expect(finished["inserted"] as? Int == 30_000)
            #expect((finished["progress"] as? [String: Any])?["done"] as? Int == 30_000)
            #expect(phases.contains("finished"))
            #expect(phases.count >= 2, "\(phases)")
            #expect(try await count("firms", db) == 30_000)
        }
    }

    @Test func aJobWhoseWorkerStoppedIsClaimedAgainAndOneTriedTooOftenFails() async throws {
        try await withApp { client, db in
            let file = try ImportAPITests.fixture("firms_zh_utf8.csv")
            let first = try await client.awaitImport(try #require(try await client.upload("kind=firms", file).headers[.location]))
            let id = try #require(first["id"] as? Int)
            // As if its instance died mid-load: running, no heartbeat for ten minutes, the upload still there.
            let hex = file.map { String(format: "%02x", $0) }.joined()
            let ledger = LedgerFixture(client: db)
            try await ledger.sql("""
                UPDATE import_jobs SET status = 'running', finished_at = NULL, heartbeat_at = now() - interval '10 minutes',
                       file = '\\x\(hex)'::bytea WHERE id = \(id) RETURNING id
                """)
            let tooOften = try await ledger.sql("""
                INSERT INTO import_jobs (kind, status, dry_run, skip_invalid, file_name, format, file, file_bytes, file_sha256, actor,
                                         heartbeat_at, attempts)
                VALUES ('firms', 'running', false, false, 'x.csv', 'csv', '\\x41'::bytea, 1, sha256(''::bytea), 'test',
                        now() - interval '10 minutes', \(ImportJobRunner.maxAttempts))
                RETURNING id
                """)[0]
            // A new upload wakes the worker, which takes the waiting jobs in order.
            let next = try await client.awaitImport(try #require(try await client.upload("kind=firms", file).headers[.location]))
            #expect(next["status"] as? String == "succeeded")
            let again = try await client.awaitImport("/imports/\(id)")
            #expect(again["status"] as? String == "succeeded", "\(again)")
            #expect(again["unchanged"] as? Int == 3)
            let failed = try await client.awaitImport("/imports/\(tooOften)")
            #expect(failed["status"] as? String == "failed", "\(failed)")
            #expect((failed["error"] as? [String: Any])?["code"] as? String == "job_abandoned")
            #expect(try await count("firms", db) == 3)
            #expect(try await count("import_jobs WHERE file IS NOT NULL", db) == 0)
        }
    }
}
