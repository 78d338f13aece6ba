import Foundation
import HTTPTypes
import Hummingbird
import PledgeAPI
import PledgeCore
import PledgeStore

/// The web console (工作台): server-rendered pages for operations staff, bank officers, the finance
/// bureau and administrators, in the same process as the API. Every page calls the same handler the
/// JSON API calls (`PledgeService`), under the same middleware (connection, transaction, row-level
/// security), and shows or serves only what the role table (`OperationAccess`) lets its role call.
struct ConsoleRoutes: Sendable {
    let service: PledgeService

    typealias Page = @Sendable (Request, AppRequestContext, ConsoleRequest) async throws -> Response

    func register(on router: Router<AppRequestContext>) {
        router.get("/console/static/console.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: ConsoleAssets.css)))
        }
        router.get("/console/lang") { request, _ in
            let q = ConsoleQuery(request)
            let lang = q.text("to").flatMap(Lang.init(rawValue:)) ?? .zh
            return ConsoleLayout.redirect(ConsoleSession.localTarget(q.text("back")),
                                          headers: [.setCookie: "\(ConsoleSession.langCookie)=\(lang.rawValue); Path=/console; SameSite=Strict; Max-Age=31536000"])
        }
        router.get("/console/login") { request, _ in loginPage(ConsoleRequest.from(request), next: ConsoleQuery(request).text("next")) }
        router.post("/console/login") { request, _ in try await signIn(request) }
        router.post("/console/logout", use: form(nil) { request, _, r in try await signOut(request, r) })
        router.get("/console", use: page(nil) { _, _, r in try await ConsoleHome(service: service).render(r) })
        ConsoleReportPages(service: service).register(self, on: router)
        ConsoleRecordPages(service: service).register(self, on: router)
        ConsoleFirmPages(service: service).register(self, on: router)
        ConsoleBankPages(service: service).register(self, on: router)
        ConsoleLifecyclePages(service: service).register(self, on: router)
        ConsoleAdminPages(service: service).register(self, on: router)
        ConsoleImportPages(service: service).register(self, on: router)
    }

    /// A page: signed in, allowed to use `operation` (when one is named), errors shown as a page.
    func page(_ operation: String?, _ build: @escaping Page) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        { request, context in
            let r = ConsoleRequest.from(request)
            guard r.principal != nil else { return ConsoleLayout.redirect("/console/login?next=" + ConsoleQuery.encode(request.uri.description)) }
            if let operation, !r.may(operation) { return Self.notFound(r) }
            do {
                return try await build(request, context, r)
            } catch {
                return Self.problemPage(r, ProblemMiddleware<AppRequestContext>.problem(for: error), context: context, error: error)
            }
        }
    }

    /// A form's target: like a page, and the session's form token must come with it.
    func form(_ operation: String?, _ build: @escaping Page) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        page(operation) { request, context, r in
            let form = try await ConsoleForm.read(request)
            guard let secret = ConsoleSession.secret(request), ConsoleSession.csrfMatches(form["_csrf"], secret: secret) else {
                return Self.problemPage(r, Self.formExpired, context: context, error: nil)
            }
            return try await build(request, context, r)
        }
    }

    static let formExpired = APIProblem(.forbidden, code: "form_expired", zh: "表单已过期或来源不明，请返回重新提交",
                                        en: "The form has expired or did not come from this console; go back and submit it again")

    static func notFound(_ r: ConsoleRequest) -> Response {
        ConsoleLayout.response(ConsoleLayout.page(r, title: r.t("页面不存在", "Page not found"),
                                                  "<p>\(r.t("没有这个页面，或您的角色不能使用它。", "There is no such page, or your role cannot use it."))</p><p><a href=\"/console\">\(r.t("返回首页", "Back to home"))</a></p>"),
                               status: .notFound)
    }

    static func problemPage(_ r: ConsoleRequest, _ problem: APIProblem, context: AppRequestContext?, error: (any Error)?) -> Response {
        // A warming index is expected after every start: the page says so, the log need not.
        if problem.status.kind == .serverError, problem.code != "index_warming", let context, let error {
            context.logger.error("Console page failed", metadata: LoggedError.metadata(error).merging(["path": "\(r.path)"]) { a, _ in a })
        }
        if problem.status == .notFound { return notFound(r) }
        let body: HTML = "\(ConsoleLayout.problemBox(r, r.t(problem.zh, problem.en)))<p><a href=\"/console\">\(r.t("首页", "Home"))</a></p>"
        var headers: HTTPFields = [:]
        if let seconds = problem.retryAfter { headers[.retryAfter] = String(seconds) }
        return ConsoleLayout.response(ConsoleLayout.page(r, title: r.t("无法完成", "Could not be done"), body), status: problem.status, headers: headers)
    }

    // MARK: Sign-in

    func loginPage(_ r: ConsoleRequest, next: String?, login: String = "", problem: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let body: HTML = """
        <div class="login">\(problem.map { ConsoleLayout.problemBox(r, $0) })
        <form class="stack" method="post" action="/console/login">
        <input type="hidden" name="next" value="\(ConsoleSession.localTarget(next))">
        <div class="field"><label for="login">\(r.t("登录名", "Login"))</label><input id="login" name="login" autocomplete="username" required maxlength="63" value="\(login)"\(problem == nil ? HTML.empty : " aria-invalid=\"true\" aria-describedby=\"login-problem\"")></div>
        <div class="field"><label for="password">\(r.t("密码", "Password"))</label><input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200"></div>
        <button type="submit">\(r.t("登录", "Sign in"))</button></form>
        <p class="muted" id="login-problem">\(r.t("连续输错 5 次后，该账户 15 分钟内不能登录。", "After 5 wrong passwords an account is locked for 15 minutes."))</p></div>
        """
        return ConsoleLayout.response(ConsoleLayout.page(r, title: r.t("登录工作台", "Sign in to the console"), body), status: status)
    }

    func signIn(_ request: Request) async throws -> Response {
        let r = ConsoleRequest.from(request)
        let form = try await ConsoleForm.read(request)
        let login = form.text("login") ?? "", password = form["password"] ?? ""
        do {
            let result = try await service.login(.init(body: .json(.init(login: login, password: password)))).ok.body.json
            return ConsoleLayout.redirect(ConsoleSession.localTarget(form.text("next")),
                                          headers: [.setCookie: ConsoleSession.setCookie(secret: result.token, maxAge: Int(TokenSecret.sessionLifetime), request: request)])
        } catch {
            let problem = ProblemMiddleware<AppRequestContext>.problem(for: error)
            guard problem.status.kind == .clientError else { throw error }
            var headers: HTTPFields = [:]
            if let seconds = problem.retryAfter { headers[.retryAfter] = String(seconds) }
            // The page answers 200 and says what was wrong; a throttled sign-in still says when to retry.
            var response = loginPage(r, next: form.text("next"), login: String(login.prefix(63)), problem: r.t(problem.zh, problem.en))
            response.headers.append(contentsOf: headers)
            return response
        }
    }

    func signOut(_ request: Request, _ r: ConsoleRequest) async throws -> Response {
        _ = try await service.logout(.init())
        return ConsoleLayout.redirect("/console/login", headers: [.setCookie: ConsoleSession.clearCookie(request: request)])
    }
}

extension ConsoleRequest {
    static func from(_ request: Request) -> ConsoleRequest {
        let secret = ConsoleSession.secret(request)
        let principal = RequestPrincipal.current
        return ConsoleRequest(lang: ConsoleSession.lang(request), principal: principal,
                              csrf: principal == nil ? nil : secret.map(ConsoleSession.csrfToken), path: request.uri.path)
    }
}
