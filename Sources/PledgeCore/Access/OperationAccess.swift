/// Who may call each operation of openapi.yaml, keyed by operationId. The spec declares the same
/// thing (`security` and `x-roles` on every operation) and a test holds the two equal, so the
/// contract a client reads is the rule the server enforces. One middleware applies this table to
/// every request. Finer rules that depend on the record (which role may take which step of an
/// application, who records ledger entries) are the lifecycle's (Transitions, LedgerRules).
public enum OperationAccess: Sendable, Equatable {
    /// Needs no credentials: health, readiness, metrics and login.
    case open
    /// Needs a valid token whose role is in the set.
    case roles(Set<Role>)

    /// What a request gets.
    public enum Decision: Sendable, Equatable {
        case allow
        /// No (valid) credentials for an operation that needs them: 401.
        case unauthenticated
        /// A known caller whose role may not call the operation: 403.
        case forbidden
    }

    public static func decide(operationId: String, principal: Principal?) -> Decision {
        // An operation missing from the table is refused to everyone: a new endpoint is closed
        // until someone decides who may use it.
        guard let access = table[operationId] else { return principal == nil ? .unauthenticated : .forbidden }
        switch access {
        case .open: return .allow
        case .roles(let roles):
            guard let principal else { return .unauthenticated }
            return roles.contains(principal.role) ? .allow : .forbidden
        }
    }

    /// The paths of the open operations. Authentication answers 401 before anything else runs
    /// (before a POST's idempotency check, before a transaction opens) on every other path.
    public static let openPaths: Set<String> = ["/healthz", "/readyz", "/metrics", "/auth/login"]

    static let staff: Set<Role> = [.administrator, .operations]
    static let staffAndBanks: Set<Role> = [.administrator, .operations, .bankOfficer]
    static let everyone = Set(Role.allCases)
    static let admin: Set<Role> = [.administrator]
    static let bank: Set<Role> = [.bankOfficer]
    /// Reports (tag Reports) are aggregates: analysts read them, as do staff.
    public static let reports: Set<Role> = [.administrator, .operations, .analyst]

    /// The five operations of a versioned record (list, get, create, update, archive), named as
    /// openapi.yaml names them: who reads the records, who reads one (when others may), who changes them.
    static func records(_ one: String, _ many: String, read: Set<Role>, getOne: Set<Role>? = nil,
                        change: Set<Role>) -> [String: OperationAccess] {
        ["list\(many)": .roles(read), "get\(one)": .roles(getOne ?? read), "create\(one)": .roles(change),
         "update\(one)": .roles(change), "archive\(one)": .roles(change)]
    }

    public static let table: [String: OperationAccess] = [
        // Firms, their assets and valuations are firm-level detail: staff. A bank officer reads one
        // firm while the firm's consent to share with banks is in force.
        records("Firm", "Firms", read: staff, getOne: staffAndBanks, change: staff),
        records("Asset", "Assets", read: staff, change: staff),
        records("Valuation", "Valuations", read: staff, change: staff),
        // Banks and targets are the programme's public facts; products are read by their bank's
        // officers (their own only) and by analysts (terms, not firms).
        records("Bank", "Banks", read: everyone, change: staff),
        records("Product", "Products", read: everyone, change: staff),
        records("Target", "Targets", read: everyone, change: staff),
        otherOperations,
    ].reduce(into: [:]) { table, part in
        table.merge(part) { _, _ in preconditionFailure("an operation is named twice in OperationAccess") }
    }

    /// Every operation that is not one of a record's five.
    static let otherOperations: [String: OperationAccess] = [
        // Matching: a firm's own ranking is staff work; a product's candidates go to its bank too
        // (filtered by consent), every export audited.
        "listFirmMatches": .roles(staff), "getMatch": .roles(staff), "whatIf": .roles(staff),
        "listCandidates": .roles(staffAndBanks), "exportCandidates": .roles(staffAndBanks),
        "getBatchCredit": .roles(staff),
        "listLicences": .roles(staff), "createLicence": .roles(staff), "archiveLicence": .roles(staff),
        "listIndustries": .roles(everyone),
        "getHealth": .open, "getReadiness": .open, "getMetrics": .open,
        // Applications and loans: staff draft and follow them; a bank officer decides and books
        // its own bank's (the transition table in Lifecycle says which move is whose).
        "listApplications": .roles(staffAndBanks), "getApplication": .roles(staffAndBanks),
        "createApplication": .roles(staff), "transitionApplication": .roles(staffAndBanks),
        "disburseApplication": .roles(bank), "listLoans": .roles(staffAndBanks), "getLoan": .roles(staffAndBanks),
        "addLoanEntry": .roles(bank), "renewLoan": .roles(bank),
        "getHistory": .roles(staff), "listAlerts": .roles(staffAndBanks),
        // Reports are aggregates.
        "getProgressReport": .roles(reports), "exportProgressReport": .roles(reports),
        "getMonthlyReport": .roles(reports), "exportMonthlyReport": .roles(reports),
        "getCostReport": .roles(reports), "exportCostReport": .roles(reports),
        // Imports write firm-level records: staff. Exports of the tables are firm-level detail: staff;
        // a bank officer receives the firms that consented to share with the bank and the bank's own
        // loans (the candidates' rule). The bureau's workbooks are reports.
        "createImport": .roles(staff), "getImport": .roles(staff), "getImportRejects": .roles(staff),
        "exportFirms": .roles(staffAndBanks), "exportAssets": .roles(staff), "exportValuations": .roles(staff),
        "exportLicences": .roles(staff), "exportLoans": .roles(staffAndBanks),
        "exportProgressWorkbook": .roles(reports), "exportMonthlyWorkbook": .roles(reports),
        // Access itself.
        "login": .open, "logout": .roles(everyone),
        "listUsers": .roles(admin), "createUser": .roles(admin), "disableUser": .roles(admin),
        "listTokens": .roles(everyone), "createToken": .roles(everyone), "revokeToken": .roles(everyone),
        "listConsents": .roles(staff), "recordConsent": .roles(staff), "withdrawConsent": .roles(staff),
    ]
}
