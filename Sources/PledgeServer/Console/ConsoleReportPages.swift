import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import PledgeAPI
import PledgeCore

/// The finance bureau's pages: progress to the targets with its chart, and the monthly table.
struct ConsoleReportPages: Sendable {
    let service: PledgeService

    func register(_ console: ConsoleRoutes, on router: Router<AppRequestContext>) {
        router.get("/console/progress", use: console.page("getProgressReport") { request, _, r in try await progress(request, r) })
        router.get("/console/monthly", use: console.page("getMonthlyReport") { request, _, r in try await monthly(request, r) })
        router.get("/console/monthly.csv", use: console.page("exportMonthlyReport") { request, _, r in try await monthlyCSV(request, r) })
        router.get("/console/cost", use: console.page("getCostReport") { request, _, r in try await cost(request, r) })
        router.get("/console/cost.csv", use: console.page("exportCostReport") { request, _, r in
            let q = monthlyQuery(request)
            let ok = try await service.exportCostReport(.init(query: .init(asOf: q.asOf, from: q.from, to: q.to))).ok
            return try await Self.csvResponse(ok.body.csv, disposition: ok.headers.contentDisposition)
        })
    }

    static func statusClass(_ s: Components.Schemas.ProgressStatus) -> String {
        switch s {
        case .achieved, .onTrack: "pass"
        case .behind, .notStarted: "warn"
        case .missed: "fail"
        }
    }

    func progress(_ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let q = ConsoleQuery(request)
        let asOf = q.text("asOf")
        let report = try await service.getProgressReport(.init(query: .init(asOf: asOf))).ok.body.json
        var parts: [HTML] = [asOfForm(r, action: "/console/progress", asOf: report.asOf)]
        for t in report.targets {
            parts.append(try await target(t, asOf: report.asOf, r))
        }
        if report.targets.isEmpty { parts.append("<p class=\"empty\">\(r.t("尚未设定目标", "No targets yet"))</p>") }
        return ConsoleLayout.response(ConsoleLayout.page(r, title: r.t("目标进度", "Progress to the targets"), parts.joined()))
    }

    func asOfForm(_ r: ConsoleRequest, action: String, asOf: String, extra: HTML = .empty) -> HTML {
        """
        <form class="filters" method="get" action="\(action)"><div><label for="asOf">\(r.t("截至日期", "As of"))</label>
        <input id="asOf" name="asOf" type="date" value="\(asOf)" min="1900-01-01" max="2200-12-31"></div>\(extra)
        <div><button type="submit">\(r.t("查看", "Show"))</button></div></form>
        """
    }

