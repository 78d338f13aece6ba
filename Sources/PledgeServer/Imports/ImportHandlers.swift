import Crypto
import Foundation
import OpenAPIRuntime
import PledgeAPI
import PledgeCore
import PledgeImport
import PledgeImportStore
import PledgeStore

/// POST /imports accepts a file and queues the import (ImportJobRunner runs it, as the CLI would);
/// GET /imports/{id} reports it; GET /imports/{id}/rejects gives the refused rows back.
extension PledgeService {
    var importJobs: ImportJobStore { ImportJobStore(client: client, logger: logger) }

    func createImport(_ input: Operations.CreateImport.Input) async throws -> Operations.CreateImport.Output {
        var form = ImportForm(query: input.query)
        let bytes = try await Self.fileBytes(input.body, form: &form)
        let accepted = try form.validated()
        let read = try await ImportForm.read(bytes, name: form.fileName(for: bytes), declaredXLSX: form.declaredXLSX, sheet: accepted.sheet)
        let issues = FileParser.fileIssues(read.table, kind: accepted.kind, today: today())
        if !issues.isEmpty { throw ImportForm.fileProblem(issues) }
        let job = try await queue(accepted, read: read, bytes: bytes, fileName: form.fileName(for: bytes))
        return .accepted(.init(headers: .init(location: "/imports/\(job.id)"),
                               body: .json(Self.importJob(job, issues: [], next: nil))))
    }

    /// The uploaded file, raw or as the multipart's file part, refused past the size limit.
    static func fileBytes(_ body: Operations.CreateImport.Input.Body, form: inout ImportForm) async throws -> [UInt8] {
        let limit = AppConfiguration.maxImportBytes
        switch body {
        case .multipartForm(let parts):
            do { return try await form.read(parts, limit: limit) } catch let problem as APIProblem { throw problem } catch {
                // The multipart parser's own errors: a body that is not the multipart it declares.
                throw APIProblem(.badRequest, code: "malformed_multipart",
                                 zh: "请求体不是有效的 multipart/form-data（分隔符或某部分的头有误，或只能出现一次的部分出现了多次）",
                                 en: "The body is not valid multipart/form-data (its boundary or a part's headers are wrong, or a part allowed once came twice)", field: "body")
            }
        case .csv(let body): return try await ImportForm.collect(body, limit: limit)
        case .applicationVnd_openxmlformatsOfficedocument_spreadsheetml_sheet(let body):
            form.declaredXLSX = true
            return try await ImportForm.collect(body, limit: limit)
        case .binary(let body): return try await ImportForm.collect(body, limit: limit)
        }
    }

    /// Stores the checked file as a job for ImportJobRunner, with its audit row.
    func queue(_ accepted: ImportForm.Accepted, read: SourceFile.Read, bytes: [UInt8], fileName: String) async throws -> ImportJobRecord {
        guard let principal = RequestPrincipal.current else { throw AccessProblem.unauthenticated }
        let requestId = RequestOrigin.current.requestId
        let job = try await importJobs.create(NewImportJob(
            kind: accepted.kind, dryRun: accepted.dryRun, skipInvalid: accepted.skipInvalid, sheet: read.format == .xlsx ? read.table.name : nil,
            fileName: fileName, format: read.format, encoding: read.encoding?.rawValue, file: bytes,
            sha256: Array(SHA256.hash(data: bytes)), actor: principal.actor, requestId: requestId))
        try await audit.record(action: "import", entity: "import", entityId: job.id, actor: principal.actor, requestId: requestId,
                               details: ["kind": accepted.kind.rawValue, "fileName": job.fileName, "bytes": "\(bytes.count)",
                                         "dryRun": "\(accepted.dryRun)", "skipInvalid": "\(accepted.skipInvalid)"])
        return job
    }

    func getImport(_ input: Operations.GetImport.Input) async throws -> Operations.GetImport.Output {
        let page = try Paging.request(cursor: input.query.cursor, limit: input.query.limit, includeArchived: nil)
        let job = try await importJobs.get(id: input.path.importId)
        let issues = try await importJobs.issues(id: job.id, after: page.after, limit: page.limit)
        return .ok(.init(body: .json(Self.importJob(job, issues: issues.items, next: Paging.cursor(issues.next)))))
    }

