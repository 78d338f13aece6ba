import Foundation
import Hummingbird
import PledgeAPI
import PledgeCore

/// Operations staff's pages: firms, a firm's record, its ranked matches and what-ifs.
struct ConsoleFirmPages: Sendable {
    let service: PledgeService

    func register(_ console: ConsoleRoutes, on router: Router<AppRequestContext>) {
        router.get("/console/firms", use: console.page("listFirms") { request, _, r in try await firms(request, r) })
        router.get("/console/firms/{id}", use: console.page("getFirm") { _, context, r in try await firm(try Self.id(context), r) })
        router.get("/console/firms/{id}/matches", use: console.page("listFirmMatches") { request, context, r in
            try await matches(try Self.id(context), request, r)
        })
    }

    static func id(_ context: AppRequestContext, _ name: String = "id") throws -> Int64 {
        guard let text = context.parameters.get(name), text.count <= 19, let id = Int64(text), id > 0 else {
            throw APIProblem(.notFound, code: "not_found", zh: "没有这条记录", en: "No such record", field: name)
        }
        return id
    }



    func firms(_ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let q = ConsoleQuery(request)
        let size = q.text("size").flatMap(Components.Schemas.FirmSize.init(rawValue:))
        let page = try await service.listFirms(.init(query: .init(town: q.text("town"), size: size, q: q.text("q"),
                                                                  cursor: q.text("cursor"), limit: 25))).ok.body.json
        let rows: [[HTML]] = page.items.map { f in
            ["<a href=\"/console/firms/\(f.id)\">\(f.name)</a>", "\(f.creditCode)", "\(r.t(IndustryNames.label(f.industryCode).zh, IndustryNames.label(f.industryCode).en))",
             "\(f.town)", "\(r.name(f.size, FirmSize.self))"]
        }
        let table = ConsoleLayout.table(r, caption: r.t("企业名录", "Firms"), headers: [r.t("企业名称", "Name"), r.t("统一社会信用代码", "Credit code"),
                                                                                  r.t("行业", "Industry"), r.t("乡镇街道", "Town"), r.t("规模", "Size")], rows: rows)
        let create: HTML = r.may("createFirm") ? "<div class=\"actions\"><a class=\"button\" href=\"/console/firms/new\">\(r.t("新建企业", "New firm"))</a></div>" : .empty
        let body = Self.firmFilters(q, size: size, r) + create + table + Self.firmsPager(page.nextCursor, q, r)
        return ConsoleLayout.response(ConsoleLayout.page(r, title: r.t("企业", "Firms"), body))
    }

    /// The firm list's search form, holding what was asked.
    static func firmFilters(_ q: ConsoleQuery, size: Components.Schemas.FirmSize?, _ r: ConsoleRequest) -> HTML {
        let sizes: [HTML] = [HTML("<option value=\"\">\(r.t("全部", "All"))</option>")] + Components.Schemas.FirmSize.allCases.map { s in
            "<option value=\"\(s.rawValue)\"\(size == s ? HTML(raw: " selected") : .empty)>\(r.name(s, FirmSize.self))</option>"
        }
        return """
        <form class="filters" method="get" action="/console/firms" role="search">
        <div><label for="q">\(r.t("企业名称或统一社会信用代码", "Name or credit code"))</label><input id="q" name="q" value="\(q.text("q"))" maxlength="100"></div>
        <div><label for="town">\(r.t("乡镇街道", "Town"))</label><input id="town" name="town" value="\(q.text("town"))" maxlength="50"></div>
        <div><label for="size">\(r.t("企业规模", "Size"))</label><select id="size" name="size">\(sizes)</select></div>
        <div><button type="submit">\(r.t("查询", "Search"))</button></div></form>
        """
    }

    /// The link to the next page of firms, with the same search; none on the last page.
    static func firmsPager(_ next: String?, _ q: ConsoleQuery, _ r: ConsoleRequest) -> HTML {
        guard let next else { return .empty }
        var link = "/console/firms?cursor=\(ConsoleQuery.encode(next))"
        for k in ["q", "town", "size"] { if let v = q.text(k) { link += "&\(k)=\(ConsoleQuery.encode(v))" } }
        return "<div class=\"pager\"><a href=\"\(link)\">\(r.t("下一页", "Next page")) →</a></div>"
    }

    /// A firm's page: its profile, then each section the person's role may read.
    func firm(_ id: Int64, _ r: ConsoleRequest) async throws -> Response {
        let f = try await service.getFirm(.init(path: .init(firmId: id))).ok.body.json
        var parts: [HTML] = [Self.facts(f, r), Self.actions(id, r)]
        if r.may("listAssets") { parts.append(try await assetSection(id, r)) }
        if r.may("listConsents") { parts.append(try await consentSection(id, r)) }
        if r.may("listLicences") { parts.append(try await licenceSection(id, r)) }
        if r.may("listLoans") { parts.append(try await loanSection(id, r)) }
        if r.may("listAlerts") { parts.append(try await alertSection(id, r)) }
        return ConsoleLayout.response(ConsoleLayout.page(r, title: f.name, parts.joined()))
    }

