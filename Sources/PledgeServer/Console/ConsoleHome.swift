import Foundation
import Hummingbird
import PledgeAPI
import PledgeCore

/// The first page after sign-in, per role: what needs attention today.
struct ConsoleHome: Sendable {
    let service: PledgeService

    func render(_ r: ConsoleRequest) async throws -> Response {
        var parts: [HTML] = []
        if r.may("getProgressReport") { parts.append(try await targets(r)) }
        if r.principal?.role == .bankOfficer, r.may("listProducts") { parts.append(try await products(r)) }
        if r.may("listApplications") { parts.append(try await applications(r)) }
        if r.may("listAlerts") { parts.append(try await alerts(r)) }
        let title = r.t("工作台首页", "Home")
        return ConsoleLayout.response(ConsoleLayout.page(r, title: title, parts.joined()))
    }

    func targets(_ r: ConsoleRequest) async throws -> HTML {
        let report = try await service.getProgressReport(.init(query: .init())).ok.body.json
        let cards: [HTML] = report.targets.map { t in
            """
            <div class="card"><div class="label">\(t.name)</div>
            <div class="figure">\(ConsoleFormat.large(t.achievedFen, lang: r.lang)) / \(ConsoleFormat.large(t.targetAmountFen, lang: r.lang))</div>
            <div>\(r.t("惠及企业", "Firms financed")) \(t.achievedFirms) / \(t.targetFirmCount) · <span class="\(ConsoleReportPages.statusClass(t.status))">\(r.t(t.statusZh, t.statusEn))</span></div></div>
            """
        }
        return "<h2>\(r.t("目标进度", "Progress to the targets"))（\(r.t("截至", "as of")) \(report.asOf)）</h2><div class=\"cards\">\(cards)</div><p><a href=\"/console/progress\">\(r.t("查看进度详情与图表", "Progress details and chart"))</a></p>"
    }

    func products(_ r: ConsoleRequest) async throws -> HTML {
        let page = try await service.listProducts(.init(query: .init(bankId: r.principal?.bankId, limit: 100))).ok.body.json
        let rows: [[HTML]] = page.items.map { p in
            ["\(p.code)", "\(p.name)", "\(ConsoleFormat.yuan(p.minAmountFen))–\(ConsoleFormat.yuan(p.maxAmountFen))",
             "<a href=\"/console/candidates?product=\(p.id)\">\(r.t("候选企业", "Candidates"))</a>"]
        }
        return "<h2>\(r.t("我行产品", "My products"))</h2>" + ConsoleLayout.table(r, caption: r.t("产品", "Products"),
                                                                     headers: [r.t("代码", "Code"), r.t("名称", "Name"), r.t("额度", "Amount"), ""], rows: rows)
    }

    func applications(_ r: ConsoleRequest) async throws -> HTML {
        let page = try await service.listApplications(.init(query: .init(limit: 200))).ok.body.json
        var counts: [Components.Schemas.ApplicationState: Int] = [:]
        for a in page.items { counts[a.state, default: 0] += 1 }
        let cards: [HTML] = Components.Schemas.ApplicationState.allCases.filter { counts[$0] != nil }.map { s in
            "<div class=\"card\"><div class=\"label\">\(r.name(s, ApplicationState.self))</div><div class=\"figure\"><a href=\"/console/applications?state=\(s.rawValue)\">\(counts[s] ?? 0)</a></div></div>"
        }
        let waiting = r.principal?.role == .bankOfficer ? r.t("待审查的申请", "Applications awaiting review") : r.t("融资申请（按状态）", "Applications by state")
        return "<h2>\(waiting)</h2>" + (cards.isEmpty ? "<p class=\"empty\">\(r.t("暂无申请", "No applications yet"))</p>" : "<div class=\"cards\">\(cards)</div>")
    }

    func alerts(_ r: ConsoleRequest) async throws -> HTML {
        let list = try await service.listAlerts(.init(query: .init())).ok.body.json
        let rows: [[HTML]] = list.items.prefix(15).map { a in
            ["\(a.due)", "\(a.daysLeft)", "\(r.t(a.messageZh, a.messageEn))",
             r.may("getFirm") ? "<a href=\"/console/firms/\(a.firmId)\">\(r.t("企业", "Firm")) #\(a.firmId)</a>" : "#\(a.firmId)"]
        }
        return "<h2>\(r.t("提醒", "Alerts"))（\(list.items.count)）</h2>" + ConsoleLayout.table(
            r, caption: r.t("即将到期的估值、贷款与质押", "Valuations, loans and pledges coming due"),
            headers: [r.t("到期日", "Due"), r.t("剩余天数", "Days left"), r.t("内容", "What"), r.t("企业", "Firm")], rows: rows, numeric: [1])
    }
}
