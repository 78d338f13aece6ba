import PledgeCore
import PledgeStore

/// Applications: drafted from a match, moved by the one transition table (Transitions), disbursed
/// with their pledge. Run inside the caller's transaction; the application row is locked before it
/// is judged, so two moves of one application happen one after the other.
public struct ApplicationWorkflow: Sendable {
    let lifecycle: LifecycleRepository
    let matching: MatchingRepository
    let database: Database

    public init(lifecycle: LifecycleRepository, matching: MatchingRepository, database: Database) {
        self.lifecycle = lifecycle; self.matching = matching; self.database = database
    }

    /// Newest first; a bank officer sees their bank's only (another bank asked for: an empty page).
    public func list(_ filter: LifecycleRepository.ApplicationFilter, page: PageRequest,
                     by caller: Caller) async throws -> Page<ApplicationRecord> {
        var filter = filter
        guard caller.narrow(&filter.bankId) else { return Page(items: [], nextCursor: nil) }
        return try await lifecycle.applications(filter, page: page)
    }

    public func get(_ id: Int64, by caller: Caller) async throws -> ApplicationRecord {
        try await WorkflowError.refusing { try await reachable(id, lock: false, by: caller) }
    }

    /// A draft for the firm and product; the pledge is the assets named or the engine's package.
    public func create(_ input: ApplicationInput, by caller: Caller, today: CivilDate) async throws -> ApplicationRecord {
        try await WorkflowError.refusing {
            let request = try input.validated()
            // Another bank's product is, to this officer, no product at all.
            guard let product = try await matching.product(request.productId, using: database),
                  caller.bankScope.map({ $0 == product.bankId }) ?? true else {
                throw WorkflowError.invalid("unknown_product", field: "productId", zh: "贷款产品不存在或已归档",
                                            en: "No such (active) loan product")
            }
            guard let (firm, assets) = try await matching.firm(request.firmId, using: database) else {
                throw WorkflowError.invalid("unknown_firm", field: "firmId", zh: "企业不存在或已归档", en: "No such (active) firm")
            }
            let assetIds = try Self.pledgeSet(request, firm: firm, assets: assets, product: product, asOf: today)
            return try await lifecycle.createApplication(request, bankId: product.bankId, assetIds: assetIds, actor: caller.actor)
        }
    }

    /// Submit, review, approve, reject, withdraw: one move of the transition table.
    public func transition(_ id: Int64, action: ApplicationAction, reason: String?, ifMatch: String?, by caller: Caller,
                           today: CivilDate) async throws -> ApplicationRecord {
        try await WorkflowError.refusing {
            let app = try await reachable(id, lock: true, by: caller)
            try Self.checkVersion(app, ifMatch)
            let next = try Self.nextState(app, action, by: caller)
            if action == .approve { try await recheckGates(app, asOf: today) }
            try await lifecycle.move(app, action: action, to: next, actor: caller.actor, reason: reason)
            return try await reachable(app.id, lock: false, by: caller)
        }
    }

    /// Records the loan, its principal and the pledge registration, and marks the application disbursed.
    public func disburse(_ id: Int64, _ input: DisbursementInput, ifMatch: String?, by caller: Caller,
                         today: CivilDate) async throws -> LoanRecord {
        try await WorkflowError.refusing {
            let app = try await reachable(id, lock: true, by: caller)
            try Self.checkVersion(app, ifMatch)
            let next = try Self.nextState(app, .disburse, by: caller)
            let valid = try input.validated(today: today)
            // Another pledge of an asset is left to the pledge's unique index, which names its application.
            try await recheckGates(app, asOf: valid.disbursedOn, termEnd: valid.maturityOn, ignoringPledges: true)
            let loanId = try await lifecycle.disburse(app, valid, actor: caller.actor, requestId: nil)
            try await lifecycle.move(app, action: .disburse, to: next, actor: caller.actor, reason: nil)
            return try await LedgerWorkflow.stored(loanId, in: lifecycle)
        }
    }

    // MARK: Rules of the lifecycle

    /// The application, if the caller may see it; another bank's is "not found", never "forbidden".
    func reachable(_ id: Int64, lock: Bool, by caller: Caller) async throws -> ApplicationRecord {
        guard let app = try await lifecycle.application(id: id, lock: lock) else {
            throw StoreError.notFound(entity: "application", id: id)
        }
        try caller.reach(bankId: app.bankId, entity: "application", id: id)
        return app
    }

    static func checkVersion(_ app: ApplicationRecord, _ ifMatch: String?) throws {
        guard let expected = try VersionTag.version(from: ifMatch) else { return }
        guard expected == app.version else { throw StoreError.stale(entity: "application", id: app.id, current: app.version) }
    }

