import HTTPTypes
import PledgeCore

/// The refusals of access control; the codes are stable for clients.
enum AccessProblem {
    static let unauthenticated = APIProblem(.unauthorized, code: "unauthenticated",
        zh: "请先登录：请求需带有效令牌（Authorization: Bearer …）",
        en: "Sign in first: send a valid token (Authorization: Bearer …)", field: "Authorization")
    static let invalidToken = APIProblem(.unauthorized, code: "invalid_token",
        zh: "令牌无效、已过期或已被吊销，请重新登录",
        en: "The token is unknown, expired or revoked; sign in again", field: "Authorization")
    static let malformedAuthorization = APIProblem(.unauthorized, code: "invalid_authorization",
        zh: "Authorization 头应为 “Bearer <令牌>”", en: "The Authorization header must be 'Bearer <token>'",
        field: "Authorization")
    static let badCredentials = APIProblem(.unauthorized, code: "invalid_credentials",
        zh: "登录名或密码错误", en: "Wrong login or password")
    static let forbidden = APIProblem(.forbidden, code: "forbidden",
        zh: "您的角色无权执行此操作", en: "Your role may not perform this operation")
    static let administratorsOnly = APIProblem(.forbidden, code: "forbidden",
        zh: "只有系统管理员可以为其他用户创建令牌", en: "Only administrators can make tokens for other users", field: "userId")
    static let tokenInUse = APIProblem(.conflict, code: "token_in_use",
        zh: "不能吊销当前请求正在使用的令牌", en: "You cannot revoke the token this request uses")
    static let selfDisable = APIProblem(.conflict, code: "cannot_disable_self",
        zh: "不能停用自己的账户", en: "You cannot disable your own account")

    static func throttled(_ limit: LoginThrottle.Limit, retryAfter: Int) -> APIProblem {
        let minutes = max(1, (retryAfter + 59) / 60)
        switch limit {
        case .account:
            return APIProblem(.tooManyRequests, code: "login_rate_limited",
                              zh: "该账户登录失败次数过多，请 \(minutes) 分钟后再试",
                              en: "Too many failed logins for this account; try again in \(minutes) minutes",
                              field: "login", retryAfter: retryAfter)
        case .address:
            return APIProblem(.tooManyRequests, code: "login_rate_limited",
                              zh: "来自此地址的登录失败次数过多，请 \(minutes) 分钟后再试",
                              en: "Too many failed logins from this address; try again in \(minutes) minutes",
                              retryAfter: retryAfter)
        }
    }
}