    func getImportRejects(_ input: Operations.GetImportRejects.Input) async throws -> Operations.GetImportRejects.Output {
        guard let rejects = try await importJobs.rejects(id: input.path.importId) else {
            throw APIProblem(.notFound, code: "rejects_not_found", zh: "该导入没有被拒绝的行", en: "This import refused no rows",
                             field: "importId")
        }
        let base = (rejects.fileName as NSString).deletingPathExtension
        let name = "\(base).rejects.\(rejects.format.rawValue)"
        let disposition = ContentDisposition.attachment(name)
        switch rejects.format {
        case .csv: return .ok(.init(headers: .init(contentDisposition: disposition), body: .csv(HTTPBody(rejects.bytes))))
        case .xlsx:
            return .ok(.init(headers: .init(contentDisposition: disposition),
                             body: .applicationVnd_openxmlformatsOfficedocument_spreadsheetml_sheet(HTTPBody(rejects.bytes))))
        }
    }

    static func importJob(_ j: ImportJobRecord, issues: [ImportIssue], next: String?) -> Components.Schemas.ImportJob {
        let (zh, en) = summary(j)
        let phase: Components.Schemas.ImportProgress.PhasePayload = switch j.status {
        case .queued: .queued
        case .running: Components.Schemas.ImportProgress.PhasePayload(rawValue: j.phase ?? "checking") ?? .checking
        default: .finished
        }
        return .init(
            id: j.id, kind: .init(rawValue: j.kind.rawValue)!, status: .init(rawValue: j.status.rawValue)!, dryRun: j.dryRun,
            skipInvalid: j.skipInvalid, fileName: j.fileName, format: .init(rawValue: j.format.rawValue)!, encoding: j.encoding,
            sheet: j.sheet, fileBytes: j.fileBytes, createdAt: j.createdAt.apiTimestamp, startedAt: j.startedAt?.apiTimestamp,
            finishedAt: j.finishedAt?.apiTimestamp, progress: .init(phase: phase, done: j.done, total: j.total),
            rows: j.rows, valid: j.valid, refused: j.refused, inserted: j.inserted, updated: j.updated, unchanged: j.unchanged,
            written: j.written, ignoredHeaders: j.ignoredHeaders.isEmpty ? nil : j.ignoredHeaders, issueCount: j.issueCount,
            issues: issues.map { i in
                .init(sheet: i.sheet, line: i.line, column: i.column, header: i.header, value: i.value, code: i.code,
                      messageZh: i.zh, messageEn: i.en)
            },
            nextCursor: next, rejectsUrl: j.hasRejects ? "/imports/\(j.id)/rejects" : nil, messageZh: zh, messageEn: en,
            error: j.error.map { .init(code: $0.code, messageZh: $0.zh, messageEn: $0.en) })
    }

    /// One sentence on where the job stands, in both languages.
    static func summary(_ j: ImportJobRecord) -> (String, String) {
        let refusedZh = (j.refused ?? 0) > 0 ? "；拒绝 \(j.refused ?? 0) 行，可下载被拒绝的行改正后重新导入" : ""
        let refusedEn = (j.refused ?? 0) > 0 ? "; \(j.refused ?? 0) rows refused: download them, correct them and import them again" : ""
        let (i, u, n) = (j.inserted ?? 0, j.updated ?? 0, j.unchanged ?? 0)
        switch j.status {
        case .queued: return ("已排队，等待导入", "Queued; the import starts shortly")
        case .running:
            return ("正在导入（\(j.phase ?? "checking")）：\(j.done)/\(j.total) 行", "Importing (\(j.phase ?? "checking")): \(j.done) of \(j.total) rows")
        case .failed:
            return (j.error?.zh ?? "导入失败，未写入任何数据", j.error?.en ?? "The import failed; nothing was written")
        case .refused:
            return ("未写入任何数据：发现 \(j.issueCount) 处问题，请改正后重新导入，或设置 skipInvalid 只导入有效行",
                    "Nothing written: \(j.issueCount) problems found; correct them and import again, or set skipInvalid to load the valid rows only")
        case .succeeded:
            if j.dryRun {
                return ("试运行，未写入：将新增 \(i)，将更新 \(u)，未变 \(n)\(refusedZh)",
                        "Dry run, nothing written: would insert \(i), would update \(u), \(n) unchanged\(refusedEn)")
            }
            if i == 0 && u == 0 {
                return ("没有变化：数据库中已是这些记录（\(n) 条未变）\(refusedZh)",
                        "Nothing changed: the database already holds these records (\(n) unchanged)\(refusedEn)")
            }
            return ("已写入：新增 \(i)，更新 \(u)，未变 \(n)\(refusedZh)", "Written: \(i) inserted, \(u) updated, \(n) unchanged\(refusedEn)")
        }
    }
}

