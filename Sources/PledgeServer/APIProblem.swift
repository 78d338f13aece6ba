import HTTPTypes
import PledgeCore
import PledgeWorkflows

/// An error the API reports as RFC 9457 problem details, with a stable code and both languages.
@dynamicMemberLookup
public struct APIProblem: Error, Sendable {
    public var status: HTTPResponse.Status
    public var refusal: Refusal
    /// On 429: seconds until a retry can succeed (sent as Retry-After).
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, code: String, zh: String, en: String, field: String? = nil,
                errors: [FieldError] = [], currentVersion: Int? = nil, retryAfter: Int? = nil) {
        self.init(status, Refusal(code: code, zh: zh, en: en, field: field, errors: errors, currentVersion: currentVersion),
                  retryAfter: retryAfter)
    }

    public init(_ status: HTTPResponse.Status, _ refusal: Refusal, retryAfter: Int? = nil) {
        (self.status, self.refusal, self.retryAfter) = (status, refusal, retryAfter)
    }

    /// The refusal's parts as the problem's own: `problem.code`, `problem.field`.
    public subscript<T>(dynamicMember part: WritableKeyPath<Refusal, T>) -> T {
        get { refusal[keyPath: part] }
        set { refusal[keyPath: part] = newValue }
    }

    static func badParameter(_ field: String, zh: String, en: String) -> APIProblem {
        APIProblem(.badRequest, code: "invalid_parameter", zh: zh, en: en, field: field)
    }
}

/// The JSON body of a problem response; field names follow the `Problem` schema in openapi.yaml.
struct ProblemBody: Encodable {
    struct Item: Encodable {
        var code: String
        var field: String
        var messageZh: String
        var messageEn: String
    }
    var type: String
    var title: String
    var status: Int
    var detail: String
    var code: String
    var messageZh: String
    var messageEn: String
    var field: String?
    var errors: [Item]?
    var currentVersion: Int?
    var requestId: String?

    init(_ p: APIProblem, requestId: String?) {
        type = "https://pledgematch.invalid/problems/\(p.code)"
        title = p.status.reasonPhrase
        status = p.status.code
        detail = p.en
        code = p.code
        messageZh = p.zh
        messageEn = p.en
        field = p.field
        errors = p.errors.isEmpty ? nil : p.errors.map { Item(code: $0.code, field: $0.field, messageZh: $0.zh, messageEn: $0.en) }
        currentVersion = p.currentVersion
        self.requestId = requestId
    }
}
