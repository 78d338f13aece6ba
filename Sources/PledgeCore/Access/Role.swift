/// Who a user is to the programme. Raw values are API and database codes.
public enum Role: String, CaseIterable, Sendable, Codable {
    /// 系统管理员: users, roles, banks; sees what operations staff see.
    case administrator
    /// 运营中心: registers firms and assets, runs matching, follows applications.
    case operations
    /// 银行客户经理: bound to one bank; its products, applications and loans only.
    case bankOfficer = "bank_officer"
    /// 区财政局 / 金融办: aggregates only.
    case analyst

    public var zh: String {
        switch self {
        case .administrator: "系统管理员"
        case .operations: "运营中心人员"
        case .bankOfficer: "银行客户经理"
        case .analyst: "财政局分析人员"
        }
    }
}

/// The caller of a request, as authentication established it.
public struct Principal: Sendable, Equatable {
    /// The stable name written to the audit trail (a user's login, or `token:<id>` for an API token).
    public var actor: String
    public var role: Role
    /// The bank a bank officer is bound to; nil for every other role.
    public var bankId: Int64?

    public init(actor: String, role: Role, bankId: Int64? = nil) {
        self.actor = actor; self.role = role; self.bankId = bankId
    }

    /// May this caller see or act on a record of `bankId`? Only bank officers are bounded.
    public func canReach(bankId: Int64) -> Bool {
        role != .bankOfficer || self.bankId == bankId
    }
}