    static func facts(_ f: Components.Schemas.Firm, _ r: ConsoleRequest) -> HTML {
        let facts: [(String, String)] = [
            (r.t("统一社会信用代码", "Credit code"), f.creditCode), (r.t("行业", "Industry"), r.t(IndustryNames.label(f.industryCode).zh, IndustryNames.label(f.industryCode).en)),
            (r.t("乡镇街道", "Town"), f.town), (r.t("规模", "Size"), r.name(f.size, FirmSize.self)), (r.t("成立日期", "Founded"), f.foundedOn),
            (r.t("营业收入", "Revenue"), f.annualRevenueFen.map(ConsoleFormat.yuan) ?? "—"),
            (r.t("高新技术企业", "High-tech"), f.highTech ? r.t("是", "Yes") : r.t("否", "No")),
            (r.t("失信记录", "Bad credit"), f.badCredit ? r.t("有", "Yes") : r.t("无", "None")),
        ]
        let dl: [HTML] = facts.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }
        return "<dl class=\"facts\">\(dl)</dl>"
    }

    static func actions(_ id: Int64, _ r: ConsoleRequest) -> HTML {
        var actions: [HTML] = []
        if r.may("listFirmMatches") { actions.append("<a class=\"button\" href=\"/console/firms/\(id)/matches\">\(r.t("查看匹配的贷款产品", "Matching loan products"))</a>") }
        if r.may("updateFirm") { actions.append("<a class=\"button\" href=\"/console/firms/\(id)/edit\">\(r.t("修改企业信息", "Edit the firm"))</a>") }
        if r.may("getHistory") { actions.append("<a class=\"button\" href=\"/console/history/firm/\(id)\">\(r.t("变更记录", "Audit trail"))</a>") }
        if r.may("createAsset") { actions.append("<a class=\"button\" href=\"/console/firms/\(id)/assets/new\">\(r.t("登记知识产权", "Add an IP asset"))</a>") }
        return actions.isEmpty ? .empty : "<div class=\"actions\">\(actions)</div>"
    }

    func assetSection(_ id: Int64, _ r: ConsoleRequest) async throws -> HTML {
        let assets = try await service.listAssets(.init(query: .init(firmId: id, limit: 100))).ok.body.json
        let rows: [[HTML]] = assets.items.map { a in
            ["\(r.name(a._type, IPType.self))", "\(a.number)", "\(a.title)", "\(r.name(a.legalStatus, LegalStatus.self))", "\(a.expiryDate ?? "—")",
             "\(a.coOwners.isEmpty ? "—" : a.coOwners.map(\.name).joined(separator: "、"))",
             r.may("createValuation") ? "<a href=\"/console/assets/\(a.id)/valuations/new\">\(r.t("登记评估", "Add a valuation"))</a>" : .empty]
        }
        return "<h2>\(r.t("知识产权", "IP assets"))</h2>" + ConsoleLayout.table(
            r, caption: r.t("专利与商标", "Patents and marks"),
            headers: [r.t("类型", "Type"), r.t("号码", "Number"), r.t("名称", "Title"), r.t("法律状态", "Status"), r.t("到期日", "Expires"), r.t("共有人", "Co-owners"), r.t("评估", "Valuation")], rows: rows)
    }

    func consentSection(_ id: Int64, _ r: ConsoleRequest) async throws -> HTML {
        let consents = try await service.listConsents(.init(path: .init(firmId: id))).ok.body.json
        let rows: [[HTML]] = consents.items.map { c in
            ["\(c.grantedOn)", "\(c.bankId.map { "#\($0)" } ?? r.t("全部银行", "All banks"))", "\(c.inForce ? r.t("有效", "In force") : r.t("已撤回", "Withdrawn"))"]
        }
        let table = ConsoleLayout.table(r, caption: r.t("授权", "Consents"),
                                        headers: [r.t("授权日期", "Granted"), r.t("范围", "Scope"), r.t("状态", "State")], rows: rows)
        let form = r.may("recordConsent") ? try await consentForm(id, r) : .empty
        return "<h2>\(r.t("信息共享授权", "Consents to share"))</h2>" + table + form
    }

    func licenceSection(_ id: Int64, _ r: ConsoleRequest) async throws -> HTML {
        let licences = try await service.listLicences(.init(query: .init(firmId: id, limit: 100))).ok.body.json
        let rows: [[HTML]] = licences.items.map { l in ["\(l.licenceNumber)", "#\(l.markAssetId)", "\(l.validFrom) – \(l.validUntil)"] }
        return "<h2>\(r.t("地理标志使用许可", "GI licences"))</h2>" + ConsoleLayout.table(
            r, caption: r.t("许可", "Licences"), headers: [r.t("许可编号", "Licence number"), r.t("集体商标", "Collective mark"), r.t("有效期", "Valid")], rows: rows)
    }

    func loanSection(_ id: Int64, _ r: ConsoleRequest) async throws -> HTML {
        let loans = try await service.listLoans(.init(query: .init(firmId: id, limit: 100))).ok.body.json
        let loanTable = "<h2>\(r.t("贷款", "Loans"))</h2>" + ConsoleLifecyclePages.loanTable(loans.items, r)
        let pledges: [[HTML]] = loans.items.compactMap { l in
            l.pledge.map { p in
                ["\(p.registrationNumber ?? "—")", "\(p.registeredOn ?? "—")", "\(p.assetIds.map { "#\($0)" }.joined(separator: "、"))",
                 "\(ConsoleFormat.yuan(p.securedAmountFen))", "\(p.status == .active ? r.t("有效", "In force") : r.t("已解除", "Released"))", "<a href=\"/console/loans/\(l.id)\">#\(l.id)</a>"]
            }
        }
        return loanTable + "<h2>\(r.t("质押登记", "Pledges"))</h2>" + ConsoleLayout.table(
            r, caption: r.t("质押", "Pledges"), headers: [r.t("登记号", "Registration"), r.t("登记日期", "Registered"), r.t("质押资产", "Assets"),
                                                        r.t("担保金额", "Secured"), r.t("状态", "Status"), r.t("贷款", "Loan")], rows: pledges, numeric: [3])
    }

    func alertSection(_ id: Int64, _ r: ConsoleRequest) async throws -> HTML {
        let alerts = try await service.listAlerts(.init(query: .init())).ok.body.json.items.filter { $0.firmId == id }
        let rows: [[HTML]] = alerts.map { a in ["\(a.due)", "\(a.daysLeft)", "\(r.t(a.messageZh, a.messageEn))"] }
        return "<h2>\(r.t("提醒", "Alerts"))</h2>" + ConsoleLayout.table(
            r, caption: r.t("本企业的提醒", "This firm's alerts"), headers: [r.t("到期日", "Due"), r.t("剩余天数", "Days left"), r.t("内容", "What")], rows: rows, numeric: [1])
    }

    func consentForm(_ id: Int64, _ r: ConsoleRequest) async throws -> HTML {
        let banks = try await service.listBanks(.init(query: .init(limit: 200))).ok.body.json.items
        let options: [HTML] = [HTML("<option value=\"\">\(r.t("全部合作银行", "All partner banks"))</option>")] + banks.map { "<option value=\"\($0.id)\">\($0.name)</option>" }
        return """
        <form class="filters" method="post" action="/console/firms/\(id)/consents">\(r.formGuard)
        <div><label for="grantedOn">\(r.t("授权日期", "Granted on"))</label><input id="grantedOn" name="grantedOn" type="date" required value="\(BusinessCalendar.today().description)"></div>
        <div><label for="consentBank">\(r.t("授权银行", "Bank"))</label><select id="consentBank" name="bankId">\(options)</select></div>
        <div><label for="evidence">\(r.t("授权书编号", "Evidence"))</label><input id="evidence" name="evidence" maxlength="200"></div>
        <div><button type="submit">\(r.t("登记授权", "Record the consent"))</button></div></form>
        """
    }

    func matches(_ id: Int64, _ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let q = ConsoleQuery(request)
        let amount = q.text("amount").flatMap(ConsoleFormat.fen(fromYuan:))
        let term = q.int("term", 1...360).map(Int.init)
        let f = try await service.getFirm(.init(path: .init(firmId: id))).ok.body.json
        let list = try await service.listFirmMatches(.init(path: .init(firmId: id), query: .init(amountFen: amount, termMonths: term))).ok.body.json
        var whatIf: [Int64: Components.Schemas.WhatIfItem] = [:]
        if (amount != nil || term != nil), r.may("whatIf") {
            let result = try await service.whatIf(.init(path: .init(firmId: id), body: .json(.init(amountFen: amount, termMonths: term)))).ok.body.json
            for item in result.items { whatIf[item.productId] = item }
        }
        let form: HTML = """
        <form class="filters" method="get" action="/console/firms/\(id)/matches">
        <div><label for="amount">\(r.t("申请金额（元）", "Amount (yuan)"))</label><input id="amount" name="amount" inputmode="decimal" value="\(q.text("amount"))" maxlength="20"></div>
        <div><label for="term">\(r.t("期限（月）", "Term (months)"))</label><input id="term" name="term" type="number" min="1" max="360" value="\(q.text("term"))"></div>
        <div><button type="submit">\(r.t("试算（与当前结果对比）", "What if (compared with today)"))</button></div></form>
        """
        let products = Dictionary(try await service.listProducts(.init(query: .init(limit: 200))).ok.body.json.items.map { ($0.id, $0) }) { a, _ in a }
        let banks = Dictionary(try await service.listBanks(.init(query: .init(limit: 200))).ok.body.json.items.map { ($0.id, $0.name) }) { a, _ in a }
        let items: [HTML] = list.items.map { m in
            matchCard(m, firm: f, whatIf: whatIf[m.productId], product: products[m.productId], bank: banks[m.bankId], r)
        }
        let body: HTML = "<p>\(r.t("截至", "As of")) \(list.asOf)</p>\(form)\(items.isEmpty ? HTML("<p class=\"empty\">\(r.t("没有产品", "No products"))</p>") : items.joined())"
        return ConsoleLayout.response(ConsoleLayout.page(r, title: "\(f.name) · \(r.t("匹配结果", "Matches"))", body))
    }

    func matchCard(_ m: Components.Schemas.Match, firm: Components.Schemas.Firm, whatIf: Components.Schemas.WhatIfItem?,
                   product: Components.Schemas.Product?, bank: String?, _ r: ConsoleRequest) -> HTML {
        let gates: [HTML] = (m.firmGates + m.assets.flatMap(\.gates)).map { g in
            "<li><span class=\"\(g.passed ? "pass" : "fail")\">\(g.passed ? r.t("通过", "Pass") : r.t("未通过", "Fail"))</span> \(r.t(g.messageZh, g.messageEn))</li>"
        }
        let factors: [[HTML]] = m.score.factors.map { f in
            ["\(r.t(f.messageZh, f.messageEn))", "\(f.weight)", "\(String(format: "%.2f", f.points))"]
        }
        var compare: HTML = .empty
        if let w = whatIf {
            compare = "<p class=\"notice\">\(r.t("试算后", "What if")): \(r.t("评分", "score")) \(String(format: "%.2f", w.before.score.total)) → \(String(format: "%.2f", w.after.score.total))；\(r.t("可贷额度", "capacity")) \(ConsoleFormat.yuan(w.before.capacityFen)) → \(ConsoleFormat.yuan(w.after.capacityFen))；\(w.after.eligible ? r.t("符合条件", "eligible") : r.t("不符合条件", "not eligible"))</p>"
        }
        var apply: HTML = .empty
        if m.eligible, r.may("createApplication"), let package = m.package {
            apply = """
            <form method="post" action="/console/applications" class="actions">\(r.formGuard)
            <input type="hidden" name="firmId" value="\(firm.id)"><input type="hidden" name="productId" value="\(m.productId)">
            <input type="hidden" name="amount" value="\(ConsoleFormat.decimal(UInt64(max(0, m.amountFen)), unit: 100).replacingOccurrences(of: ",", with: ""))">
            <input type="hidden" name="termMonths" value="\(m.termMonths)"><input type="hidden" name="assetIds" value="\(package.assetIds.map(String.init).joined(separator: ","))">
            <button type="submit">\(r.t("按建议质押组合创建融资申请", "Create an application with the suggested pledge"))</button></form>
            """
        }
        return """
        <section class="card" aria-labelledby="p\(m.productId)" data-product="\(m.productId)" data-bank="\(m.bankId)"><h2 id="p\(m.productId)">\(product?.name ?? "#\(m.productId)") · \(bank ?? "") · <span class="\(m.eligible ? "pass" : "fail")">\(m.eligible ? r.t("符合条件", "Eligible") : r.t("不符合条件", "Not eligible"))</span></h2>
        <p>\(r.t(m.summaryZh, m.summaryEn))</p>
        <p>\(r.t("评分", "Score")) <strong>\(String(format: "%.2f", m.score.total))</strong> · \(r.t("可贷额度", "Capacity")) \(ConsoleFormat.yuan(m.capacityFen)) · \(r.t("申请金额", "Amount")) \(ConsoleFormat.yuan(m.amountFen)) · \(m.termMonths) \(r.t("个月", "months"))</p>
        \(compare)<details><summary>\(r.t("准入条件", "Gates"))</summary><ul>\(gates)</ul></details>
        \(ConsoleLayout.table(r, caption: r.t("评分构成", "Score factors"), headers: [r.t("因素", "Factor"), r.t("权重", "Weight"), r.t("得分", "Points")], rows: factors, numeric: [1, 2]))
        \(apply)</section>
        """
    }
}
