import Foundation
import Hummingbird
import HummingbirdTesting
import PledgeCore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeServer

/// The API door of the import (POST /imports, GET /imports/{id}, the rejects file): the same load as
/// the CLI, run as a job, polled; and the hostile uploads a door meets.
@Suite("Imports through the API")
struct ImportAPITests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/import/\(name)")
        return [UInt8](try Data(contentsOf: url))
    }

    @Test func csvUploadRunsAsAJobAndTheSameFileTwiceChangesNothing() async throws {
        try await withApp { client, db in
            let file = try Self.fixture("firms_zh_utf8.csv")
            let r = try await client.upload("kind=firms&fileName=%E4%BC%81%E4%B8%9A.csv", file)
            #expect(r.status == .accepted, "\(r.text)")
            let location = try #require(r.headers[.location])
            #expect(r.json["status"] as? String == "queued")
            #expect(r.json["fileName"] as? String == "企业.csv")
            let done = try await client.awaitImport(location)
            #expect(done["status"] as? String == "succeeded", "\(done)")
            #expect(done["inserted"] as? Int == 3)
            #expect(done["written"] as? Bool == true)
            #expect(done["encoding"] as? String == "UTF-8")
            #expect((done["messageZh"] as? String)?.hasPrefix("已写入") == true)
            #expect(try await count("firms", db) == 3)
            // The audit trail names the caller of the upload and the request.
            #expect(try await count("audit_log WHERE action = 'import' AND entity = 'import'", db) == 1)

            let again = try await client.awaitImport(try #require(try await client.upload("kind=firms", file).headers[.location]))
            #expect(again["status"] as? String == "succeeded")
            #expect(again["inserted"] as? Int == 0)
            #expect(again["updated"] as? Int == 0)
            #expect(again["unchanged"] as? Int == 3)
            #expect((again["messageZh"] as? String)?.hasPrefix("没有变化") == true)
            #expect(try await count("firms", db) == 3)
        }
    }

    @Test func multipartXLSXWithOptionsInThePartsAndADryRun() async throws {
        try await withApp { client, db in
            let file = try Self.fixture("firms_libreoffice.xlsx")
            let body = multipart([("kind", nil, "firms"), ("dryRun", nil, "true")], file: ("file", "企业名录.xlsx", file))
            let r = try await client.upload("", body.bytes, contentType: "multipart/form-data; boundary=\(body.boundary)")
            #expect(r.status == .accepted, "\(r.text)")
            let done = try await client.awaitImport(try #require(r.headers[.location]))
            #expect(done["status"] as? String == "succeeded", "\(done)")
            #expect(done["dryRun"] as? Bool == true)
            #expect(done["written"] as? Bool == false)
            #expect(done["format"] as? String == "xlsx")
            #expect(done["fileName"] as? String == "企业名录.xlsx")
            #expect((done["inserted"] as? Int ?? 0) > 0)
            #expect(try await count("firms", db) == 0)
            // An option in the query and another value in a part: refused, naming it.
            let clash = multipart([("kind", nil, "assets")], file: ("file", "a.xlsx", file))
            let c = try await client.upload("kind=firms", clash.bytes, contentType: "multipart/form-data; boundary=\(clash.boundary)")
            #expect(c.status == .unprocessableContent)
            #expect(c.json["field"] as? String == "kind")
            // A form without its file.
            let none = multipart([("kind", nil, "firms")], file: nil)
            let n = try await client.upload("", none.bytes, contentType: "multipart/form-data; boundary=\(none.boundary)")
            #expect(n.status == .unprocessableContent)
            #expect(n.json["field"] as? String == "file")
        }
    }

    @Test func badRowsRefuseTheFileAndSkipInvalidKeepsARejectsFile() async throws {
        try await withApp { client, db in
            let file = try Self.fixture("firms_bad.csv")
            let refused = try await client.awaitImport(try #require(try await client.upload("kind=firms", file).headers[.location]))
            #expect(refused["status"] as? String == "refused", "\(refused)")
            #expect(refused["written"] as? Bool == false)
            #expect(try await count("firms", db) == 0)
            let issues = try #require(refused["issues"] as? [[String: Any]])
            #expect(issues.count == refused["issueCount"] as? Int)
            #expect(!issues.isEmpty)
            // Every problem has its line, and a row's problem its column, value and both languages.
            #expect(issues.allSatisfy { $0["line"] is Int && ($0["messageZh"] as? String)?.isEmpty == false && $0["messageEn"] is String })
            #expect(issues.contains { $0["column"] as? String == "F" && $0["value"] as? String == "2025-13-01" })
            // The problems page by cursor.
            let id = try #require(refused["id"] as? Int)
            let first = try await client.send(.get, "/imports/\(id)?limit=1")
            #expect((first.json["issues"] as? [Any])?.count == 1)
            let cursor = try #require(first.json["nextCursor"] as? String)
            let second = try await client.send(.get, "/imports/\(id)?limit=1&cursor=\(cursor)")
            #expect((second.json["issues"] as? [[String: Any]])?.first?["line"] as? Int != nil)
            // The refused rows, with their reasons, are there to correct even when nothing was loaded (as the CLI writes them).
            #expect(try await client.send(.get, "/imports/\(id)/rejects").status == .ok)

            let skipped = try await client.awaitImport(try #require(try await client.upload("kind=firms&skipInvalid=true", file).headers[.location]))
            #expect(skipped["status"] as? String == "succeeded", "\(skipped)")
            let loaded = try #require(skipped["inserted"] as? Int)
            #expect(loaded > 0)
            #expect((skipped["refused"] as? Int ?? 0) > 0)
            #expect(try await count("firms", db) == loaded)
            let rejectsUrl = try #require(skipped["rejectsUrl"] as? String)
            let rejects = try await client.send(.get, rejectsUrl)
            #expect(rejects.status == .ok)
            #expect(rejects.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(rejects.headers[.contentDisposition]?.contains("rejects.csv") == true)
            #expect(rejects.text.contains("错误原因 Reasons"))
            // The rejects file imports again (its reasons column ignored): still refused, nothing new written.
            let redo = try await client.awaitImport(try #require(try await client.upload("kind=firms", Array(rejects.body.readableBytesView)).headers[.location]))
            #expect(redo["status"] as? String == "refused")
            #expect((redo["ignoredHeaders"] as? [String] ?? []).isEmpty)
            #expect(try await count("firms", db) == loaded)
        }
    }

    @Test func onlyStaffMayImportAndARefusalWritesNothing() async throws {
        try await withApp { client, db in
            let bank = try await client.send(.post, "/banks", json: #"{"code":"IMPORT_B","name":"导入测试银行"}"#)
            let bankId = try #require((bank.json["id"] as? NSNumber)?.int64Value)
            let file = try Self.fixture("firms_zh_utf8.csv")
            for user in [TestUser.bankOfficer(bankId), .analyst] {
                let r = try await client.upload("kind=firms", file, as: user)
                #expect(r.status == .forbidden, "\(user): \(r.text)")
                #expect(r.json["code"] as? String == "forbidden")
            }
            #expect(try await client.upload("kind=firms", file, as: .anonymous).status == .unauthorized)
            #expect(try await count("import_jobs", db) == 0)
            #expect(try await count("firms", db) == 0)
            let admin = try await client.upload("kind=firms", file, as: .administrator)
            #expect(admin.status == .accepted)
            let id = try #require(admin.json["id"] as? Int)
            _ = try await client.awaitImport("/imports/\(id)")
            for user in [TestUser.bankOfficer(bankId), .analyst] {
                #expect(try await client.send(.get, "/imports/\(id)", as: user).status == .forbidden)
                #expect(try await client.send(.get, "/imports/\(id)/rejects", as: user).status == .forbidden)
            }
            #expect(try await client.send(.get, "/imports/999999").status == .notFound)
            let clean = try await client.awaitImport("/imports/\(id)")
            #expect(clean["rejectsUrl"] == nil)
            #expect(try await client.send(.get, "/imports/\(id)/rejects").status == .notFound)
        }
    }

    @Test func hostileUploadsAreRefusedNamingTheirField() async throws {
        try await withApp { client, db in
            func expect(_ r: TestResponse, _ status: HTTPResponse.Status, code: String, field: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
                #expect(r.status == status, "\(r.text)", sourceLocation: sourceLocation)
                #expect(r.json["code"] as? String == code, "\(r.text)", sourceLocation: sourceLocation)
                #expect(r.json["field"] as? String == field, sourceLocation: sourceLocation)
                #expect((r.json["messageZh"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
                #expect(r.headers[.contentType]?.hasPrefix("application/problem+json") == true, sourceLocation: sourceLocation)
            }
            let good = try Self.fixture("firms_zh_utf8.csv")
            expect(try await client.upload("kind=firms", []), .unprocessableContent, code: "file_empty", field: "file")
            expect(try await client.upload("", good), .unprocessableContent, code: "kind_required", field: "kind")
            expect(try await client.upload("kind=people", good), .badRequest, code: "invalid_parameter", field: "kind")
            // UTF-16 (what "Unicode text" in Excel writes), and bytes that are no text at all.
            var utf16: [UInt8] = [0xFF, 0xFE]
            for u in String(decoding: good, as: UTF8.self).utf16 { utf16 += [UInt8(u & 0xFF), UInt8(u >> 8)] }
            expect(try await client.upload("kind=firms", utf16), .unprocessableContent, code: "unreadable_file", field: "file")
            expect(try await client.upload("kind=firms", [0x81, 0x30, 0xFF, 0xFF, 0x20]), .unprocessableContent, code: "unreadable_file", field: "file")
            // A zip that is no workbook, and a workbook's missing sheet.
            expect(try await client.upload("kind=firms", [0x50, 0x4B, 0x03, 0x04, 1, 2, 3]), .unprocessableContent, code: "unreadable_file", field: "file")
            let xlsx = try Self.fixture("firms_libreoffice.xlsx")
            expect(try await client.upload("kind=firms&sheet=2099", xlsx, contentType: "application/octet-stream"),
                   .unprocessableContent, code: "unknown_sheet", field: "sheet")
            // A file whose header stops it: a required column missing, no header at all, an amount without its unit.
            expect(try await client.upload("kind=firms", Array("统一社会信用代码,企业名称\n91500102MA5U000012,甲\n".utf8)),
                   .unprocessableContent, code: "column_missing", field: "file")
            expect(try await client.upload("kind=firms", Array("a,b,c\n1,2,3\n".utf8)), .unprocessableContent, code: "no_header", field: "file")
            let unitless = "统一社会信用代码,企业名称,所属行业,所在园区/镇街,企业规模,成立日期,年营业收入\n"
            let r = try await client.upload("kind=firms", Array(unitless.utf8))
            expect(r, .unprocessableContent, code: "amount_unit_missing", field: "file")
            #expect((r.json["messageZh"] as? String)?.contains("G 列") == true)
            // A multipart body that is not one, and a multipart part named as a path.
            let garbage = try await client.upload("kind=firms", Array("garbage without a boundary".utf8), contentType: "multipart/form-data; boundary=xyz")
            expect(garbage, .badRequest, code: "malformed_multipart", field: "body")
            let pathName = multipart([("kind", nil, "firms")], file: ("file", "../../etc/企业.csv", good))
            let named = try await client.upload("", pathName.bytes, contentType: "multipart/form-data; boundary=\(pathName.boundary)")
            #expect(named.status == .accepted, "\(named.text)")
            #expect(named.json["fileName"] as? String == "企业.csv")
            _ = try await client.awaitImport(try #require(named.headers[.location]))
            // JSON is not a file.
            let json = try await client.send(.post, "/imports?kind=firms", json: "{}")
            #expect(json.status == .unsupportedMediaType, "\(json.text)")
            #expect(json.json["field"] as? String == "Content-Type")
            #expect((json.json["messageZh"] as? String)?.contains("multipart/form-data") == true)
            // Over the limit: 413 naming the file, nothing stored.
            let huge = [UInt8](repeating: 0x41, count: AppConfiguration.maxImportBytes + 1)
            expect(try await client.upload("kind=firms", huge), .contentTooLarge, code: "file_too_large", field: "file")
            #expect(try await count("import_jobs", db) == 1)  // the one accepted above
            #expect(try await count("firms", db) == 3)
        }
    }

    @Test func twoUploadsOfTheSameFileAtOnceLoadItOnce() async throws {
        try await withApp { client, db in
            let file = try Self.fixture("firms_zh_utf8.csv")
            _ = try await TestUsers.current?.authorization(.operations)  // the test user exists before the race
            async let a = client.upload("kind=firms", file)
            async let b = client.upload("kind=firms", file)
            let (ra, rb) = try await (a, b)
            #expect(ra.status == .accepted && rb.status == .accepted, "\(ra.text) \(rb.text)")
            let ja = try await client.awaitImport(try #require(ra.headers[.location]))
            let jb = try await client.awaitImport(try #require(rb.headers[.location]))
            #expect(ja["status"] as? String == "succeeded" && jb["status"] as? String == "succeeded", "\(ja) \(jb)")
            // One of them loaded the rows, the other found them there.
            #expect(Set([ja["inserted"] as? Int, jb["inserted"] as? Int]) == [3, 0])
            #expect(try await count("firms", db) == 3)

            // The same Idempotency-Key twice at once: one job, the other answer a replay of it or 409.
            let key = UUID().uuidString
            async let c = client.upload("kind=firms", file, key: key)
            async let d = client.upload("kind=firms", file, key: key)
            let (rc, rd) = try await (c, d)
            let statuses = [rc.status.code, rd.status.code].sorted()
            #expect(statuses == [202, 202] || statuses == [202, 409], "\(statuses)")
            if statuses == [202, 202] { #expect(rc.json["id"] as? Int == rd.json["id"] as? Int) }
            // Every job this test started has finished before its database goes away.
            for r in [rc, rd] where r.status == .accepted { _ = try await client.awaitImport(try #require(r.headers[.location])) }
            #expect(try await count("import_jobs", db) == 3)
            // A later retry with the key gets the first answer back, byte for byte.
            let replay = try await client.upload("kind=firms", file, key: key)
            #expect(replay.status == .accepted)
            #expect(replay.headers[.init("Idempotent-Replayed")!] == "true")
            #expect(try await count("import_jobs", db) == 3)
        }
    }
}

extension TestClientProtocol {
    /// POST /imports with `bytes` as the body, as `user`, with an Idempotency-Key only when given.
    func upload(_ query: String, _ bytes: [UInt8], contentType: String = "text/csv", as user: TestUser = .operations,
                key: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: contentType]
        if let value = try await TestUsers.current?.authorization(user) { headers[.authorization] = value }
        if let key { headers[WriteTransaction.keyHeader] = key }
        return try await execute(uri: "/imports" + (query.isEmpty ? "" : "?\(query)"), method: .post, headers: headers,
                                 body: ByteBuffer(bytes: bytes))
    }

    /// Polls an import's report until its job has finished (at most a minute).
    func awaitImport(_ location: String) async throws -> [String: Any] {
        for _ in 0..<600 {
            let r = try await send(.get, location)
            guard r.status == .ok else { Issue.record("\(location): \(r.status) \(r.text)"); return [:] }
            if let status = r.json["status"] as? String, status != "queued" && status != "running" { return r.json }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("\(location) did not finish")
        return [:]
    }
}

/// A multipart/form-data body: text fields, then the file part (if any).
func multipart(_ fields: [(name: String, fileName: String?, value: String)], file: (name: String, fileName: String, bytes: [UInt8])?)
    -> (boundary: String, bytes: [UInt8]) {
    let boundary = "pledgematch-\(UUID().uuidString)"
    var out: [UInt8] = []
    for f in fields {
        out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(f.name)\"\r\n\r\n\(f.value)\r\n".utf8)
    }
    if let file {
        out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.fileName)\"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".utf8)
        out += file.bytes
        out += Array("\r\n".utf8)
    }
    out += Array("--\(boundary)--\r\n".utf8)
    return (boundary, out)
}
