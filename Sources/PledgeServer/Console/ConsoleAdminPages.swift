import Foundation
import Hummingbird
import PledgeAPI
import PledgeCore

/// The administrator's page: users, and a form to add one (who can then sign in).
struct ConsoleAdminPages: Sendable {
    let service: PledgeService

    func register(_ console: ConsoleRoutes, on router: Router<AppRequestContext>) {
        router.get("/console/users", use: console.page("listUsers") { request, _, r in try await users(r, form: nil, problem: nil) })
        router.post("/console/users", use: console.form("createUser") { request, _, r in try await create(request, r) })
        router.post("/console/users/{id}/disable", use: console.form("disableUser") { _, context, r in
            _ = try await service.disableUser(.init(path: .init(userId: try ConsoleFirmPages.id(context)))).noContent
            return ConsoleLayout.redirect("/console/users")
        })
        router.get("/console/tokens", use: console.page("listTokens") { _, _, r in try await tokens(r, created: nil) })
        router.post("/console/tokens", use: console.form("createToken") { request, _, r in
            let form = try await ConsoleForm.read(request)
            let days = form.text("days").flatMap { $0.count <= 4 ? Int($0) : nil }
            let created = try await service.createToken(.init(body: .json(.init(name: form.text("name") ?? "", expiresInDays: days)))).created.body.json
            return try await tokens(r, created: created.token)
        })
        router.post("/console/tokens/{id}/revoke", use: console.form("revokeToken") { _, context, r in
            _ = try await service.revokeToken(.init(path: .init(tokenId: try ConsoleFirmPages.id(context)))).noContent
            return ConsoleLayout.redirect("/console/tokens")
        })
        router.get("/console/history/{entity}/{id}", use: console.page("getHistory") { _, context, r in
            guard let entity = context.parameters.get("entity").flatMap(Operations.GetHistory.Input.Path.EntityPayload.init(rawValue:)) else {
                throw APIProblem(.notFound, code: "not_found", zh: "没有这类记录", en: "No such kind of record", field: "entity")
            }
            return try await history(entity, try ConsoleFirmPages.id(context), r)
        })
    }

    static func roleName(_ role: Components.Schemas.Role, _ r: ConsoleRequest) -> String {
        let core = Role(rawValue: role.rawValue)
        return r.t(core?.zh ?? role.rawValue, role.rawValue)
    }

    func users(_ r: ConsoleRequest, form: ConsoleForm?, problem: APIProblem?) async throws -> Response {
        let page = try await service.listUsers(.init(query: .init(limit: 200, includeDisabled: true))).ok.body.json
        let rows: [[HTML]] = page.items.map { u in
            ["\(u.login)", "\(u.displayName)", "\(Self.roleName(u.role, r))", "\(u.bankId.map { "#\($0)" } ?? "—")",
             u.disabledAt == nil && r.may("disableUser") && u.login != r.principal?.actor
                ? "<form method=\"post\" action=\"/console/users/\(u.id)/disable\">\(r.formGuard)<button type=\"submit\" class=\"secondary\">\(r.t("停用", "Disable"))</button></form>"
                : "\(u.disabledAt == nil ? r.t("启用", "Active") : r.t("已停用", "Disabled"))"]
        }
        let create: HTML = r.may("createUser") ? try await createUserForm(r, form: form, problem: problem) : .empty
        let table = ConsoleLayout.table(r, caption: r.t("用户", "Users"), headers: [r.t("登录名", "Login"), r.t("姓名", "Name"), r.t("角色", "Role"),
                                                                                r.t("银行", "Bank"), r.t("状态", "State")], rows: rows)
        let notice: HTML = form == nil && r.path.hasSuffix("created") ? "<div class=\"notice\">\(r.t("已创建", "Created"))</div>" : .empty
        return ConsoleLayout.response(ConsoleLayout.page(r, title: r.t("用户", "Users"), notice + table + create),
                                      status: .ok)
    }

