import PledgeCore
import PledgeStore

/// Who asks for a workflow: the principal the front end authenticated, and whether the bank
/// boundary is checked here as well as by the database's row-level security (tests switch this
/// side off to prove the database alone holds).
public struct Caller: Sendable, Equatable {
    public var principal: Principal?
    public var boundaryEnforced: Bool
    /// The request's id, for the audit trail.
    public var requestId: String?

    public init(_ principal: Principal?, boundaryEnforced: Bool = true, requestId: String? = nil) {
        self.principal = principal
        self.boundaryEnforced = boundaryEnforced
        self.requestId = requestId
    }

    /// The name written to the audit trail and the ledger.
    public var actor: String { principal?.actor ?? "anonymous" }
    public var role: Role? { principal?.role }

    /// The bank a list must be limited to, if any: a bank officer's own (-1, no bank, for one without).
    public var bankScope: Int64? {
        guard boundaryEnforced, let p = principal, p.role == .bankOfficer else { return nil }
        return p.bankId ?? -1
    }

    /// Narrows a listing's bank filter to the caller's reach. False when a bank officer asked for
    /// another bank's records: that is an empty page, not a refusal.
    public func narrow(_ bankId: inout Int64?) -> Bool {
        guard let bank = bankScope else { return true }
        if let asked = bankId, asked != bank { return false }
        bankId = bank
        return true
    }

    /// The bank whose consenting firms a candidate list is limited to: bank officers only, whatever
    /// `boundaryEnforced` says, since the ranking comes from memory where no database policy reaches.
    public var consentBank: Int64? {
        guard let p = principal, p.role == .bankOfficer else { return nil }
        return p.bankId ?? -1
    }

    /// Another bank's record is, to a bank officer, no record at all: "not found", never "forbidden".
    public func reach(bankId: Int64, entity: String, id: Int64) throws(WorkflowError) {
        guard boundaryEnforced, let p = principal else { return }
        if !p.canReach(bankId: bankId) { throw WorkflowError(StoreError.notFound(entity: entity, id: id)) }
    }
}
