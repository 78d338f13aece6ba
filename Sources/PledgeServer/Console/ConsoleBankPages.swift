import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import PledgeAPI
import PledgeCore

/// A bank officer's candidate list for its products (operations staff see every bank's), with the
/// same filters and CSV export as the API, row-level security and consent included.
struct ConsoleBankPages: Sendable {
    let service: PledgeService

    func register(_ console: ConsoleRoutes, on router: Router<AppRequestContext>) {
        router.get("/console/candidates", use: console.page("listCandidates") { request, _, r in try await candidates(request, r) })
        router.get("/console/candidates.csv", use: console.page("exportCandidates") { request, _, r in try await csv(request, r) })
    }

    struct Filters {
        var product: Int64?, industry: String?, town: String?, ipType: Components.Schemas.IPType?, minScore: Double?
        init(_ request: Request) {
            let q = ConsoleQuery(request)
            product = q.int("product", 1...Int64.max)
            industry = q.text("industry"); town = q.text("town")
            ipType = q.text("ipType").flatMap(Components.Schemas.IPType.init(rawValue:))
            minScore = q.text("minScore").flatMap { $0.count <= 6 ? Double($0) : nil }.flatMap { (0...100).contains($0) ? $0 : nil }
        }
        var query: String {
            var parts: [String] = []
            if let product { parts.append("product=\(product)") }
            if let industry { parts.append("industry=\(ConsoleQuery.encode(industry))") }
            if let town { parts.append("town=\(ConsoleQuery.encode(town))") }
            if let ipType { parts.append("ipType=\(ipType.rawValue)") }
            if let minScore { parts.append("minScore=\(minScore)") }
            return parts.joined(separator: "&")
        }
    }

    func candidates(_ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let f = Filters(request)
        let products = try await service.listProducts(.init(query: .init(bankId: r.principal?.bankId, limit: 200))).ok.body.json.items
        let form = Self.filterForm(f, products: products, r)
        guard let productId = f.product ?? products.first?.id else {
            return ConsoleLayout.response(ConsoleLayout.page(r, title: r.t("候选企业", "Candidates"), "<p class=\"empty\">\(r.t("没有可用的产品", "No products"))</p>"))
        }
        let cursor = ConsoleQuery(request).text("cursor")
        let page = try await service.listCandidates(.init(path: .init(productId: productId),
                                                          query: .init(industryCode: f.industry, town: f.town, ipType: f.ipType, minScore: f.minScore,
                                                                       cursor: cursor, limit: 50))).ok.body.json
        var filters = f
        filters.product = productId
        var links: [HTML] = []
        if r.may("exportCandidates") { links.append("<a class=\"button\" href=\"/console/candidates.csv?\(filters.query)\">\(r.t("导出 CSV", "Export CSV"))</a>") }
        if let next = page.nextCursor { links.append("<a href=\"/console/candidates?\(filters.query)&cursor=\(ConsoleQuery.encode(next))\">\(r.t("下一页", "Next page")) →</a>") }
        return ConsoleLayout.response(ConsoleLayout.page(r, title: r.t("候选企业", "Candidates"),
                                                         form + "<div class=\"actions\">\(links)</div>" + Self.candidateTable(page, r)))
    }

    static func filterForm(_ f: Filters, products: [Components.Schemas.Product], _ r: ConsoleRequest) -> HTML {
        let productOptions: [HTML] = products.map { p in
            "<option value=\"\(p.id)\"\(f.product == p.id ? HTML(raw: " selected") : .empty)>\(p.code) · \(p.name)</option>"
        }
        let industries: [HTML] = [HTML("<option value=\"\">\(r.t("全部", "All"))</option>")] + IndustryNames.labels.keys.sorted().map { code in
            "<option value=\"\(code)\"\(f.industry == code ? HTML(raw: " selected") : .empty)>\(r.t(IndustryNames.label(code).zh, IndustryNames.label(code).en))</option>"
        }
        return """
        <form class="filters" method="get" action="/console/candidates">
        <div><label for="product">\(r.t("产品", "Product"))</label><select id="product" name="product">\(productOptions)</select></div>
        <div><label for="industry">\(r.t("行业", "Industry"))</label><select id="industry" name="industry">\(industries)</select></div>
        <div><label for="town">\(r.t("乡镇街道", "Town"))</label><input id="town" name="town" value="\(f.town)" maxlength="50"></div>
        <div><label for="minScore">\(r.t("最低评分", "Minimum score"))</label><input id="minScore" name="minScore" type="number" min="0" max="100" step="0.1" value="\(f.minScore.map { String($0) })"></div>
        <div><button type="submit">\(r.t("筛选", "Filter"))</button></div></form>
        """
    }

    static func candidateTable(_ page: Components.Schemas.CandidatePage, _ r: ConsoleRequest) -> HTML {
        let rows: [[HTML]] = page.items.map { c in
            ["\(c.rank)", r.may("getFirm") ? "<a href=\"/console/firms/\(c.firmId)\">\(c.firmName)</a>" : "\(c.firmName)",
             "\(r.t(IndustryNames.label(c.industryCode).zh, IndustryNames.label(c.industryCode).en))", "\(c.town)",
             "\(String(format: "%.2f", c.score))", "\(ConsoleFormat.yuan(c.capacityFen))"]
        }
        return ConsoleLayout.table(r, caption: "\(r.t("候选企业", "Candidates"))（\(r.t("截至", "as of")) \(page.asOf)）",
                                   headers: [r.t("排名", "Rank"), r.t("企业", "Firm"), r.t("行业", "Industry"), r.t("乡镇街道", "Town"),
                                             r.t("评分", "Score"), r.t("可贷额度", "Capacity")], rows: rows, numeric: [0, 4, 5])
    }

    func csv(_ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let f = Filters(request)
        guard let productId = f.product else {
            throw APIProblem(.unprocessableContent, code: "product_required", zh: "请选择产品", en: "Choose a product", field: "product")
        }
        let ok = try await service.exportCandidates(.init(path: .init(productId: productId),
                                                          query: .init(industryCode: f.industry, town: f.town, ipType: f.ipType, minScore: f.minScore))).ok
        return try await ConsoleReportPages.csvResponse(ok.body.csv, disposition: ok.headers.contentDisposition)
    }
}