    func target(_ t: Components.Schemas.TargetProgress, asOf: String, _ r: ConsoleRequest) async throws -> HTML {
        let facts: [(String, String)] = [
            (r.t("目标金额", "Target amount"), ConsoleFormat.large(t.targetAmountFen, lang: r.lang)),
            (r.t("已完成金额", "Achieved"), "\(ConsoleFormat.yuan(t.achievedFen))（\(String(format: "%.1f%%", Double(t.amountDoneBp) / 100))）"),
            (r.t("惠及企业", "Firms financed"), "\(t.achievedFirms) / \(t.targetFirmCount)（\(r.t("其中首贷户", "first-time borrowers")) \(t.firstTimeFirms)）"),
            (r.t("剩余月数", "Months left"), "\(t.monthsLeft)"),
            (r.t("每月还需放款", "Needed per month"), ConsoleFormat.yuan(t.neededPerMonthFen)),
            (r.t("每月还需惠及企业", "Firms needed per month"), "\(t.neededFirmsPerMonth)"),
            (r.t("按当前速度预计", "Projected at the current pace"), "\(ConsoleFormat.large(t.projectedFen, lang: r.lang)) · \(t.projectedFirms) \(r.t("家", "firms"))"),
            (r.t("基准日 – 截止日", "Baseline – deadline"), "\(t.baselineDate) – \(t.deadline)"),
        ]
        let dl: [HTML] = facts.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }
        let chart = try await chart(t, asOf: asOf, r)
        return """
        <section aria-labelledby="t\(t.targetId)"><h2 id="t\(t.targetId)">\(t.name) · <span class="\(Self.statusClass(t.status))">\(r.t(t.statusZh, t.statusEn))</span></h2>
        <dl class="facts">\(dl)</dl>\(chart)</section>
        """
    }

    /// Cumulative principal by month since the baseline, the target's straight line and the projection.
    func chart(_ t: Components.Schemas.TargetProgress, asOf: String, _ r: ConsoleRequest) async throws -> HTML {
        guard let baseline = CivilDate(iso: t.baselineDate), let deadline = CivilDate(iso: t.deadline),
              let today = CivilDate(iso: asOf) else { return .empty }
        let from = YearMonth(baseline), to = YearMonth(deadline), now = min(YearMonth(today), to)
        let months = max(0, min(to.index - from.index, 600))
        guard months > 0 else { return .empty }
        var labels: [String] = []
        var m = from
        for _ in 0...months { labels.append(m.description); m = m.adding(months: 1) }
        var actual: [(x: Int, y: Int64)] = []
        if now >= from {
            let series = try await service.getMonthlyReport(.init(query: .init(asOf: asOf, from: from.description, to: now.description))).ok.body.json
            var base: Int64? = nil
            for (i, point) in series.total.months.enumerated() {
                // The cumulative figure counts from the first month of the range, whatever came before.
                if base == nil { base = point.cumulativePrincipalFen - point.newPrincipalFen }
                actual.append((i, point.cumulativePrincipalFen - (base ?? 0)))
            }
        }
        let targetLine: [(x: Int, y: Int64)] = [(0, 0), (months, t.targetAmountFen)]
        let elapsed = max(0, min(now.index - from.index, months))
        let projection: [(x: Int, y: Int64)] = elapsed < months ? [(elapsed, t.achievedFen), (months, t.projectedFen)] : []
        return ConsoleChart(title: r.t("累计放款与目标", "Cumulative principal against the target"), xLabels: labels,
                            series: [.init(label: r.t("累计放款", "Cumulative principal"), points: actual, colour: "#0b5cad"),
                                     .init(label: r.t("目标线", "Target line"), points: targetLine, colour: "#8a5a00", dashed: true),
                                     .init(label: r.t("按当前速度预计", "Projection"), points: projection, colour: "#1d6b36", dashed: true)],
                            yFormat: { [lang = r.lang] in ConsoleFormat.large($0, lang: lang) }).svg()
    }

    static let dimensions: [(Components.Schemas.ReportDimension, String, String)] = [
        (.bank, "银行", "Bank"), (.product, "产品", "Product"), (.ipType, "知识产权类型", "IP type"),
        (.industry, "行业", "Industry"), (.town, "乡镇街道", "Town"), (.size, "企业规模", "Firm size"),
    ]

    func monthlyQuery(_ request: Request) -> (asOf: String?, from: String?, to: String?, by: Components.Schemas.ReportDimension?) {
        let q = ConsoleQuery(request)
        return (q.text("asOf"), q.text("from"), q.text("to"), q.text("by").flatMap(Components.Schemas.ReportDimension.init(rawValue:)))
    }

    func monthly(_ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let q = monthlyQuery(request)
        let report = try await service.getMonthlyReport(.init(query: .init(asOf: q.asOf, from: q.from, to: q.to, by: q.by.map { [$0] }))).ok.body.json
        let options: [HTML] = [HTML("<option value=\"\">\(r.t("不分组", "None"))</option>")] + Self.dimensions.map { d in
            "<option value=\"\(d.0.rawValue)\"\(q.by == d.0 ? HTML(raw: " selected") : .empty)>\(r.t(d.1, d.2))</option>"
        }
        let extra: HTML = """
        <div><label for="from">\(r.t("起始月份", "From month"))</label><input id="from" name="from" type="month" value="\(report.from)"></div>
        <div><label for="to">\(r.t("截止月份", "To month"))</label><input id="to" name="to" type="month" value="\(report.to)"></div>
        <div><label for="by">\(r.t("分组", "Breakdown"))</label><select id="by" name="by">\(options)</select></div>
        """
        var csv = "/console/monthly.csv?asOf=\(report.asOf)&from=\(report.from)&to=\(report.to)"
        if let by = q.by { csv += "&by=\(by.rawValue)" }
        var parts: [HTML] = [asOfForm(r, action: "/console/monthly", asOf: report.asOf, extra: extra)]
        parts.append("<p class=\"print-only\">\(r.t("涪陵区知识产权质押融资月度报表", "Fuling IP-pledge finance monthly report")) · \(r.t("截至", "as of")) \(report.asOf) · \(report.from) – \(report.to)</p>")
        parts.append("<div class=\"actions no-print\">\(r.may("exportMonthlyReport") ? HTML("<a class=\"button\" href=\"\(csv)\">\(r.t("导出 CSV", "Export CSV"))</a>") : .empty)</div>")
        if let note = report.laterChanges.messageZh { parts.append("<div class=\"notice\">\(r.t(note, report.laterChanges.messageEn ?? note))</div>") }
        parts.append(monthTable(report.total, r))
        for b in report.breakdowns {
            parts.append("<h2>\(r.t(b.labelZh, b.labelEn))</h2>")
            for g in b.groups { parts.append(monthTable(g, r)) }
        }
        return ConsoleLayout.response(ConsoleLayout.page(r, title: r.t("月度报表", "Monthly report"), parts.joined()))
    }

    func monthTable(_ g: Components.Schemas.SeriesGroup, _ r: ConsoleRequest) -> HTML {
        let rows: [[HTML]] = g.months.map { m in
            ["\(m.month)", "\(m.newLoans)", "\(ConsoleFormat.yuan(m.newPrincipalFen))", "\(m.financedFirms)", "\(m.newFirms)",
             "\(ConsoleFormat.yuan(m.repaidFen))", "\(ConsoleFormat.yuan(m.defaultedFen))", "\(ConsoleFormat.yuan(m.cumulativePrincipalFen))",
             "\(ConsoleFormat.yuan(m.outstandingFen))"]
        }
        return ConsoleLayout.table(r, caption: r.t(g.labelZh, g.labelEn),
                                   headers: [r.t("月份", "Month"), r.t("新增笔数", "New loans"), r.t("新增放款（元）", "New principal (yuan)"),
                                             r.t("当月获贷企业", "Firms financed"), r.t("首贷企业", "First-time firms"), r.t("还款（元）", "Repaid (yuan)"),
                                             r.t("违约（元）", "Defaulted (yuan)"), r.t("累计放款（元）", "Cumulative (yuan)"), r.t("贷款余额（元）", "Outstanding (yuan)")],
                                   rows: rows, numeric: Set(1...8))
    }

    func monthlyCSV(_ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let q = monthlyQuery(request)
        let ok = try await service.exportMonthlyReport(.init(query: .init(asOf: q.asOf, from: q.from, to: q.to, by: q.by.map { [$0] }))).ok
        return try await Self.csvResponse(ok.body.csv, disposition: ok.headers.contentDisposition)
    }

    /// A CSV export of the API, passed on as it is.
    static func csvResponse(_ body: HTTPBody, disposition: String?) async throws -> Response {
        try await ConsoleLayout.download(body, type: "text/csv; charset=utf-8", disposition: disposition)
    }

    /// The programme's cost: interest subsidy and the risk fund's exposure, by month.
    func cost(_ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let q = monthlyQuery(request)
        let report = try await service.getCostReport(.init(query: .init(asOf: q.asOf, from: q.from, to: q.to))).ok.body.json
        let extra: HTML = """
        <div><label for="from">\(r.t("起始月份", "From month"))</label><input id="from" name="from" type="month" value="\(report.from)"></div>
        <div><label for="to">\(r.t("截止月份", "To month"))</label><input id="to" name="to" type="month" value="\(report.to)"></div>
        """
        let rows: [[HTML]] = report.months.map { m in
            ["\(m.month)", "\(ConsoleFormat.yuan(m.interestFen))", "\(ConsoleFormat.yuan(m.subsidyFen))", "\(ConsoleFormat.yuan(m.cappedFen))",
             "\(ConsoleFormat.yuan(m.cumulativeSubsidyFen))", "\(ConsoleFormat.yuan(m.defaultedFen))", "\(ConsoleFormat.yuan(m.riskFundFen))",
             "\(ConsoleFormat.yuan(m.cumulativeRiskFundFen))"]
        }
        let csv: HTML = r.may("exportCostReport") ? "<div class=\"actions no-print\"><a class=\"button\" href=\"/console/cost.csv?asOf=\(report.asOf)&from=\(report.from)&to=\(report.to)\">\(r.t("导出 CSV", "Export CSV"))</a></div>" : .empty
        let table = ConsoleLayout.table(r, caption: "\(r.t("贴息与风险补偿", "Interest subsidy and risk compensation"))（\(r.t("截至", "as of")) \(report.asOf)）",
                                        headers: [r.t("月份", "Month"), r.t("利息", "Interest"), r.t("贴息", "Subsidy"), r.t("封顶扣减", "Cut by the cap"),
                                                  r.t("累计贴息", "Subsidy to date"), r.t("违约本金", "Defaulted"), r.t("风险补偿金承担", "Risk fund share"),
                                                  r.t("累计风险补偿", "Risk fund to date")], rows: rows, numeric: Set(1...7))
        return ConsoleLayout.response(ConsoleLayout.page(r, title: r.t("财政成本", "Programme cost"),
                                                         asOfForm(r, action: "/console/cost", asOf: report.asOf, extra: extra) + csv + table))
    }
}
