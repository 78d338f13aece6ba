import PledgeCore
import PledgeStore

/// The server's own check of the bank boundary: a bank officer reaches only their bank's records,
/// and another bank's record is "not found" (a 403 would tell that it exists). PostgreSQL's
/// row-level security (0007_access.sql) enforces the same boundary on every request transaction;
/// `enforced: false` switches this side off so a test can prove the database alone holds.
struct BankBoundary: Sendable {
    var enforced = true

    /// The bank a list must be limited to, if any.
    var scope: Int64? {
        guard enforced, let p = RequestPrincipal.current, p.role == .bankOfficer else { return nil }
        return p.bankId ?? -1
    }

    func check(bankId: Int64, entity: String, id: Int64) throws {
        guard enforced, let p = RequestPrincipal.current else { return }
        if !p.canReach(bankId: bankId) { throw StoreError.notFound(entity: entity, id: id) }
    }

    /// The bank whose consenting firms a candidate list is limited to: bank officers only. This
    /// filter runs whatever `enforced` says, since the ranking comes from memory where no database
    /// policy reaches.
    static var consentFilterBank: Int64? {
        guard let p = RequestPrincipal.current, p.role == .bankOfficer else { return nil }
        return p.bankId ?? -1
    }
}
