import HTTPTypes
import PledgeWorkflows

extension APIProblem {
    /// A workflow's refusal as problem details: the kind decides the status, the rest is carried over.
    init(_ error: WorkflowError) {
        let status: HTTPResponse.Status = switch error.kind {
        case .badRequest: .badRequest
        case .invalid: .unprocessableContent
        case .conflict: .conflict
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .stale: .preconditionFailed
        }
        self.init(status, error.refusal)
    }
}
