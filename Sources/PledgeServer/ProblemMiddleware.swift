import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OpenAPIRuntime
import PledgeCore
import PledgeStore
import PledgeWorkflows
import PostgresNIO

/// The one place where errors become responses: every expected failure turns into problem+json
/// with its status; anything unexpected is answered with a 500 problem and logged by its type and
/// code only (LoggedError): the errors of the OpenAPI runtime carry the request, its headers and
/// its decoded body, so describing them would write tokens and passwords into the log.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error)
            // A warming index is expected after every start and at the turn of the day: not an error.
            if problem.status.kind == .serverError, problem.code != Self.warming.code {
                var metadata = LoggedError.metadata(error)
                metadata["path"] = "\(request.uri.path)"
                metadata["code"] = "\(problem.code)"
                context.logger.error("Request failed", metadata: metadata)
            } else {
                context.logger.info("Request refused", metadata: ["code": "\(problem.code)", "status": "\(problem.status.code)"])
            }
            if ConsoleSession.isConsole(request.uri.path) {
                return ConsoleRoutes.problemPage(ConsoleRequest.from(request), problem, context: nil, error: nil)
            }
            return Self.response(problem, requestId: context.id)
        }
    }

    static func response(_ problem: APIProblem, requestId: String?) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(ProblemBody(problem, requestId: requestId))) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/problem+json; charset=utf-8"]
        if let requestId { headers[.init("X-Request-Id")!] = requestId }
        // RFC 9110: a 401 names the scheme to use; a 429 says when to come back.
        if problem.status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"pledgematch\"" }
        if let seconds = problem.retryAfter { headers[.retryAfter] = String(seconds) }
        if problem.status == .serviceUnavailable { headers[.connection] = "close" }
        return Response(status: problem.status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    static var unavailable: APIProblem {
        APIProblem(.serviceUnavailable, code: "database_unavailable", zh: "数据库暂时不可用，请稍后重试",
                   en: "The database is unavailable for the moment; try again shortly", retryAfter: 2)
    }

    static var warming: APIProblem {
        APIProblem(.serviceUnavailable, code: "index_warming", zh: "匹配引擎正在建立索引（服务刚启动或已跨日），请稍后重试",
                   en: "The matching engine is building its index (the service has just started or a new day has begun); try again shortly",
                   retryAfter: 5)
    }

    static func problem(for error: any Error) -> APIProblem {
        if DatabaseUnavailable.matches(LoggedError.root(error)) { return unavailable }
        if LoggedError.root(error) is MatchIndexWarming { return warming }
        if let violation = StoreError.map(LoggedError.root(error)) as? StoreError { return problem(for: violation) }
        switch error {
        case let p as APIProblem: return p
        case let w as WorkflowError: return APIProblem(w)
        case is NIOTooManyBytesError: return bodyTooLarge
        case let v as ValidationFailure: return APIProblem(WorkflowError(v))
        case let s as StoreError: return problem(for: s)
        case let d as DecodingError: return problem(for: d)
        case let s as ServerError: return problem(for: s)
        case let h as HTTPError: return problem(for: h)
        default: return internalError
        }
    }

    static var bodyTooLarge: APIProblem {
        APIProblem(.contentTooLarge, code: "body_too_large", zh: "请求体超过 1 MiB", en: "The request body is over 1 MiB")
    }

    static var internalError: APIProblem {
        APIProblem(.internalServerError, code: "internal_error", zh: "服务器内部错误，已记录", en: "Internal error; it has been logged")
    }

    /// The router's own refusals (no route, a method it does not serve, a body over the limit).
    static func problem(for h: HTTPError) -> APIProblem {
        switch h.status {
        case .contentTooLarge: bodyTooLarge
        case .notFound: APIProblem(.notFound, code: "no_route", zh: "没有这个地址", en: "No such endpoint")
        case .methodNotAllowed: APIProblem(.methodNotAllowed, code: "method_not_allowed", zh: "不支持该请求方法", en: "Method not allowed")
        case let status where status.kind == .clientError:
            APIProblem(status, code: "bad_request", zh: "请求无效", en: h.body ?? status.reasonPhrase)
        default: internalError
        }
    }

    static func problem(for error: ServerError) -> APIProblem {
        let inner = error.underlyingError
        if inner is APIProblem || inner is WorkflowError || inner is ValidationFailure || inner is StoreError || inner is DecodingError || inner is HTTPError
            || inner is NIOTooManyBytesError {
            return problem(for: inner)
        }
        if missesRequiredIfMatch(error) {
            return APIProblem(.preconditionRequired, code: "if_match_required",
                              zh: "修改前请在 If-Match 头中带上读取到的版本（ETag）",
                              en: "Send the version you read (its ETag) in If-Match", field: "If-Match")
        }
        return problem(status: error.httpStatus, operationID: error.operationID, cause: "\(inner)")
    }

    /// A request the generated code refused before its handler ran, by the status it chose.
    static func problem(status: HTTPResponse.Status, operationID: String, cause: String) -> APIProblem {
        switch status {
        case .unsupportedMediaType where operationID == "createImport":
            return APIProblem(.unsupportedMediaType, code: "unsupported_media_type",
                              zh: "请上传文件：请求体为 text/csv、.xlsx 或 application/octet-stream，或 multipart/form-data 的 file 部分",
                              en: "Upload a file: a text/csv, .xlsx or application/octet-stream body, or the part file of multipart/form-data",
                              field: "Content-Type")
        case .unsupportedMediaType:
            return APIProblem(.unsupportedMediaType, code: "unsupported_media_type", zh: "请求体必须是 application/json",
                              en: "The body must be application/json")
        case .notAcceptable:
            // RFC 9110 §15.5.7: the representation asked for in Accept does not exist here.
            return APIProblem(.notAcceptable, code: "not_acceptable", zh: "无法提供 Accept 头要求的格式", en: cause, field: "Accept")
        case let status where status.kind == .clientError:
            return APIProblem(.badRequest, code: "bad_request", zh: "请求格式错误：\(cause)", en: "Malformed request: \(cause)")
        default:
            return internalError
        }
    }

    /// The request could not become the operation's input, and the operation requires an If-Match
    /// header (per the contract) that the request does not carry.
    static func missesRequiredIfMatch(_ error: ServerError) -> Bool {
        guard error.operationInput == nil, error.request.headerFields[.ifMatch] == nil else { return false }
        return Contract.shared.operations[error.operationID]?.requiredHeaders.contains("if-match") ?? false
    }

    static func problem(for error: DecodingError) -> APIProblem {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        let (field, en): (String, String) = switch error {
        case .keyNotFound(let key, let ctx):
            ([path(ctx), key.stringValue].filter { !$0.isEmpty }.joined(separator: "."), "Required field '\(key.stringValue)' is missing")
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .dataCorrupted(let ctx):
            (path(ctx), ctx.debugDescription)
        @unknown default: ("", "Unreadable body")
        }
        return APIProblem(.badRequest, code: "malformed_body", zh: "请求体无法解析：字段 \(field.isEmpty ? "(根)" : field) 缺失、多余或类型错误",
                          en: en, field: field.isEmpty ? nil : field)
    }

    static func problem(for error: StoreError) -> APIProblem { APIProblem(WorkflowError(error)) }
}
