import Foundation
import Hummingbird
import OpenAPIRuntime
import PledgeAPI
import HTTPTypes
import PledgeCore

/// The console's door to imports: the same upload, checks and job as POST /imports, and its report.
struct ConsoleImportPages: Sendable {
    let service: PledgeService

    func register(_ console: ConsoleRoutes, on router: Router<AppRequestContext>) {
        router.get("/console/imports", use: console.page("createImport") { _, _, r in form(r, problem: nil) })
        router.post("/console/imports", use: console.page("createImport") { request, _, r in try await upload(request, r) })
        router.get("/console/imports/{id}", use: console.page("getImport") { _, context, r in try await report(try ConsoleFirmPages.id(context), r) })
        router.get("/console/imports/{id}/rejects", use: console.page("getImportRejects") { _, context, r in
            let ok = try await service.getImportRejects(.init(path: .init(importId: try ConsoleFirmPages.id(context)))).ok
            let (body, type): (HTTPBody, String) = switch ok.body {
            case .csv(let b): (b, "text/csv; charset=utf-8")
            case .applicationVnd_openxmlformatsOfficedocument_spreadsheetml_sheet(let b): (b, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            }
            return try await ConsoleLayout.download(body, type: type, disposition: ok.headers.contentDisposition,
                                                    limit: AppConfiguration.maxImportBytes * 2)
        })
    }

    static let kinds: [(String, String, String)] = [("firms", "企业", "Firms"), ("assets", "知识产权", "IP assets"), ("valuations", "评估结果", "Valuations"),
                                                    ("licences", "地理标志许可", "GI licences"), ("loans", "历史贷款", "Historical loans")]

    func form(_ r: ConsoleRequest, problem: String?) -> Response {
        let kinds: [HTML] = Self.kinds.map { "<option value=\"\($0.0)\">\(r.t($0.1, $0.2))</option>" }
        let body: HTML = """
        \(problem.map { ConsoleLayout.problemBox(r, $0) })
        <p>\(r.t("支持 .xlsx 与 CSV（UTF-8、带 BOM 的 UTF-8、GB18030），表头可用中文或英文，列的顺序不限；文件不超过 32 MiB。", "Upload .xlsx or CSV (UTF-8, UTF-8 with BOM, GB18030) with Chinese or English headers in any order; at most 32 MiB."))</p>
        <form class="stack" method="post" action="/console/imports" enctype="multipart/form-data">\(r.formGuard)
        <div class="field"><label for="kind">\(r.t("导入内容", "What to import"))</label><select id="kind" name="kind">\(kinds)</select></div>
        <div class="field"><label for="file">\(r.t("文件", "File"))</label><input id="file" name="file" type="file" required accept=".xlsx,.csv,text/csv"></div>
        <div class="field"><input id="dryRun" name="dryRun" type="checkbox" value="true"> <label for="dryRun" class="inline">\(r.t("只检查，不写入", "Check only, write nothing"))</label></div>
        <div class="field"><input id="skipInvalid" name="skipInvalid" type="checkbox" value="true"> <label for="skipInvalid" class="inline">\(r.t("跳过有误的行（导入其余行，有误的行可下载改正后再导入）", "Skip rows with problems (load the rest; download the refused rows to correct them)"))</label></div>
        <button type="submit">\(r.t("上传并导入", "Upload and import"))</button></form>
        """
        return ConsoleLayout.response(ConsoleLayout.page(r, title: r.t("导入数据", "Import records"), body))
    }

    func upload(_ request: Request, _ r: ConsoleRequest) async throws -> Response {
        guard let upload = try await ConsoleMultipart(request, maxBytes: AppConfiguration.maxImportBytes) else {
            return form(r, problem: r.t("请用本页的表单上传文件", "Upload the file with this page's form"))
        }
        guard let secret = ConsoleSession.secret(request), ConsoleSession.csrfMatches(upload.fields["_csrf"], secret: secret) else {
            return ConsoleRoutes.problemPage(r, ConsoleRoutes.formExpired, context: nil, error: nil)
        }
        let kind = upload.fields["kind"].flatMap(Components.Schemas.ImportKind.init(rawValue:))
        do {
            let job = try await service.createImport(.init(
                query: .init(kind: kind, dryRun: upload.fields["dryRun"] == "true", skipInvalid: upload.fields["skipInvalid"] == "true",
                             fileName: upload.fileName),
                body: .binary(HTTPBody(upload.file)))).accepted.body.json
            return ConsoleLayout.redirect("/console/imports/\(job.id)")
        } catch {
            let problems = try ConsoleFormReader.problems(refusing: error)
            return form(r, problem: problems.map { r.t($0.zh, $0.en) }.joined(separator: "；"))
        }
    }

    func report(_ id: Int64, _ r: ConsoleRequest) async throws -> Response {
        let job = try await service.getImport(.init(path: .init(importId: id), query: .init(limit: 200))).ok.body.json
        let facts: [(String, String)] = [
            (r.t("文件", "File"), job.fileName), (r.t("状态", "Status"), job.status.rawValue),
            (r.t("进度", "Progress"), "\(job.progress.phase.rawValue) \(job.progress.done)/\(job.progress.total)"),
            (r.t("结果", "Outcome"), r.t(job.messageZh, job.messageEn)),
            (r.t("行数", "Rows"), "\(job.rows.map(String.init) ?? "—")"),
            (r.t("新增 / 更新 / 未变", "Inserted / updated / unchanged"), "\(job.inserted ?? 0) / \(job.updated ?? 0) / \(job.unchanged ?? 0)"),
            (r.t("有误的行", "Refused rows"), "\(job.refused ?? 0)"),
        ]
        let dl: [HTML] = facts.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }
        let rows: [[HTML]] = job.issues.map { i in
            ["\(i.sheet)", "\(i.line.map(String.init) ?? "—")", "\(i.column ?? i.header ?? "—")", "\(i.value)", "\(r.t(i.messageZh, i.messageEn))"]
        }
        let running = job.status == .queued || job.status == .running
        let rejects: HTML = job.rejectsUrl != nil && r.may("getImportRejects")
            ? "<p><a class=\"button\" href=\"/console/imports/\(id)/rejects\">\(r.t("下载有误的行（改正后可再导入）", "Download the refused rows (correct and import again)"))</a></p>" : .empty
        let refresh: HTML = running ? "<p><a class=\"button\" href=\"/console/imports/\(id)\">\(r.t("刷新进度", "Refresh"))</a></p>" : .empty
        let table = ConsoleLayout.table(r, caption: "\(r.t("问题", "Problems"))（\(job.issueCount)）",
                                        headers: [r.t("工作表", "Sheet"), r.t("行", "Line"), r.t("列", "Column"), r.t("值", "Value"), r.t("原因", "Reason")], rows: rows)
        return ConsoleLayout.response(ConsoleLayout.page(r, title: "\(r.t("导入", "Import")) #\(id)", "<dl class=\"facts\">\(dl)</dl>\(refresh)\(rejects)" + table))
    }
}
