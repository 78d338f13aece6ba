import Foundation
import PledgeAPI
import PledgeCore
import PledgeStore
import PledgeWorkflows

/// Loans and their ledger: generated input → core input → one LedgerWorkflow call → generated output.
extension PledgeService {
    func listLoans(_ input: Operations.ListLoans.Input) async throws -> Operations.ListLoans.Output {
        let q = input.query
        let filter = LifecycleRepository.LoanFilter(firmId: try QueryCheck.id(q.firmId, "firmId"), bankId: try QueryCheck.id(q.bankId, "bankId"),
                                                    applicationId: try QueryCheck.id(q.applicationId, "applicationId"))
        let page = try await ledger.list(filter, page: Paging.request(cursor: q.cursor, limit: q.limit, includeArchived: nil), by: caller)
        return .ok(.init(body: .json(.init(items: try page.items.map(Components.Schemas.Loan.init),
                                           nextCursor: Paging.cursor(page.nextCursor)))))
    }

    func getLoan(_ input: Operations.GetLoan.Input) async throws -> Operations.GetLoan.Output {
        .ok(.init(body: .json(try .init(try await ledger.get(input.path.loanId, by: caller)))))
    }

    func addLoanEntry(_ input: Operations.AddLoanEntry.Input) async throws -> Operations.AddLoanEntry.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        let entry = EntryInput(kind: try CoreEnum.of(b.kind, LedgerEntry.Kind.self), amountFen: b.amountFen, effectiveOn: b.effectiveOn,
                               interestFen: b.interestFen ?? 0, correctsId: b.correctsId, reason: b.reason)
        let loan = try await ledger.addEntry(input.path.loanId, entry, by: caller, today: today())
        return .created(.init(headers: .init(location: "/loans/\(loan.id)"), body: .json(try .init(loan))))
    }

    func renewLoan(_ input: Operations.RenewLoan.Input) async throws -> Operations.RenewLoan.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        let renewal = RenewalInput(disbursedAt: Timestamp(api: b.disbursedAt), principalFen: b.principalFen, maturityOn: b.maturityOn,
                                   rateBp: b.rateBp, reason: b.reason)
        let loan = try await ledger.renew(input.path.loanId, renewal, by: caller, today: today())
        return .created(.init(headers: .init(location: "/loans/\(loan.id)"), body: .json(try .init(loan))))
    }
}
