import Foundation
import Hummingbird
import PledgeAPI
import PledgeCore

/// Applications and loans: the board by state, an application with the moves the role may make,
/// disbursement, and a loan's ledger with repayments.
struct ConsoleLifecyclePages: Sendable {
    let service: PledgeService

    func register(_ console: ConsoleRoutes, on router: Router<AppRequestContext>) {
        router.get("/console/applications", use: console.page("listApplications") { request, _, r in try await board(request, r) })
        router.post("/console/applications", use: console.form("createApplication") { request, _, r in try await create(request, r) })
        router.get("/console/applications/{id}", use: console.page("getApplication") { _, context, r in
            try await application(try ConsoleFirmPages.id(context), r)
        })
        router.post("/console/applications/{id}/transition", use: console.form("transitionApplication") { request, context, r in
            try await transition(try ConsoleFirmPages.id(context), request, r)
        })
        router.post("/console/applications/{id}/disbursement", use: console.form("disburseApplication") { request, context, r in
            try await disburse(try ConsoleFirmPages.id(context), request, r)
        })
        router.get("/console/loans", use: console.page("listLoans") { request, _, r in try await loans(request, r) })
        router.get("/console/loans/{id}", use: console.page("getLoan") { _, context, r in try await loan(try ConsoleFirmPages.id(context), r) })
        router.post("/console/loans/{id}/entries", use: console.form("addLoanEntry") { request, context, r in
            try await entry(try ConsoleFirmPages.id(context), request, r)
        })
        router.post("/console/loans/{id}/renewal", use: console.form("renewLoan") { request, context, r in
            try await renew(try ConsoleFirmPages.id(context), request, r)
        })
    }

    func board(_ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let q = ConsoleQuery(request)
        let state = q.text("state").flatMap(Components.Schemas.ApplicationState.init(rawValue:))
        let page = try await service.listApplications(.init(query: .init(state: state, cursor: q.text("cursor"), limit: 50))).ok.body.json
        let options: [HTML] = [HTML("<option value=\"\">\(r.t("全部", "All"))</option>")] + Components.Schemas.ApplicationState.allCases.map { s in
            "<option value=\"\(s.rawValue)\"\(state == s ? HTML(raw: " selected") : .empty)>\(r.name(s, ApplicationState.self))</option>"
        }
        let form: HTML = """
        <form class="filters" method="get" action="/console/applications"><div><label for="state">\(r.t("状态", "State"))</label>
        <select id="state" name="state">\(options)</select></div><div><button type="submit">\(r.t("筛选", "Filter"))</button></div></form>
        """
        let rows: [[HTML]] = page.items.map { a in
            ["<a href=\"/console/applications/\(a.id)\">#\(a.id)</a>", "\(r.name(a.state, ApplicationState.self))", "#\(a.firmId)", "#\(a.productId)",
             "\(ConsoleFormat.yuan(a.amountFen))", "\(a.termMonths)", "\(ConsoleFormat.beijing(a.updatedAt))"]
        }
        var pager: HTML = .empty
        if let next = page.nextCursor {
            pager = "<div class=\"pager\"><a href=\"/console/applications?cursor=\(ConsoleQuery.encode(next))\(state.map { "&state=" + $0.rawValue } ?? "")\">\(r.t("下一页", "Next page")) →</a></div>"
        }
        let table = ConsoleLayout.table(r, caption: r.t("融资申请", "Applications"),
                                        headers: [r.t("编号", "No."), r.t("状态", "State"), r.t("企业", "Firm"), r.t("产品", "Product"),
                                                  r.t("金额", "Amount"), r.t("期限（月）", "Term (months)"), r.t("更新时间（北京时间）", "Updated (Beijing)")],
                                        rows: rows, numeric: [4, 5])
        return ConsoleLayout.response(ConsoleLayout.page(r, title: r.t("融资申请", "Applications"), form + table + pager))
    }