/// The options and the file of an upload, from the query and, for multipart, from its parts.
struct ImportForm {
    var kind: String?
    var dryRun: Bool?
    var skipInvalid: Bool?
    var sheet: String?
    var partFileName: String?
    var queryFileName: String?
    var declaredXLSX = false

    struct Accepted {
        var kind: ImportKind
        var dryRun: Bool
        var skipInvalid: Bool
        var sheet: String?
    }

    init(query: Operations.CreateImport.Input.Query) {
        kind = query.kind?.rawValue
        dryRun = query.dryRun
        skipInvalid = query.skipInvalid
        sheet = query.sheet
        queryFileName = query.fileName
    }

    /// The parts: `file` (the one file), and the options by name. An option given both in the query
    /// and as a part must say the same.
    mutating func read(_ parts: MultipartBody<Operations.CreateImport.Input.Body.MultipartFormPayload>, limit: Int) async throws -> [UInt8] {
        var file: [UInt8]?
        for try await part in parts {
            switch part {
            case .file(let p):
                guard file == nil else { throw Self.problem("file_repeated", field: "file", zh: "只能上传一个文件（file 部分出现了多次）",
                                                            en: "Send one file only (the part file came more than once)") }
                file = try await Self.collect(p.payload.body, limit: limit)
                partFileName = p.filename
            case .kind(let p): try set(&kind, try await Self.text(p.payload.body, field: "kind"), field: "kind")
            case .dryRun(let p): try set(&dryRun, try Self.bool(try await Self.text(p.payload.body, field: "dryRun"), field: "dryRun"), field: "dryRun")
            case .skipInvalid(let p):
                try set(&skipInvalid, try Self.bool(try await Self.text(p.payload.body, field: "skipInvalid"), field: "skipInvalid"), field: "skipInvalid")
            case .sheet(let p): try set(&sheet, try await Self.text(p.payload.body, field: "sheet"), field: "sheet")
            case .undocumented(let p):
                // Read and set aside: an unknown part (a form's submit button) changes nothing.
                _ = try await Self.collect(p.body, limit: limit)
            }
        }
        guard let file else {
            throw Self.problem("file_missing", field: "file", zh: "请在名为 file 的部分上传文件", en: "Send the file in a part named file")
        }
        return file
    }

    private func set<T: Equatable>(_ slot: inout T?, _ value: T, field: String) throws {
        if let existing = slot, existing != value {
            throw Self.problem("conflicting_option", field: field, zh: "参数 \(field) 在查询串和表单中的值不一致",
                               en: "\(field) has different values in the query and in the form")
        }
        slot = value
    }

