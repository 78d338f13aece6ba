import PledgeCore
import PledgeStore
import PledgeWorkflows

/// The server's own check of the bank boundary: a bank officer reaches only their bank's records,
/// and another bank's record is "not found" (a 403 would tell that it exists). PostgreSQL's
/// row-level security (0007_access.sql) enforces the same boundary on every request transaction;
/// `enforced: false` switches this side off so a test can prove the database alone holds.
struct BankBoundary: Sendable {
    var enforced = true

    /// The current request's caller, as the workflows take it (Caller holds the rules).
    var caller: Caller {
        Caller(RequestPrincipal.current, boundaryEnforced: enforced, requestId: RequestOrigin.current.requestId)
    }

    /// The bank a list must be limited to, if any.
    var scope: Int64? { caller.bankScope }

    func check(bankId: Int64, entity: String, id: Int64) throws {
        try caller.reach(bankId: bankId, entity: entity, id: id)
    }

    /// The bank whose consenting firms a candidate list is limited to: bank officers only. This
    /// filter runs whatever `enforced` says, since the ranking comes from memory where no database
    /// policy reaches.
    static var consentFilterBank: Int64? { Caller(RequestPrincipal.current).consentBank }
}