    /// The form that adds a user, with what was typed (but the password) and the refusal beside its field.
    func createUserForm(_ r: ConsoleRequest, form: ConsoleForm?, problem: APIProblem?) async throws -> HTML {
        let banks = try await service.listBanks(.init(query: .init(limit: 200))).ok.body.json.items
        let bankOptions: [HTML] = [HTML("<option value=\"\">\(r.t("无（非银行角色）", "None (not a bank role)"))</option>")] + banks.map { b in
            "<option value=\"\(b.id)\"\(form?["bankId"] == String(b.id) ? HTML(raw: " selected") : .empty)>\(b.name)</option>"
        }
        let roleOptions: [HTML] = Components.Schemas.Role.allCases.map { role in
            "<option value=\"\(role.rawValue)\"\(form?["role"] == role.rawValue ? HTML(raw: " selected") : .empty)>\(Self.roleName(role, r))</option>"
        }
        func field(_ name: String, _ label: String, type: String = "text", extra: String = "") -> HTML {
            let wrong = problem?.errors.contains { $0.field == name } == true || problem?.field == name
            let message: HTML = wrong ? "<div class=\"field-error\" id=\"\(name)-error\">\(r.t(problem?.zh ?? "", problem?.en ?? ""))</div>" : .empty
            let value: String = type == "password" ? "" : (form?[name] ?? "")
            return "<div class=\"field\"><label for=\"\(name)\">\(label)</label><input id=\"\(name)\" name=\"\(name)\" type=\"\(type)\" value=\"\(value)\" \(HTML(raw: extra))\(wrong ? HTML(raw: " aria-invalid=\"true\" aria-describedby=\"\(name)-error\"") : .empty)>\(message)</div>"
        }
        let unplaced: HTML = problem.map { p in
            let placed = ["login", "displayName", "password", "role", "bankId"].contains(p.field ?? "")
            return placed ? .empty : ConsoleLayout.problemBox(r, r.t(p.zh, p.en))
        } ?? .empty
        return """
        <h2>\(r.t("新建用户", "Add a user"))</h2>\(unplaced)
        <form class="stack" method="post" action="/console/users">\(r.formGuard)
        \(field("login", r.t("登录名", "Login"), extra: "required maxlength=\"63\" autocomplete=\"off\""))
        \(field("displayName", r.t("姓名", "Display name"), extra: "required maxlength=\"100\""))
        <div class="field"><label for="role">\(r.t("角色", "Role"))</label><select id="role" name="role">\(roleOptions)</select></div>
        <div class="field"><label for="bankId">\(r.t("所属银行（仅银行客户经理）", "Bank (bank officers only)"))</label><select id="bankId" name="bankId"\(problem?.field == "bankId" ? HTML(raw: " aria-invalid=\"true\"") : .empty)>\(bankOptions)</select>\(problem?.field == "bankId" ? HTML("<div class=\"field-error\">\(r.t(problem?.zh ?? "", problem?.en ?? ""))</div>") : .empty)</div>
        \(field("password", r.t("初始密码（至少 12 个字符）", "First password (12 characters or more)"), type: "password", extra: "required minlength=\"12\" maxlength=\"72\" autocomplete=\"new-password\""))
        <button type="submit">\(r.t("创建", "Create"))</button></form>
        """
    }

    /// API tokens: the person's own (an administrator's list holds everyone's). A new token's secret is
    /// shown once, on the page that answers the form, and never again.
    func tokens(_ r: ConsoleRequest, created secret: String?) async throws -> Response {
        let page = try await service.listTokens(.init(query: .init(limit: 200))).ok.body.json
        let rows: [[HTML]] = page.items.map { t in
            let revoke: HTML = t.revokedAt == nil && r.may("revokeToken")
                ? "<form method=\"post\" action=\"/console/tokens/\(t.id)/revoke\">\(r.formGuard)<button type=\"submit\" class=\"secondary\">\(r.t("吊销", "Revoke"))</button></form>"
                : "\(t.revokedAt == nil ? "" : r.t("已吊销", "Revoked"))"
            return ["\(t.name)", "\(t.login)", "\(t.kind.rawValue)", "\(ConsoleFormat.beijing(t.createdAt))", "\(ConsoleFormat.beijing(t.expiresAt))",
                    "\(t.lastUsedAt.map(ConsoleFormat.beijing) ?? "—")", revoke]
        }
        let shown: HTML = secret.map { s in
            "<div class=\"notice\" role=\"status\">\(r.t("新令牌（只显示这一次，请立即复制保存）", "New token (shown this once: copy it now)"))：<code>\(s)</code></div>"
        } ?? .empty
        let form: HTML = r.may("createToken") ? """
        <h2>\(r.t("新建 API 令牌", "New API token"))</h2>
        <form class="filters" method="post" action="/console/tokens">\(r.formGuard)
        <div><label for="tokenName">\(r.t("用途", "Purpose"))</label><input id="tokenName" name="name" required maxlength="100"></div>
        <div><label for="tokenDays">\(r.t("有效天数", "Days valid"))</label><input id="tokenDays" name="days" type="number" min="1" max="366" value="90"></div>
        <div><button type="submit">\(r.t("创建", "Create"))</button></div></form>
        """ : .empty
        let table = ConsoleLayout.table(r, caption: r.t("令牌", "Tokens"), headers: [r.t("用途", "Purpose"), r.t("用户", "User"), r.t("类型", "Kind"),
                                                                              r.t("创建时间", "Created"), r.t("到期时间", "Expires"), r.t("最近使用", "Last used"), ""], rows: rows)
        // no-store before the transaction sees it: a page holding a secret is never kept for replays.
        return ConsoleLayout.response(ConsoleLayout.page(r, title: r.t("API 令牌", "API tokens"), shown + table + form),
                                      headers: secret == nil ? [:] : [.cacheControl: "no-store"])
    }

    /// The audit trail of one record: who changed what, when, with the request that did it.
    func history(_ entity: Operations.GetHistory.Input.Path.EntityPayload, _ id: Int64, _ r: ConsoleRequest) async throws -> Response {
        let page = try await service.getHistory(.init(path: .init(entity: entity, entityId: id), query: .init(limit: 200))).ok.body.json
        let rows: [[HTML]] = page.items.map { e in
            ["\(ConsoleFormat.beijing(e.at))", "\(e.actor)", "\(e.action)", "\(e.table)", "\(e.requestId)"]
        }
        let table = ConsoleLayout.table(r, caption: "\(entity.rawValue) #\(id)", headers: [r.t("时间（北京时间）", "When (Beijing)"), r.t("操作人", "By"),
                                                                                     r.t("操作", "Action"), r.t("数据表", "Table"), r.t("请求编号", "Request")], rows: rows)
        return ConsoleLayout.response(ConsoleLayout.page(r, title: r.t("变更记录", "Audit trail"), table))
    }

    func create(_ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let form = try await ConsoleForm.read(request)
        let role = form.text("role").flatMap(Components.Schemas.Role.init(rawValue:)) ?? .operations
        let bankId = form.text("bankId").flatMap { $0.count <= 19 ? Int64($0) : nil }
        do {
            _ = try await service.createUser(.init(body: .json(.init(login: form.text("login") ?? "", displayName: form.text("displayName") ?? "",
                                                                     role: role, bankId: bankId, password: form["password"])))).created
        } catch {
            // Shown beside the field, with everything typed kept but the password.
            _ = try ConsoleFormReader.problems(refusing: error)
            return try await users(r, form: form, problem: ProblemMiddleware<AppRequestContext>.problem(for: error))
        }
        return ConsoleLayout.redirect("/console/users")
    }
}
