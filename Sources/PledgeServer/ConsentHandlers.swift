import Foundation
import PledgeAPI
import PledgeCore
import PledgeStore

/// A firm's consent to share its data with banks. Every change is in audit_log by trigger
/// (firm_consents_audit); a withdrawal hides the firm from banks at the next request.
extension PledgeService {
    func listConsents(_ input: Operations.ListConsents.Input) async throws -> Operations.ListConsents.Output {
        let items = try await consents.list(firmId: input.path.firmId)
        return .ok(.init(body: .json(.init(items: items.map(consent)))))
    }

    func recordConsent(_ input: Operations.RecordConsent.Input) async throws -> Operations.RecordConsent.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        let c = try ConsentInput(grantedOn: b.grantedOn, bankId: b.bankId, evidence: b.evidence).validated(today: today())
        let actor = RequestPrincipal.current?.actor ?? "system"
        let saved = try await consents.record(firmId: input.path.firmId, bankId: c.bankId, grantedOn: c.grantedOn,
                                              evidence: c.evidence, recordedBy: actor)
        return .created(.init(body: .json(consent(saved))))
    }

    func withdrawConsent(_ input: Operations.WithdrawConsent.Input) async throws -> Operations.WithdrawConsent.Output {
        let saved = try await consents.withdraw(firmId: input.path.firmId, consentId: input.path.consentId)
        return .ok(.init(body: .json(consent(saved))))
    }

    func consent(_ c: ConsentRecord) -> Components.Schemas.Consent {
        .init(id: c.id, firmId: c.firmId, scope: .shareWithBanks, bankId: c.bankId, grantedOn: c.grantedOn.api,
              evidence: c.evidence, withdrawnAt: c.withdrawnAt?.apiTimestamp,
              inForce: c.withdrawnAt == nil && c.grantedOn <= today(), recordedBy: c.recordedBy, createdAt: c.createdAt.apiTimestamp)
    }
}