    static func nextState(_ app: ApplicationRecord, _ action: ApplicationAction, by caller: Caller) throws(WorkflowError) -> ApplicationState {
        switch Transitions.next(from: app.state, action: action, by: caller.role) {
        case .success(let state): return state
        case .failure(.illegal(let from, _)):
            throw WorkflowError(.conflict, code: "illegal_transition", zh: "申请 #\(app.id) 当前状态为「\(from.zh)」，不能\(action.zh)",
                                en: "Application #\(app.id) is \(from.en); it cannot \(action.en)", field: "action")
        case .failure(.forbidden(_, _)):
            throw WorkflowError(.forbidden, code: "role_not_allowed", zh: "您的角色不能对申请执行「\(action.zh)」",
                                en: "Your role may not ask for an application to \(action.en)", field: "action")
        }
    }

    /// The assets named, each of the firm's own; or the engine's suggested package for the amount and term.
    static func pledgeSet(_ request: ApplicationInput, firm: MatchFirm, assets: [MatchAsset], product: MatchProduct,
                          asOf: CivilDate) throws(WorkflowError) -> [Int64] {
        if let ids = request.assetIds {
            let held = Set(assets.map(\.id))
            if let stranger = ids.first(where: { !held.contains($0) }) {
                throw WorkflowError.invalid("unknown_asset", field: "assetIds", zh: "资产 #\(stranger) 不属于该企业或已归档",
                                            en: "Asset #\(stranger) is not one of the firm's active assets")
            }
            return ids.sorted()
        }
        let result = MatchEngine.evaluate(firm: firm, assets: assets, product: product,
                                          request: LoanRequest(asOf: asOf, amountFen: request.amountFen, termMonths: request.termMonths))
        guard let package = result.package else {
            throw WorkflowError(.invalid, code: "no_package", zh: "没有可覆盖申请金额的质押组合：\(result.summaryZh)",
                                en: "No pledge package covers the amount: \(result.summaryEn)", field: "amountFen")
        }
        return package.assetIds.sorted()
    }

    /// The hard gates again, on the application's own assets, as of the day the step takes effect.
    func recheckGates(_ app: ApplicationRecord, asOf day: CivilDate, termEnd: CivilDate? = nil,
                      ignoringPledges: Bool = false) async throws {
        guard let product = try await matching.product(app.productId, using: database),
              let (firm, assets) = try await matching.firm(app.firmId, using: database) else {
            throw WorkflowError(.conflict, code: "archived", zh: "企业或贷款产品已归档", en: "The firm or the product is archived")
        }
        let chosen = assets.filter { app.assetIds.contains($0.id) }.map { asset in
            var asset = asset
            if ignoringPledges { asset.pledgedBy = nil }
            return asset
        }
        let failed = Self.gateFailures(app, chosen: chosen, firm: firm, product: product, asOf: day, termEnd: termEnd)
        guard let first = failed.first else { return }
        throw WorkflowError(.conflict, code: "gate_failed", zh: "准入条件未通过：\(first.zh)", en: "A hard gate failed: \(first.en)",
                            field: first.code, errors: failed)
    }

    static func gateFailures(_ app: ApplicationRecord, chosen: [MatchAsset], firm: MatchFirm, product: MatchProduct,
                             asOf day: CivilDate, termEnd: CivilDate?) -> [FieldError] {
        var failed: [FieldError] = []
        for missing in Set(app.assetIds).subtracting(chosen.map(\.id)).sorted() {
            failed.append(.init("asset_archived", field: "assetIds", zh: "资产 #\(missing) 已归档", en: "Asset #\(missing) is archived"))
        }
        let result = MatchEngine.evaluate(firm: firm, assets: chosen, product: product,
                                          request: LoanRequest(asOf: day, amountFen: app.amountFen, termMonths: app.termMonths))
        for gate in result.firmGates where !gate.passed {
            failed.append(.init(gate.code.rawValue, field: "firm", zh: gate.zh, en: gate.en))
        }
        for verdict in result.assets {
            for gate in verdict.gates where !gate.passed {
                failed.append(.init(gate.code.rawValue, field: "assets[\(verdict.assetId)]", zh: gate.zh, en: gate.en))
            }
        }
        if let end = termEnd, let expiring = chosen.first(where: { asset in asset.expiryDate.map { $0 <= end } ?? false }) {
            failed.append(.init("asset_outlives_loan", field: "maturityOn",
                                zh: "资产 #\(expiring.id) 的保护期在到期日之前结束", en: "Asset #\(expiring.id) expires before the maturity date"))
        }
        return failed
    }
}