    func validated() throws -> Accepted {
        guard let text = kind else {
            throw Self.problem("kind_required", field: "kind", zh: "请说明文件内容：kind 为 firms、assets、valuations、licences 或 loans",
                               en: "Say what the file holds: kind is firms, assets, valuations, licences or loans")
        }
        guard let kind = ImportKind(rawValue: text) else {
            throw Self.problem("invalid_kind", field: "kind", zh: "kind 应为 firms、assets、valuations、licences 或 loans",
                               en: "kind must be firms, assets, valuations, licences or loans")
        }
        if let sheet, !(1...100).contains(sheet.unicodeScalars.count) || sheet.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw Self.problem("invalid_sheet", field: "sheet", zh: "工作表名称应为 1–100 个字符且不含控制字符",
                               en: "The sheet name must be 1 to 100 characters without control characters")
        }
        return Accepted(kind: kind, dryRun: dryRun ?? false, skipInvalid: skipInvalid ?? false, sheet: sheet)
    }

    /// The name shown in reports: the part's file name, else `fileName`, else upload.xlsx / upload.csv;
    /// only its last path component, without control characters, at most 200 characters.
    func fileName(for bytes: [UInt8]) -> String {
        let given = partFileName ?? queryFileName ?? ""
        let last = given.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(String.UnicodeScalarView(last.unicodeScalars.filter { $0.properties.generalCategory != .control }.prefix(200)))
            .trimmingCharacters(in: .whitespaces)
        if !clean.isEmpty { return clean }
        return declaredXLSX || bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) ? "upload.xlsx" : "upload.csv"
    }

    static func collect(_ body: HTTPBody, limit: Int) async throws -> [UInt8] {
        do { return try await [UInt8](collecting: body, upTo: limit) } catch where "\(type(of: error))" == "TooManyBytesError" {
            // The runtime's own error type is private; its name is stable.
            throw AppConfiguration.importTooLarge
        }
    }

    static func text(_ body: HTTPBody, field: String) async throws -> String {
        let bytes: [UInt8]
        do { bytes = try await collect(body, limit: 1000) } catch let problem as APIProblem where problem.code == "file_too_large" {
            throw Self.problem("invalid_option", field: field, zh: "\(field) 过长", en: "\(field) is too long")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw problem("invalid_option", field: field, zh: "\(field) 应为 UTF-8 文本", en: "\(field) must be UTF-8 text")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func bool(_ text: String, field: String) throws -> Bool {
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off", "": return false
        default: throw problem("invalid_option", field: field, zh: "\(field) 应为 true 或 false", en: "\(field) must be true or false")
        }
    }

    static func checkSheet(_ sheet: String, in data: Data) throws {
        let names = (try? XLSXReader.sheetNames(data: data)) ?? []
        if !names.isEmpty && !names.contains(sheet) {
            throw problem("unknown_sheet", field: "sheet", zh: "工作簿中没有名为「\(sheet)」的工作表（有：\(names.joined(separator: "、"))）",
                          en: "The workbook has no sheet named \"\(sheet)\" (it has: \(names.joined(separator: ", ")))")
        }
    }

    /// Opens the upload as the CLI opens a file. What cannot be read is refused here, naming the file
    /// (or the sheet), before anything is stored.
    static func read(_ bytes: [UInt8], name: String, declaredXLSX: Bool, sheet: String?) async throws -> SourceFile.Read {
        if bytes.isEmpty {
            throw problem("file_empty", field: "file", zh: "上传的文件是空的", en: "The uploaded file is empty")
        }
        let zip = bytes.starts(with: [0x50, 0x4B, 0x03, 0x04])
        let format: SourceFile.Format = zip || declaredXLSX ? .xlsx : SourceFile.format(of: URL(fileURLWithPath: name))
        if format == .csv, bytes.contains(0) {
            throw problem("unreadable_file", field: "file",
                          zh: "文件含空字节，不是 CSV 文本（可能是 UTF-16 编码或其他二进制文件）；请在 Excel 中另存为「CSV UTF-8」或 .xlsx",
                          en: "The file holds NUL bytes and is not CSV text (UTF-16, or another binary file); save it from Excel as CSV UTF-8 or .xlsx")
        }
        let data = Data(bytes)
        if format == .xlsx, let sheet { try checkSheet(sheet, in: data) }
        do {
            return try await OffThePool.run { try SourceFile.read(data: data, name: name, format: format, sheet: format == .xlsx ? sheet : nil) }
        } catch let e as XLSXReader.Failure {
            throw problem("unreadable_file", field: "file", zh: e.zh, en: e.en)
        } catch let e as TextEncoding.DecodingError {
            throw problem("unreadable_file", field: "file", zh: e.zh + "；请另存为 UTF-8 或 GB18030 编码的 CSV",
                          en: e.en + "; save the file as CSV in UTF-8 or GB18030")
        }
    }

    /// The problems that stop the whole file, each named by its column.
    static func fileProblem(_ issues: [ImportIssue]) -> APIProblem {
        let errors = issues.map { i in
            FieldError(i.code, field: "file", zh: [i.column.map { "\($0) 列" }, i.header.map { "「\($0)」" }, i.zh].compactMap { $0 }.joined(),
                       en: [i.column.map { "column \($0)" }, i.header.map { "(\($0))" }, i.en].compactMap { $0 }.joined(separator: " "))
        }
        let first = errors[0]
        return APIProblem(.unprocessableContent, code: first.code, zh: first.zh, en: first.en, field: "file", errors: errors)
    }

    static func problem(_ code: String, field: String, zh: String, en: String) -> APIProblem {
        APIProblem(.unprocessableContent, code: code, zh: zh, en: en, field: field, errors: [FieldError(code, field: field, zh: zh, en: en)])
    }
}
