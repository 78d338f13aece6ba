import PledgeCore
import PledgeStore

/// Loans and their ledger: entries are only ever added, figures are sums over them. The rules live
/// in the core (EntryInput for one entry, LedgerRules for who records what and what it does to the
/// application); this runs them in order on locked rows and writes what they decided.
public struct LedgerWorkflow: Sendable {
    let lifecycle: LifecycleRepository
    let applications: ApplicationWorkflow

    public init(lifecycle: LifecycleRepository, applications: ApplicationWorkflow) {
        self.lifecycle = lifecycle; self.applications = applications
    }

    /// Newest first; a bank officer sees their bank's only (another bank asked for: an empty page).
    public func list(_ filter: LifecycleRepository.LoanFilter, page: PageRequest, by caller: Caller) async throws -> Page<LoanRecord> {
        var filter = filter
        guard caller.narrow(&filter.bankId) else { return Page(items: [], nextCursor: nil) }
        return try await lifecycle.loans(filter, page: page)
    }

    public func get(_ id: Int64, by caller: Caller) async throws -> LoanRecord {
        try await WorkflowError.refusing { try await reachable(id, lock: false, by: caller) }
    }

    /// A repayment, a default or a correction. The repayment that clears the live loan settles the
    /// application and releases its pledge; a default marks it defaulted.
    public func addEntry(_ loanId: Int64, _ input: EntryInput, by caller: Caller, today: CivilDate) async throws -> LoanRecord {
        try await WorkflowError.refusing {
            let loan = try await reachable(loanId, lock: true, by: caller)
            let app = try await applications.reachable(loan.applicationId, lock: true, by: caller)
            if let refusal = LedgerRules.refusal(recording: input.kind, correcting: input.correctsId != nil, by: caller.role,
                                                 renewedBy: loan.renewedBy, applicationState: app.state) {
                throw Self.error(refusal)
            }
            let entries = loan.entries.map(\.entry)
            let entry = try input.validated(against: entries, disbursedOn: loan.disbursedOn, today: today)
            try await lifecycle.insertEntry(firmId: loan.firmId, loanId: loan.id, entry, actor: caller.actor, requestId: nil)
            switch LedgerRules.consequence(of: entry, after: entries, renewed: loan.renewedBy != nil, applicationState: app.state) {
            case .markDefault?:
                try await lifecycle.move(app, action: .markDefault, to: .defaulted, actor: caller.actor, reason: entry.reason)
            case .settle?:
                try await lifecycle.move(app, action: .settle, to: .repaid, actor: caller.actor, reason: entry.reason)
                try await lifecycle.releasePledge(firmId: loan.firmId, applicationId: app.id, on: entry.effectiveOn)
            default:
                break
            }
            return try await Self.stored(loan.id, in: lifecycle)
        }
    }

    /// A new loan on the same application that repays the old one's outstanding principal; the
    /// pledge stays with the application.
    public func renew(_ loanId: Int64, _ input: RenewalInput, by caller: Caller, today: CivilDate) async throws -> LoanRecord {
        try await WorkflowError.refusing {
            let old = try await reachable(loanId, lock: true, by: caller)
            let app = try await applications.reachable(old.applicationId, lock: true, by: caller)
            guard LedgerRules.renewable(renewedBy: old.renewedBy, figures: old.figures) else {
                throw WorkflowError(.conflict, code: "loan_not_renewable", zh: "只有未续贷、未结清且未违约的贷款可以续贷",
                                    en: "Only an active loan that was not renewed yet can be renewed", field: "loanId")
            }
            let next = try ApplicationWorkflow.nextState(app, .renew, by: caller)
            let valid = try input.validated(renewing: old.disbursedOn, today: today)
            let (closing, opening) = LedgerRules.renewalEntries(old: old.entries.map(\.entry), principalFen: valid.principalFen,
                                                                on: valid.disbursedOn, reason: valid.reason)
            let id = try await lifecycle.renew(old, closing: closing, opening: opening, disbursedAt: valid.disbursedAt,
                                               maturityOn: valid.maturityOn, rateBp: valid.rateBp, actor: caller.actor, requestId: nil)
            try await lifecycle.move(app, action: .renew, to: next, actor: caller.actor, reason: valid.reason)
            return try await Self.stored(id, in: lifecycle)
        }
    }

    func reachable(_ id: Int64, lock: Bool, by caller: Caller) async throws -> LoanRecord {
        guard let loan = try await lifecycle.loan(id: id, lock: lock) else { throw StoreError.notFound(entity: "loan", id: id) }
        try caller.reach(bankId: loan.bankId, entity: "loan", id: id)
        return loan
    }

    /// A loan this request just wrote: there, or the store broke its word.
    static func stored(_ id: Int64, in lifecycle: LifecycleRepository) async throws -> LoanRecord {
        guard let loan = try await lifecycle.loan(id: id) else { throw StoreError.notFound(entity: "loan", id: id) }
        return loan
    }

    /// A ledger refusal in the user's words.
    static func error(_ refusal: LedgerRules.Refusal) -> WorkflowError {
        switch refusal {
        case .notBankOfficer:
            WorkflowError(.forbidden, code: "role_not_allowed", zh: "只有银行客户经理可以记录还款、违约和更正",
                          en: "Only bank officers record repayments, defaults and corrections")
        case .principalByCorrection:
            .invalid("principal_by_correction", field: "kind", zh: "本金只能通过更正（correctsId）调整",
                     en: "The principal changes only by a correction (correctsId)")
        case .loanRenewed(let newLoanId):
            WorkflowError(.conflict, code: "loan_renewed", zh: "该贷款已续贷，请在新贷款 #\(newLoanId) 上记账",
                          en: "The loan was renewed; record on the new loan #\(newLoanId)", field: "loanId")
        case .notDisbursed(let state):
            WorkflowError(.conflict, code: "illegal_transition", zh: "申请当前状态为「\(state.zh)」，不能认定违约",
                          en: "The application is \(state.en); it cannot be marked in default", field: "kind")
        }
    }
}
