import Foundation
import OpenAPIRuntime
import PledgeAPI
import PledgeCore
import PledgeStore

/// Loans and their ledger: entries are only ever added; figures are sums over them.
extension PledgeService {
    func listLoans(_ input: Operations.ListLoans.Input) async throws -> Operations.ListLoans.Output {
        let q = input.query
        var filter = LifecycleRepository.LoanFilter(firmId: try QueryCheck.id(q.firmId, "firmId"), bankId: try QueryCheck.id(q.bankId, "bankId"),
                                                    applicationId: try QueryCheck.id(q.applicationId, "applicationId"))
        if let bank = boundary.scope {
            if let asked = filter.bankId, asked != bank { return .ok(.init(body: .json(.init(items: [])))) }
            filter.bankId = bank
        }
        let page = try await lifecycle.loans(filter, page: Paging.request(cursor: q.cursor, limit: q.limit, includeArchived: nil))
        return .ok(.init(body: .json(.init(items: page.items.map(Self.loan), nextCursor: Paging.cursor(page.nextCursor)))))
    }

    func getLoan(_ input: Operations.GetLoan.Input) async throws -> Operations.GetLoan.Output {
        .ok(.init(body: .json(Self.loan(try await reachableLoan(input.path.loanId, lock: false)))))
    }

