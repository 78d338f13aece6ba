import PledgeCore
import PledgeStore

/// Every expected refusal of a workflow, in one type: the API turns `kind` into a status
/// (APIProblem+Workflow.swift), the console into a message. What the database or the network did
/// wrong (an outage, a serialization failure) passes through untouched, for the transaction's retry
/// and the 503.
@dynamicMemberLookup
public struct WorkflowError: Error, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The request itself is unreadable (a version tag that is no version): 400.
        case badRequest
        /// The input breaks a rule: 422.
        case invalid
        /// The records' state forbids the step now: 409.
        case conflict
        /// The caller's role may not take this step: 403.
        case forbidden
        /// No such record, or none the caller may see: 404.
        case notFound
        /// The caller's version is not the stored one: 412.
        case stale
    }

    public var kind: Kind
    public var refusal: Refusal

    public init(_ kind: Kind, code: String, zh: String, en: String, field: String? = nil, errors: [FieldError] = [],
                currentVersion: Int? = nil) {
        self.kind = kind
        refusal = Refusal(code: code, zh: zh, en: en, field: field, errors: errors, currentVersion: currentVersion)
    }

    /// The refusal's parts as the error's own: `error.code`, `error.field`.
    public subscript<T>(dynamicMember part: WritableKeyPath<Refusal, T>) -> T {
        get { refusal[keyPath: part] }
        set { refusal[keyPath: part] = newValue }
    }

    /// A 422 that lists itself as its one field error.
    public static func invalid(_ code: String, field: String, zh: String, en: String) -> WorkflowError {
        WorkflowError(.invalid, code: code, zh: zh, en: en, field: field, errors: [.init(code, field: field, zh: zh, en: en)])
    }

    /// A core validator's findings: the first names the error, all are listed.
    public init(_ failure: ValidationFailure) {
        let first = failure.errors.first
        self.init(.invalid, code: first?.code ?? "invalid", zh: first?.zh ?? "输入无效", en: first?.en ?? "Invalid input",
                  field: first?.field, errors: failure.errors)
    }

    /// A store refusal (a missing row, a stale version, a constraint that said no).
    public init(_ error: StoreError) {
        switch error {
        case .notFound(let entity, let id):
            self.init(.notFound, code: "\(entity)_not_found", zh: "找不到编号为 \(id) 的记录", en: "No \(entity) with id \(id)",
                      field: "\(entity)Id")
        case .stale(let entity, let id, let current):
            self.init(.stale, code: "stale_version", zh: "该记录已被他人修改（当前版本 \(current)），请重新读取后再改",
                      en: "The \(entity) \(id) changed since you read it (now version \(current)); read it again",
                      field: "If-Match", currentVersion: current)
        case .archived(let entity, let id):
            self.init(.conflict, code: "archived", zh: "该记录已归档，不能修改", en: "The \(entity) \(id) is archived and cannot change")
        case .conflict(let e):
            self.init(.conflict, code: e.code, zh: e.zh, en: e.en, field: e.field, errors: [e])
        case .invalid(let e):
            self.init(.invalid, code: e.code, zh: e.zh, en: e.en, field: e.field, errors: [e])
        }
    }

    /// Runs a workflow's body with every expected failure as a WorkflowError; anything else unchanged.
    static func refusing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as WorkflowError {
            throw error
        } catch let failure as ValidationFailure {
            throw WorkflowError(failure)
        } catch {
            if let store = StoreError.map(error) as? StoreError { throw WorkflowError(store) }
            throw error
        }
    }
}

/// What a refusal says, whichever layer reports it: a stable code, both languages, the field to
/// change, every field error found, and with a stale version the one stored now. A `WorkflowError`
/// adds its kind, the server's `APIProblem` its HTTP status.
public struct Refusal: Equatable, Sendable {
    public var code: String
    public var zh: String
    public var en: String
    public var field: String?
    public var errors: [FieldError]
    public var currentVersion: Int?

    public init(code: String, zh: String, en: String, field: String?, errors: [FieldError], currentVersion: Int?) {
        (self.code, self.zh, self.en) = (code, zh, en)
        (self.field, self.errors, self.currentVersion) = (field, errors, currentVersion)
    }
}
