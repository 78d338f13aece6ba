/// Where an application stands (after Apache Fineract's loan origination). Raw values are API codes.
public enum ApplicationState: String, CaseIterable, Sendable, Labelled {
    case draft                      // 草稿
    case submitted                  // 已提交
    case underReview = "under_review" // 审查中
    case approved                   // 已审批
    case rejected                   // 已拒绝
    case disbursed                  // 已放款
    case repaid                     // 已结清
    case defaulted                  // 已违约
    case withdrawn                  // 已撤回

    /// Open states are those from which the application can still be withdrawn.
    public var isOpen: Bool { [.draft, .submitted, .underReview, .approved].contains(self) }

    /// The state's name on its own, as a list or a heading shows it.
    public var label: Label {
        switch self {
        case .draft: Label("草稿", "Draft")
        case .submitted: Label("已提交", "Submitted")
        case .underReview: Label("审查中", "Under review")
        case .approved: Label("已审批", "Approved")
        case .rejected: Label("已拒绝", "Rejected")
        case .disbursed: Label("已放款", "Disbursed")
        case .repaid: Label("已结清", "Repaid")
        case .defaulted: Label("已违约", "Defaulted")
        case .withdrawn: Label("已撤回", "Withdrawn")
        }
    }

    public var zh: String { label.zh }

    /// The state's name in English texts (the raw value is a code, not for people).
    public var en: String {
        switch self {
        case .draft: "a draft"
        case .submitted: "submitted"
        case .underReview: "under review"
        case .approved: "approved"
        case .rejected: "rejected"
        case .disbursed: "disbursed"
        case .repaid: "repaid"
        case .defaulted: "in default"
        case .withdrawn: "withdrawn"
        }
    }
}

/// What someone asks to happen to an application. Raw values are API codes.
public enum ApplicationAction: String, CaseIterable, Sendable {
    case submit
    case startReview = "start_review"
    case approve
    case reject
    case withdraw
    case disburse
    /// Reached by recording the repayment that clears the loan, not asked for directly.
    case settle
    case markDefault = "default"
    case renew

    public var zh: String {
        switch self {
        case .submit: "提交"
        case .startReview: "开始审查"
        case .approve: "审批通过"
        case .reject: "拒绝"
        case .withdraw: "撤回"
        case .disburse: "放款"
        case .settle: "结清"
        case .markDefault: "认定违约"
        case .renew: "续贷"
        }
    }

    /// The action as an English verb phrase (the raw value is a code, not for people).
    public var en: String {
        switch self {
        case .submit: "be submitted"
        case .startReview: "go under review"
        case .approve: "be approved"
        case .reject: "be rejected"
        case .withdraw: "be withdrawn"
        case .disburse: "be disbursed"
        case .settle: "be settled"
        case .markDefault: "be marked in default"
        case .renew: "be renewed"
        }
    }
}

/// One allowed move: from a state, by an action, to a state, by whom.
public struct Transition: Sendable, Equatable {
    public var from: ApplicationState
    public var action: ApplicationAction
    public var to: ApplicationState
    public var roles: Set<Role>
}

/// The one table that decides every move of an application and who may make it.
public enum Transitions {
    private static let staff: Set<Role> = [.operations, .administrator]
    private static let bank: Set<Role> = [.bankOfficer]

    public static let table: [Transition] = [
        .init(from: .draft, action: .submit, to: .submitted, roles: staff),
        .init(from: .submitted, action: .startReview, to: .underReview, roles: bank),
        .init(from: .underReview, action: .approve, to: .approved, roles: bank),
        .init(from: .underReview, action: .reject, to: .rejected, roles: bank),
        .init(from: .approved, action: .disburse, to: .disbursed, roles: bank),
        .init(from: .disbursed, action: .settle, to: .repaid, roles: bank),
        .init(from: .disbursed, action: .markDefault, to: .defaulted, roles: bank),
        // A renewal replaces the loan; the application stays disbursed with the new loan.
        .init(from: .disbursed, action: .renew, to: .disbursed, roles: bank),
    ] + [ApplicationState.draft, .submitted, .underReview, .approved].map {
        .init(from: $0, action: .withdraw, to: .withdrawn, roles: staff.union(bank))
    }

    public enum Refusal: Error, Equatable, Sendable {
        /// No move by that action from the current state.
        case illegal(from: ApplicationState, action: ApplicationAction)
        /// The move exists but this role may not make it.
        case forbidden(role: Role, action: ApplicationAction)
    }

    /// The state after `action`, or why not. A nil role (no caller identity) may make no move.
    public static func next(from state: ApplicationState, action: ApplicationAction, by role: Role?) -> Result<ApplicationState, Refusal> {
        guard let move = table.first(where: { $0.from == state && $0.action == action }) else {
            return .failure(.illegal(from: state, action: action))
        }
        guard let role, move.roles.contains(role) else {
            return .failure(.forbidden(role: role ?? .analyst, action: action))
        }
        return .success(move.to)
    }
}