    func create(_ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let form = try await ConsoleForm.read(request)
        guard let firmId = form.text("firmId").flatMap({ Int64($0) }), let productId = form.text("productId").flatMap({ Int64($0) }) else {
            throw APIProblem(.unprocessableContent, code: "invalid_reference", zh: "请从匹配结果创建申请", en: "Create the application from a match", field: "productId")
        }
        guard let amount = form.text("amount").flatMap(ConsoleFormat.fen(fromYuan:)) else {
            throw APIProblem(.unprocessableContent, code: "invalid_amount", zh: "金额须为以元计的数字", en: "The amount must be a number of yuan", field: "amountFen")
        }
        let term = form.text("termMonths").flatMap { Int($0) } ?? 12
        let assets = (form.text("assetIds") ?? "").split(separator: ",").compactMap { Int64($0) }
        let created = try await service.createApplication(.init(headers: .init(idempotencyKey: form["_key"] ?? UUID().uuidString),
                                                                body: .json(.init(firmId: firmId, productId: productId, amountFen: amount, termMonths: term,
                                                                                  assetIds: assets.isEmpty ? nil : assets, note: form.text("note"))))).created.body.json
        return ConsoleLayout.redirect("/console/applications/\(created.id)")
    }

    func application(_ id: Int64, _ r: ConsoleRequest) async throws -> Response {
        let a = try await service.getApplication(.init(path: .init(applicationId: id))).ok.body.json
        let facts: [(String, HTML)] = [
            (r.t("状态", "State"), "\(r.name(a.state, ApplicationState.self))"),
            (r.t("企业", "Firm"), r.may("getFirm") ? "<a href=\"/console/firms/\(a.firmId)\">#\(a.firmId)</a>" : "#\(a.firmId)"),
            (r.t("产品", "Product"), "#\(a.productId)"), (r.t("金额", "Amount"), "\(ConsoleFormat.yuan(a.amountFen))"),
            (r.t("期限", "Term"), "\(a.termMonths) \(r.t("个月", "months"))"),
            (r.t("质押资产", "Pledged assets"), "\(a.assetIds.map { "#\($0)" }.joined(separator: "、"))"),
            (r.t("贷款", "Loans"), "\(a.loanIds.map { "<a href=\"/console/loans/\($0)\">#\($0)</a>" }.joined(separator: " "))" as HTML),
        ]
        let dl: [HTML] = facts.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }
        let history: [[HTML]] = a.transitions.map { t in
            ["\(ConsoleFormat.beijing(t.at))", "\(t.action)", "\(t.toState)", "\(t.actor)", "\(t.reason)"]
        }
        var parts: [HTML] = ["<dl class=\"facts\">\(dl)</dl>", actions(a, r)]
        parts.append("<h2>\(r.t("流转记录", "History"))</h2>" + ConsoleLayout.table(
            r, caption: r.t("状态变更", "State changes"),
            headers: [r.t("时间（北京时间）", "When (Beijing)"), r.t("操作", "Action"), r.t("新状态", "New state"), r.t("操作人", "By"), r.t("理由", "Reason")], rows: history))
        return ConsoleLayout.response(ConsoleLayout.page(r, title: "\(r.t("融资申请", "Application")) #\(a.id)", parts.joined()))
    }

    /// The moves the transition table lets this role make from this state, each a form.
    func actions(_ a: Components.Schemas.Application, _ r: ConsoleRequest) -> HTML {
        guard let role = r.principal?.role, let state = PledgeCore.ApplicationState(rawValue: a.state.rawValue) else { return .empty }
        var forms: [HTML] = []
        let moves = Transitions.table.filter { $0.from == state && $0.roles.contains(role) }.map(\.action)
        for action in moves {
            switch action {
            case .submit, .startReview, .approve, .withdraw, .reject:
                guard r.may("transitionApplication") else { continue }
                let reason: HTML = action == .reject || action == .withdraw
                    ? "<label for=\"reason-\(action.rawValue)\">\(r.t("理由", "Reason"))</label><input id=\"reason-\(action.rawValue)\" name=\"reason\" maxlength=\"500\"\(action == .reject ? HTML(raw: " required") : .empty)>"
                    : .empty
                forms.append("""
                <form method="post" action="/console/applications/\(a.id)/transition">\(r.formGuard)
                <input type="hidden" name="version" value="\(a.version)"><input type="hidden" name="action" value="\(action.rawValue)">
                \(reason)<button type="submit"\(action == .reject || action == .withdraw ? HTML(raw: " class=\"danger\"") : .empty)>\(r.t(action.zh, action.en))</button></form>
                """)
            case .disburse:
                guard r.may("disburseApplication") else { continue }
                forms.append(disbursementForm(a, r))
            default: continue
            }
        }
        return forms.isEmpty ? .empty : "<h2>\(r.t("可执行的操作", "What you can do"))</h2><div class=\"actions\">\(forms)</div>"
    }

    func disbursementForm(_ a: Components.Schemas.Application, _ r: ConsoleRequest) -> HTML {
        let today = BusinessCalendar.today()
        let maturity = today.adding(months: a.termMonths)
        return """
        <form class="stack" method="post" action="/console/applications/\(a.id)/disbursement">\(r.formGuard)
        <input type="hidden" name="version" value="\(a.version)">
        <div class="field"><label for="registrationNumber">\(r.t("质押登记号", "Pledge registration number"))</label><input id="registrationNumber" name="registrationNumber" required maxlength="64"></div>
        <div class="field"><label for="registeredOn">\(r.t("登记日期", "Registered on"))</label><input id="registeredOn" name="registeredOn" type="date" required value="\(today.description)"></div>
        <div class="field"><label for="maturityOn">\(r.t("到期日", "Maturity"))</label><input id="maturityOn" name="maturityOn" type="date" required value="\(maturity.description)"></div>
        <div class="field"><label for="rateBp">\(r.t("年利率（基点，如 385 即 3.85%）", "Annual rate (basis points, 385 = 3.85%)"))</label><input id="rateBp" name="rateBp" type="number" min="1" max="3600" required value="385"></div>
        <button type="submit">\(r.t("确认放款", "Record the disbursement"))</button></form>
        """
    }

    static func ifMatch(_ form: ConsoleForm) -> String { "\"\(form.text("version").flatMap { Int($0) } ?? 0)\"" }

    func transition(_ id: Int64, _ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let form = try await ConsoleForm.read(request)
        guard let action = form.text("action").flatMap(Components.Schemas.TransitionInput.ActionPayload.init(rawValue:)) else {
            throw APIProblem(.unprocessableContent, code: "invalid_action", zh: "未知的操作", en: "Unknown action", field: "action")
        }
        _ = try await service.transitionApplication(.init(path: .init(applicationId: id), headers: .init(ifMatch: Self.ifMatch(form)),
                                                          body: .json(.init(action: action, reason: form.text("reason"))))).ok
        return ConsoleLayout.redirect("/console/applications/\(id)")
    }

    func disburse(_ id: Int64, _ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let form = try await ConsoleForm.read(request)
        let rate = form.text("rateBp").flatMap { $0.count <= 6 ? Int($0) : nil } ?? -1
        let loan = try await service.disburseApplication(.init(path: .init(applicationId: id),
                                                               headers: .init(idempotencyKey: form["_key"] ?? UUID().uuidString, ifMatch: Self.ifMatch(form)),
                                                               body: .json(.init(maturityOn: form.text("maturityOn") ?? "", rateBp: rate,
                                                                                 registrationNumber: form.text("registrationNumber") ?? "",
                                                                                 registeredOn: form.text("registeredOn") ?? "")))).created.body.json
        return ConsoleLayout.redirect("/console/loans/\(loan.id)")
    }

    func loans(_ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let q = ConsoleQuery(request)
        let page = try await service.listLoans(.init(query: .init(cursor: q.text("cursor"), limit: 50))).ok.body.json
        var pager: HTML = .empty
        if let next = page.nextCursor { pager = "<div class=\"pager\"><a href=\"/console/loans?cursor=\(ConsoleQuery.encode(next))\">\(r.t("下一页", "Next page")) →</a></div>" }
        return ConsoleLayout.response(ConsoleLayout.page(r, title: r.t("贷款", "Loans"), Self.loanTable(page.items, r) + pager))
    }

    func loan(_ id: Int64, _ r: ConsoleRequest) async throws -> Response {
        let l = try await service.getLoan(.init(path: .init(loanId: id))).ok.body.json
        let facts: [(String, String)] = [
            (r.t("企业", "Firm"), "#\(l.firmId)"), (r.t("放款日", "Disbursed"), l.disbursedOn), (r.t("到期日", "Matures"), l.maturityOn),
            (r.t("年利率", "Rate"), String(format: "%.2f%%", Double(l.rateBp) / 100)), (r.t("本金", "Principal"), ConsoleFormat.yuan(l.principalFen)),
            (r.t("已还", "Repaid"), ConsoleFormat.yuan(l.repaidFen)), (r.t("余额", "Outstanding"), ConsoleFormat.yuan(l.outstandingFen)),
            (r.t("质押登记号", "Pledge registration"), l.pledge?.registrationNumber ?? "—"),
        ]
        let dl: [HTML] = facts.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }
        var parts: [HTML] = ["<dl class=\"facts\">\(dl)</dl>", Self.ledger(l, r)]
        let open = l.outstandingFen > 0 && l.renewedBy == nil
        if r.may("addLoanEntry"), open { parts.append(Self.entryForm(l, r)) }
        if r.may("renewLoan"), open { parts.append(Self.renewalForm(l, r)) }
        if let renewed = l.renewedBy { parts.append("<p class=\"notice\">\(r.t("已续贷为", "Renewed as")) <a href=\"/console/loans/\(renewed)\">#\(renewed)</a></p>") }
        if r.may("getHistory") { parts.append("<p><a href=\"/console/history/loan/\(l.id)\">\(r.t("变更记录", "Audit trail"))</a></p>") }
        return ConsoleLayout.response(ConsoleLayout.page(r, title: "\(r.t("贷款", "Loan")) #\(l.id)", parts.joined()))
    }

    static func ledger(_ l: Components.Schemas.Loan, _ r: ConsoleRequest) -> HTML {
        let rows: [[HTML]] = l.entries.map { e in
            ["\(e.effectiveOn)", "\(r.name(e.kind, LedgerEntry.Kind.self))", "\(ConsoleFormat.yuan(e.amountFen))", "\(ConsoleFormat.yuan(e.interestFen))", "\(e.actor)", "\(e.reason)"]
        }
        return "<h2>\(r.t("台账", "Ledger"))</h2>" + ConsoleLayout.table(
            r, caption: r.t("放款、还款与违约", "Disbursements, repayments and defaults"),
            headers: [r.t("日期", "Date"), r.t("类型", "Kind"), r.t("本金", "Principal"), r.t("利息", "Interest"), r.t("记录人", "By"), r.t("说明", "Note")],
            rows: rows, numeric: [2, 3])
    }

    static func entryForm(_ l: Components.Schemas.Loan, _ r: ConsoleRequest) -> HTML {
        let kinds: [HTML] = [("repayment", "还款", "Repayment"), ("default", "违约（计入风险补偿）", "Default (to the risk fund)")].map { k in
            "<option value=\"\(k.0)\">\(r.t(k.1, k.2))</option>"
        }
        return """
        <h2>\(r.t("登记还款或违约", "Record a repayment or a default"))</h2>
        <form class="stack" method="post" action="/console/loans/\(l.id)/entries">\(r.formGuard)
        <div class="field"><label for="kind">\(r.t("类型", "Kind"))</label><select id="kind" name="kind">\(kinds)</select></div>
        <div class="field"><label for="reason">\(r.t("说明", "Note"))</label><input id="reason" name="reason" maxlength="500"></div>
        <div class="field"><label for="amount">\(r.t("还款本金（元）", "Principal repaid (yuan)"))</label><input id="amount" name="amount" inputmode="decimal" required maxlength="20"></div>
        <div class="field"><label for="interest">\(r.t("利息（元）", "Interest (yuan)"))</label><input id="interest" name="interest" inputmode="decimal" maxlength="20" value="0"></div>
        <div class="field"><label for="effectiveOn">\(r.t("还款日期", "Paid on"))</label><input id="effectiveOn" name="effectiveOn" type="date" required value="\(BusinessCalendar.today().description)"></div>
        <button type="submit">\(r.t("登记", "Record"))</button></form>
        """
    }

    static func renewalForm(_ l: Components.Schemas.Loan, _ r: ConsoleRequest) -> HTML {
        """
        <h2>\(r.t("续贷", "Renew"))</h2>
        <form class="stack" method="post" action="/console/loans/\(l.id)/renewal">\(r.formGuard)
        <div class="field"><label for="principal">\(r.t("续贷本金（元）", "Renewed principal (yuan)"))</label><input id="principal" name="principal" inputmode="decimal" required maxlength="20" value="\(ConsoleRecordPages.yuanText(l.outstandingFen) ?? "")"></div>
        <div class="field"><label for="renewMaturity">\(r.t("新到期日", "New maturity"))</label><input id="renewMaturity" name="maturityOn" type="date" required value="\(BusinessCalendar.today().adding(months: 12).description)"></div>
        <div class="field"><label for="renewRate">\(r.t("年利率（基点）", "Annual rate (basis points)"))</label><input id="renewRate" name="rateBp" type="number" min="1" max="3600" required value="\(l.rateBp)"></div>
        <div class="field"><label for="renewReason">\(r.t("说明", "Note"))</label><input id="renewReason" name="reason" maxlength="500"></div>
        <button type="submit">\(r.t("办理续贷", "Renew the loan"))</button></form>
        """
    }

    func renew(_ id: Int64, _ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let form = try await ConsoleForm.read(request)
        guard let principal = form.text("principal").flatMap(ConsoleFormat.fen(fromYuan:)) else {
            throw APIProblem(.unprocessableContent, code: "invalid_amount", zh: "金额须为以元计的数字", en: "The amount must be a number of yuan", field: "principalFen")
        }
        let rate = form.text("rateBp").flatMap { $0.count <= 6 ? Int($0) : nil } ?? -1
        let loan = try await service.renewLoan(.init(path: .init(loanId: id), headers: .init(idempotencyKey: form["_key"] ?? UUID().uuidString),
                                                     body: .json(.init(principalFen: principal, maturityOn: form.text("maturityOn") ?? "", rateBp: rate,
                                                                       reason: form.text("reason"))))).created.body.json
        return ConsoleLayout.redirect("/console/loans/\(loan.id)")
    }

    func entry(_ id: Int64, _ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let form = try await ConsoleForm.read(request)
        guard let amount = form.text("amount").flatMap(ConsoleFormat.fen(fromYuan:)) else {
            throw APIProblem(.unprocessableContent, code: "invalid_amount", zh: "金额须为以元计的数字", en: "The amount must be a number of yuan", field: "amountFen")
        }
        let interest = form.text("interest").flatMap(ConsoleFormat.fen(fromYuan:)) ?? 0
        let kind = form.text("kind").flatMap(Components.Schemas.LoanEntryInput.KindPayload.init(rawValue:)) ?? .repayment
        _ = try await service.addLoanEntry(.init(path: .init(loanId: id), headers: .init(idempotencyKey: form["_key"] ?? UUID().uuidString),
                                                 body: .json(.init(kind: kind, amountFen: amount, effectiveOn: form.text("effectiveOn") ?? "",
                                                                   interestFen: interest, reason: form.text("reason"))))).created
        return ConsoleLayout.redirect("/console/loans/\(id)")
    }
}

extension ConsoleLifecyclePages {
    static func loanTable(_ loans: [Components.Schemas.Loan], _ r: ConsoleRequest) -> HTML {
        let rows: [[HTML]] = loans.map { l in
            ["<a href=\"/console/loans/\(l.id)\">#\(l.id)</a>", "\(l.disbursedOn)", "\(l.maturityOn)", "\(ConsoleFormat.yuan(l.principalFen))",
             "\(ConsoleFormat.yuan(l.outstandingFen))", "\(r.name(l.status, LoanFigures.Status.self))"]
        }
        return ConsoleLayout.table(r, caption: r.t("贷款", "Loans"), headers: [r.t("编号", "No."), r.t("放款日", "Disbursed"), r.t("到期日", "Matures"),
                                                                          r.t("本金", "Principal"), r.t("余额", "Outstanding"), r.t("状态", "Status")],
                                   rows: rows, numeric: [3, 4])
    }
}
