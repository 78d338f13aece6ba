import Foundation
import PledgeAPI
import PledgeCore
import PledgeStore

/// Lifecycle records as the API's types.
extension Components.Schemas.Application {
    init(_ a: ApplicationRecord) throws {
        self.init(id: a.id, version: a.version, firmId: a.firmId, bankId: a.bankId, productId: a.productId, amountFen: a.amountFen,
                  termMonths: a.termMonths, state: try CoreEnum.api(a.state), stateZh: a.state.zh, assetIds: a.assetIds,
                  note: a.note, loanIds: a.loanIds,
                  transitions: a.steps.map { .init(seq: $0.seq, action: $0.action, fromState: $0.fromState, toState: $0.toState,
                                                   actor: $0.actor, reason: $0.reason, at: $0.at.apiTimestamp) },
                  createdAt: a.createdAt.apiTimestamp, updatedAt: a.updatedAt.apiTimestamp)
    }
}

extension Components.Schemas.Loan {
    init(_ l: LoanRecord) throws {
        let f = l.figures
        self.init(
            id: l.id, firmId: l.firmId, applicationId: l.applicationId, bankId: l.bankId, productId: l.productId,
            disbursedAt: l.disbursedAt.apiTimestamp, disbursedOn: l.disbursedOn.api, maturityOn: l.maturityOn.api, rateBp: l.rateBp,
            renewalOf: l.renewalOf, renewedBy: l.renewedBy, principalFen: f.principalFen, repaidFen: f.repaidFen,
            outstandingFen: f.outstandingFen, defaultedFen: f.defaultedFen, interestPaidFen: f.interestPaidFen,
            status: try CoreEnum.api(f.status),
            entries: try l.entries.map { e in
                .init(id: e.entry.id, kind: try CoreEnum.api(e.entry.kind), amountFen: e.entry.amountFen,
                      effectiveOn: e.entry.effectiveOn.api, interestFen: e.entry.interestFen, correctsId: e.entry.correctsId,
                      reason: e.entry.reason, actor: e.actor, recordedAt: e.recordedAt.apiTimestamp)
            },
            pledge: try l.pledge.map { p in
                .init(id: p.id, registrationNumber: p.registrationNumber, registeredOn: p.registeredOn?.api,
                      securedAmountFen: p.securedAmountFen, status: try CoreEnum.api(p.status), releasedOn: p.releasedOn?.api,
                      assetIds: p.assetIds)
            },
            recordedAt: l.recordedAt.apiTimestamp, recordedBy: l.recordedBy)
    }
}

extension Timestamp {
    /// The spec's optional date-time; absent is now. Never traps on a far date: the validators refuse
    /// moments outside 1900–2200 (Checker.moment).
    init(api date: Date?) {
        self.init(seconds: (date ?? Date()).timeIntervalSince1970)
    }
}
