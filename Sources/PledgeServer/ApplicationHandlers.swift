import Foundation
import PledgeAPI
import PledgeCore
import PledgeStore
import PledgeWorkflows

/// Applications: generated input → core input → one ApplicationWorkflow call → generated output.
/// The lifecycle's rules are in the workflow and the core, none here.
extension PledgeService {
    func listApplications(_ input: Operations.ListApplications.Input) async throws -> Operations.ListApplications.Output {
        let q = input.query
        let filter = LifecycleRepository.ApplicationFilter(
            state: try q.state.map { try CoreEnum.of($0, ApplicationState.self) }, firmId: try QueryCheck.id(q.firmId, "firmId"),
            bankId: try QueryCheck.id(q.bankId, "bankId"), productId: try QueryCheck.id(q.productId, "productId"))
        let page = try await applicationFlow.list(filter, page: Paging.request(cursor: q.cursor, limit: q.limit, includeArchived: nil),
                                                  by: caller)
        return .ok(.init(body: .json(.init(items: try page.items.map(Components.Schemas.Application.init),
                                           nextCursor: Paging.cursor(page.nextCursor)))))
    }

    func createApplication(_ input: Operations.CreateApplication.Input) async throws -> Operations.CreateApplication.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        let request = ApplicationInput(firmId: b.firmId, productId: b.productId, amountFen: b.amountFen, termMonths: b.termMonths,
                                       assetIds: b.assetIds, note: b.note)
        let app = try await applicationFlow.create(request, by: caller, today: today())
        return .created(.init(headers: .init(eTag: ETag.make(app.version), location: "/applications/\(app.id)"),
                              body: .json(try .init(app))))
    }

    func getApplication(_ input: Operations.GetApplication.Input) async throws -> Operations.GetApplication.Output {
        let app = try await applicationFlow.get(input.path.applicationId, by: caller)
        return .ok(.init(headers: .init(eTag: ETag.make(app.version)), body: .json(try .init(app))))
    }

    func transitionApplication(_ input: Operations.TransitionApplication.Input) async throws -> Operations.TransitionApplication.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        let reason = try QueryCheck.text(b.reason, "reason", max: 2000)
        let moved = try await applicationFlow.transition(input.path.applicationId, action: try CoreEnum.of(b.action, ApplicationAction.self),
                                                         reason: reason, ifMatch: input.headers.ifMatch, by: caller, today: today())
        return .ok(.init(headers: .init(eTag: ETag.make(moved.version)), body: .json(try .init(moved))))
    }

    func disburseApplication(_ input: Operations.DisburseApplication.Input) async throws -> Operations.DisburseApplication.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        let disbursement = DisbursementInput(disbursedAt: Timestamp(api: b.disbursedAt), maturityOn: b.maturityOn, rateBp: b.rateBp,
                                             registrationNumber: b.registrationNumber, registeredOn: b.registeredOn,
                                             securedAmountFen: b.securedAmountFen)
        let loan = try await applicationFlow.disburse(input.path.applicationId, disbursement, ifMatch: input.headers.ifMatch,
                                                      by: caller, today: today())
        return .created(.init(headers: .init(location: "/loans/\(loan.id)"), body: .json(try .init(loan))))
    }
}