    func addLoanEntry(_ input: Operations.AddLoanEntry.Input) async throws -> Operations.AddLoanEntry.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        let loan = try await reachableLoan(input.path.loanId, lock: true)
        let app = try await reachableApplication(loan.applicationId, lock: true)
        let kind = LedgerEntry.Kind(rawValue: b.kind.rawValue)!
        try Self.checkEntryAllowed(kind: kind, correcting: b.correctsId != nil, loan: loan, app: app)
        let entry = try EntryInput(kind: kind, amountFen: b.amountFen, effectiveOn: b.effectiveOn, interestFen: b.interestFen ?? 0,
                                   correctsId: b.correctsId, reason: b.reason)
            .validated(against: loan.entries.map(\.entry), disbursedOn: loan.disbursedOn, today: today())
        try await lifecycle.insertEntry(firmId: loan.firmId, loanId: loan.id, entry, actor: Self.actor, requestId: nil)
        try await settleIfCleared(loan, app: app, entry: entry)
        let updated = try await lifecycle.loan(id: loan.id)!
        return .created(.init(headers: .init(location: "/loans/\(loan.id)"), body: .json(Self.loan(updated))))
    }

    func renewLoan(_ input: Operations.RenewLoan.Input) async throws -> Operations.RenewLoan.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        let old = try await reachableLoan(input.path.loanId, lock: true)
        let app = try await reachableApplication(old.applicationId, lock: true)
        guard old.renewedBy == nil, old.figures.status == .active else {
            throw APIProblem(.conflict, code: "loan_not_renewable", zh: "只有未续贷、未结清且未违约的贷款可以续贷",
                             en: "Only an active loan that was not renewed yet can be renewed", field: "loanId")
        }
        let next = try Self.nextState(app, .renew)
        let at = Self.timestamp(b.disbursedAt)
        var c = Checker()
        c.range(b.principalFen, 1...Money.maxLoanAmount, field: "principalFen", label: Label("续贷本金（分）", "Principal (fen)"))
        c.range(b.rateBp, 0...3600, field: "rateBp", label: Label("年利率（基点）", "Annual rate (basis points)"))
        let maturity = c.date(b.maturityOn, field: "maturityOn", label: Label("到期日", "Maturity date"))
        let day = c.moment(at, field: "disbursedAt", label: Label("续贷放款时间", "Renewal time")) ? at.beijingDate : nil
        c.ordered(old.disbursedOn, day, field: "disbursedAt", earlierLabel: Label("原贷款放款日", "the old loan's disbursement"),
                  laterLabel: Label("续贷放款日", "The renewal date"))
        c.ordered(day, today(), field: "disbursedAt", earlierLabel: Label("续贷放款日", "The renewal date"),
                  laterLabel: Label("今天", "today"))
        c.ordered(day, maturity, field: "maturityOn", earlierLabel: Label("续贷放款日", "the renewal date"),
                  laterLabel: Label("到期日", "The maturity date"), allowEqual: false)
        let reason = c.optionalText(b.reason, field: "reason", label: Label("原因", "Reason"), max: 2000)
        try c.finish()
        let id = try await lifecycle.renew(old, principalFen: b.principalFen, disbursedAt: at, maturityOn: maturity!, rateBp: b.rateBp,
                                           reason: reason, actor: Self.actor, requestId: nil)
        try await lifecycle.move(app, action: .renew, to: next, actor: Self.actor, reason: reason)
        let loan = try await lifecycle.loan(id: id)!
        return .created(.init(headers: .init(location: "/loans/\(id)"), body: .json(Self.loan(loan))))
    }

    /// Who may add which entry: bank officers, on the live loan; the principal only by correction.
    static func checkEntryAllowed(kind: LedgerEntry.Kind, correcting: Bool, loan: LoanRecord, app: ApplicationRecord) throws {
        guard RequestPrincipal.current?.role == .bankOfficer else {
            throw APIProblem(.forbidden, code: "role_not_allowed", zh: "只有银行客户经理可以记录还款、违约和更正",
                             en: "Only bank officers record repayments, defaults and corrections")
        }
        if correcting { return }
        if kind == .disbursement {
            throw invalid("principal_by_correction", "kind", zh: "本金只能通过更正（correctsId）调整",
                          en: "The principal changes only by a correction (correctsId)")
        }
        if loan.renewedBy != nil {
            throw APIProblem(.conflict, code: "loan_renewed", zh: "该贷款已续贷，请在新贷款 #\(loan.renewedBy!) 上记账",
                             en: "The loan was renewed; record on the new loan #\(loan.renewedBy!)", field: "loanId")
        }
        if kind == .default, app.state != .disbursed {
            throw APIProblem(.conflict, code: "illegal_transition", zh: "申请当前状态为「\(app.state.zh)」，不能认定违约",
                             en: "The application is \(app.state.en); it cannot be marked in default", field: "kind")
        }
    }

    /// The repayment that clears the live loan settles the application and releases its pledge; a
    /// default marks it defaulted. Corrections change figures only, never the state.
    func settleIfCleared(_ loan: LoanRecord, app: ApplicationRecord, entry: LedgerEntry) async throws {
        guard entry.correctsId == nil, loan.renewedBy == nil, app.state == .disbursed else { return }
        let figures = LoanFigures(loan.entries.map(\.entry) + [entry])
        if entry.kind == .default {
            try await lifecycle.move(app, action: .markDefault, to: .defaulted, actor: Self.actor, reason: entry.reason)
        } else if entry.kind == .repayment, figures.outstandingFen == 0 {
            try await lifecycle.move(app, action: .settle, to: .repaid, actor: Self.actor, reason: entry.reason)
            try await lifecycle.releasePledge(firmId: loan.firmId, applicationId: app.id, on: entry.effectiveOn)
        }
    }

    func reachableLoan(_ id: Int64, lock: Bool) async throws -> LoanRecord {
        guard let loan = try await lifecycle.loan(id: id, lock: lock) else { throw StoreError.notFound(entity: "loan", id: id) }
        try boundary.check(bankId: loan.bankId, entity: "loan", id: id)
        return loan
    }

    static func loan(_ l: LoanRecord) -> Components.Schemas.Loan {
        let f = l.figures
        return .init(
            id: l.id, firmId: l.firmId, applicationId: l.applicationId, bankId: l.bankId, productId: l.productId,
            disbursedAt: l.disbursedAt.apiTimestamp, disbursedOn: l.disbursedOn.api, maturityOn: l.maturityOn.api, rateBp: l.rateBp,
            renewalOf: l.renewalOf, renewedBy: l.renewedBy, principalFen: f.principalFen, repaidFen: f.repaidFen,
            outstandingFen: f.outstandingFen, defaultedFen: f.defaultedFen, interestPaidFen: f.interestPaidFen,
            status: .init(rawValue: f.status.rawValue)!,
            entries: l.entries.map { e in
                .init(id: e.entry.id, kind: .init(rawValue: e.entry.kind.rawValue)!, amountFen: e.entry.amountFen,
                      effectiveOn: e.entry.effectiveOn.api, interestFen: e.entry.interestFen, correctsId: e.entry.correctsId,
                      reason: e.entry.reason, actor: e.actor, recordedAt: e.recordedAt.apiTimestamp)
            },
            pledge: l.pledge.map { p in
                .init(id: p.id, registrationNumber: p.registrationNumber, registeredOn: p.registeredOn?.api,
                      securedAmountFen: p.securedAmountFen, status: .init(rawValue: p.status)!, releasedOn: p.releasedOn?.api,
                      assetIds: p.assetIds)
            },
            recordedAt: l.recordedAt.apiTimestamp, recordedBy: l.recordedBy)
    }
}
