import Foundation
import OpenAPIRuntime
import Hummingbird
import HTTPTypes

/// The chrome around every console page: title, navigation for what the role may use, the person,
/// the language switch and sign-out.
enum ConsoleLayout {
    struct NavItem { let path: String; let operation: String?; let zh: String; let en: String }

    static let nav: [NavItem] = [
        .init(path: "/console", operation: nil, zh: "首页", en: "Home"),
        .init(path: "/console/firms", operation: "listFirms", zh: "企业", en: "Firms"),
        .init(path: "/console/candidates", operation: "listCandidates", zh: "候选企业", en: "Candidates"),
        .init(path: "/console/applications", operation: "listApplications", zh: "融资申请", en: "Applications"),
        .init(path: "/console/loans", operation: "listLoans", zh: "贷款", en: "Loans"),
        .init(path: "/console/progress", operation: "getProgressReport", zh: "目标进度", en: "Progress"),
        .init(path: "/console/monthly", operation: "getMonthlyReport", zh: "月度报表", en: "Monthly report"),
        .init(path: "/console/cost", operation: "getCostReport", zh: "财政成本", en: "Programme cost"),
        .init(path: "/console/imports", operation: "createImport", zh: "导入数据", en: "Import"),
        .init(path: "/console/users", operation: "listUsers", zh: "用户", en: "Users"),
        .init(path: "/console/tokens", operation: "listTokens", zh: "API 令牌", en: "API tokens"),
    ]

    static func page(_ r: ConsoleRequest, title: String, _ body: HTML) -> HTML {
        let items: [HTML] = nav.filter { $0.operation.map(r.may) ?? true }.map { item in
            let current = r.path == item.path || (item.path != "/console" && r.path.hasPrefix(item.path + "/"))
            return "<li><a href=\"\(item.path)\"\(current ? HTML(raw: " aria-current=\"page\"") : .empty)>\(r.t(item.zh, item.en))</a></li>"
        }
        let other: Lang = r.lang == .zh ? .en : .zh
        let who: HTML = r.principal.map { p in
            """
            <div class="who"><span>\(r.displayName ?? p.actor) · \(r.t(p.role.zh, p.role.rawValue))</span>
            <form method="post" action="/console/logout">\(r.formGuard)<button type="submit" class="link">\(r.t("退出登录", "Sign out"))</button></form></div>
            """
        } ?? .empty
        return """
        <!doctype html>
        <html lang="\(r.lang.code)"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · \(r.t("涪知贷工作台", "PledgeMatch console"))</title>
        <link rel="icon" href="data:,"><link rel="stylesheet" href="/console/static/console.css"></head>
        <body><a class="skip" href="#main">\(r.t("跳到正文", "Skip to content"))</a>
        <header class="top"><a class="brand" href="/console">\(r.t("涪知贷 · 知识产权质押融资工作台", "PledgeMatch · IP-pledge finance console"))</a>
        \(who)
        <a class="lang" lang="\(other.code)" href="/console/lang?to=\(other.rawValue)&amp;back=\(r.path)">\(other == .en ? "English" : "中文")</a></header>
        \(r.principal == nil ? HTML.empty : HTML("<nav aria-label=\"\(r.t("主导航", "Main"))\"><ul>\(items)</ul></nav>"))
        <main id="main"><h1>\(title)</h1>
        \(body)
        </main></body></html>
        """
    }

    static func response(_ html: HTML, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html.markup)))
    }

    /// A file the API produced (an export, a refused-rows file), passed on to the browser as it is.
    static func download(_ body: HTTPBody, type: String, disposition: String?, limit: Int = 64 << 20) async throws -> Response {
        let bytes = try await [UInt8](collecting: body, upTo: limit)
        var headers: HTTPFields = [.contentType: type]
        if let disposition { headers[.contentDisposition] = disposition }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.location: location]
        headers.append(contentsOf: extra)
        return Response(status: .seeOther, headers: headers)
    }

    /// A problem shown to a person: the message in their language and, where it names one, the field.
    static func problemBox(_ r: ConsoleRequest, _ message: String) -> HTML {
        "<div class=\"problem\" role=\"alert\">\(message)</div>"
    }

    /// A table of rows; an empty list says so instead of showing an empty grid.
    static func table(_ r: ConsoleRequest, caption: String, headers: [String], rows: [[HTML]], numeric: Set<Int> = []) -> HTML {
        guard !rows.isEmpty else { return "<p class=\"empty\">\(r.t("没有记录", "Nothing to show"))</p>" }
        let head: [HTML] = headers.enumerated().map { i, h in "<th scope=\"col\"\(numeric.contains(i) ? HTML(raw: " class=\"num\"") : .empty)>\(h)</th>" }
        let body: [HTML] = rows.map { row in
            let cells: [HTML] = row.enumerated().map { i, c in "<td\(numeric.contains(i) ? HTML(raw: " class=\"num\"") : .empty)>\(c)</td>" }
            return "<tr>\(cells)</tr>"
        }
        return "<div class=\"scroll\"><table><caption>\(caption)</caption><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table></div>"
    }
}
