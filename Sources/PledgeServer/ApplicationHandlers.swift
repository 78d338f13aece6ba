import Foundation
import PledgeAPI
import PledgeCore
import PledgeStore

/// Applications: drafted from a match, moved by the one transition table, disbursed with their pledge.
/// Every write runs in the request's transaction (TransactionMiddleware), and the application row is
/// locked before it is judged, so two moves of one application happen one after the other.
extension PledgeService {
    func listApplications(_ input: Operations.ListApplications.Input) async throws -> Operations.ListApplications.Output {
        let q = input.query
        var filter = LifecycleRepository.ApplicationFilter(
            state: q.state.flatMap { ApplicationState(rawValue: $0.rawValue) }, firmId: try QueryCheck.id(q.firmId, "firmId"),
            bankId: try QueryCheck.id(q.bankId, "bankId"), productId: try QueryCheck.id(q.productId, "productId"))
        if let bank = boundary.scope {
            if let asked = filter.bankId, asked != bank { return .ok(.init(body: .json(.init(items: [])))) }
            filter.bankId = bank
        }
        let page = try await lifecycle.applications(filter, page: Paging.request(cursor: q.cursor, limit: q.limit, includeArchived: nil))
        return .ok(.init(body: .json(.init(items: page.items.map(Self.application), nextCursor: Paging.cursor(page.nextCursor)))))
    }

    func createApplication(_ input: Operations.CreateApplication.Input) async throws -> Operations.CreateApplication.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        let request = try ApplicationInput(firmId: b.firmId, productId: b.productId, amountFen: b.amountFen, termMonths: b.termMonths,
                                           assetIds: b.assetIds, note: b.note).validated()
        guard let product = try await matching.product(request.productId, using: database) else {
            throw Self.invalid("unknown_product", "productId", zh: "贷款产品不存在或已归档", en: "No such (active) loan product")
        }
        // Another bank's product is, to this officer, no product at all.
        if let bank = boundary.scope, bank != product.bankId {
            throw Self.invalid("unknown_product", "productId", zh: "贷款产品不存在或已归档", en: "No such (active) loan product")
        }
        guard let (firm, assets) = try await matching.firm(request.firmId, using: database) else {
            throw Self.invalid("unknown_firm", "firmId", zh: "企业不存在或已归档", en: "No such (active) firm")
        }
        let assetIds = try Self.pledgeSet(request, firm: firm, assets: assets, product: product, asOf: today())
        let app = try await lifecycle.createApplication(request, bankId: product.bankId, assetIds: assetIds, actor: Self.actor)
        return .created(.init(headers: .init(eTag: ETag.make(app.version), location: "/applications/\(app.id)"),
                              body: .json(Self.application(app))))
    }

    /// The assets named, each of the firm's own; or the engine's suggested package for the amount and term.
    static func pledgeSet(_ request: ApplicationInput, firm: MatchFirm, assets: [MatchAsset], product: MatchProduct,
                          asOf: CivilDate) throws -> [Int64] {
        if let ids = request.assetIds {
            let held = Set(assets.map(\.id))
            if let stranger = ids.first(where: { !held.contains($0) }) {
                throw invalid("unknown_asset", "assetIds", zh: "资产 #\(stranger) 不属于该企业或已归档",
                              en: "Asset #\(stranger) is not one of the firm's active assets")
            }
            return ids.sorted()
        }
        let result = MatchEngine.evaluate(firm: firm, assets: assets, product: product,
                                          request: LoanRequest(asOf: asOf, amountFen: request.amountFen, termMonths: request.termMonths))
        guard let package = result.package else {
            throw APIProblem(.unprocessableContent, code: "no_package", zh: "没有可覆盖申请金额的质押组合：\(result.summaryZh)",
                             en: "No pledge package covers the amount: \(result.summaryEn)", field: "amountFen")
        }
        return package.assetIds.sorted()
    }

    func getApplication(_ input: Operations.GetApplication.Input) async throws -> Operations.GetApplication.Output {
        let app = try await reachableApplication(input.path.applicationId, lock: false)
        return .ok(.init(headers: .init(eTag: ETag.make(app.version)), body: .json(Self.application(app))))
    }

    func transitionApplication(_ input: Operations.TransitionApplication.Input) async throws -> Operations.TransitionApplication.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        let reason = try QueryCheck.text(b.reason, "reason", max: 2000)
        let app = try await reachableApplication(input.path.applicationId, lock: true)
        try Self.checkVersion(app, input.headers.ifMatch)
        let action = ApplicationAction(rawValue: b.action.rawValue)!
        let next = try Self.nextState(app, action)
        if action == .approve { try await recheckGates(app, asOf: today()) }
        try await lifecycle.move(app, action: action, to: next, actor: Self.actor, reason: reason)
        let moved = try await lifecycle.application(id: app.id)!
        return .ok(.init(headers: .init(eTag: ETag.make(moved.version)), body: .json(Self.application(moved))))
    }

    func disburseApplication(_ input: Operations.DisburseApplication.Input) async throws -> Operations.DisburseApplication.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        let app = try await reachableApplication(input.path.applicationId, lock: true)
        try Self.checkVersion(app, input.headers.ifMatch)
        let next = try Self.nextState(app, .disburse)
        let valid = try DisbursementInput(disbursedAt: Self.timestamp(b.disbursedAt), maturityOn: b.maturityOn, rateBp: b.rateBp,
                                          registrationNumber: b.registrationNumber, registeredOn: b.registeredOn,
                                          securedAmountFen: b.securedAmountFen).validated(today: today())
        // Another pledge of an asset is left to the pledge's unique index, which names its application.
        try await recheckGates(app, asOf: valid.disbursedOn, termEnd: valid.maturityOn, ignoringPledges: true)
        let loanId = try await lifecycle.disburse(app, valid, actor: Self.actor, requestId: nil)
        try await lifecycle.move(app, action: .disburse, to: next, actor: Self.actor, reason: nil)
        let loan = try await lifecycle.loan(id: loanId)!
        return .created(.init(headers: .init(location: "/loans/\(loanId)"), body: .json(Self.loan(loan))))
    }

    // MARK: Rules shared by the lifecycle handlers

    /// The application, if the caller may see it; another bank's is "not found", never "forbidden".
    func reachableApplication(_ id: Int64, lock: Bool) async throws -> ApplicationRecord {
        guard let app = try await lifecycle.application(id: id, lock: lock) else {
            throw StoreError.notFound(entity: "application", id: id)
        }
        try boundary.check(bankId: app.bankId, entity: "application", id: id)
        return app
    }

    static func checkVersion(_ app: ApplicationRecord, _ ifMatch: String) throws {
        guard let expected = try ETag.version(from: ifMatch) else { return }
        guard expected == app.version else { throw StoreError.stale(entity: "application", id: app.id, current: app.version) }
    }

    static func nextState(_ app: ApplicationRecord, _ action: ApplicationAction) throws -> ApplicationState {
        switch Transitions.next(from: app.state, action: action, by: RequestPrincipal.current?.role) {
        case .success(let state): return state
        case .failure(.illegal(let from, _)):
            throw APIProblem(.conflict, code: "illegal_transition",
                             zh: "申请 #\(app.id) 当前状态为「\(from.zh)」，不能\(action.zh)",
                             en: "Application #\(app.id) is \(from.en); it cannot \(action.en)", field: "action")
        case .failure(.forbidden(_, _)):
            throw APIProblem(.forbidden, code: "role_not_allowed", zh: "您的角色不能对申请执行「\(action.zh)」",
                             en: "Your role may not ask for an application to \(action.en)", field: "action")
        }
    }

    /// The hard gates again, on the application's own assets, as of the day the step takes effect.
    func recheckGates(_ app: ApplicationRecord, asOf day: CivilDate, termEnd: CivilDate? = nil,
                      ignoringPledges: Bool = false) async throws {
        guard let product = try await matching.product(app.productId, using: database),
              let (firm, assets) = try await matching.firm(app.firmId, using: database) else {
            throw APIProblem(.conflict, code: "archived", zh: "企业或贷款产品已归档", en: "The firm or the product is archived")
        }
        let chosen = assets.filter { app.assetIds.contains($0.id) }.map { asset in
            var asset = asset
            if ignoringPledges { asset.pledgedBy = nil }
            return asset
        }
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
        if let end = termEnd, let expiring = chosen.first(where: { ($0.expiryDate ?? .init(daysSinceEpoch: Int.max / 2)) <= end }) {
            failed.append(.init("asset_outlives_loan", field: "maturityOn",
                                zh: "资产 #\(expiring.id) 的保护期在到期日之前结束", en: "Asset #\(expiring.id) expires before the maturity date"))
        }
        guard let first = failed.first else { return }
        throw APIProblem(.conflict, code: "gate_failed", zh: "准入条件未通过：\(first.zh)", en: "A hard gate failed: \(first.en)",
                         field: first.code, errors: failed)
    }

    static var actor: String { RequestPrincipal.current?.actor ?? "anonymous" }

    static func invalid(_ code: String, _ field: String, zh: String, en: String) -> APIProblem {
        APIProblem(.unprocessableContent, code: code, zh: zh, en: en, field: field, errors: [.init(code, field: field, zh: zh, en: en)])
    }

    static func timestamp(_ date: Date?) -> Timestamp {
        // Never traps on a far date; the validators refuse moments outside 1900–2200 (Checker.moment).
        Timestamp(seconds: (date ?? Date()).timeIntervalSince1970)
    }

    static func application(_ a: ApplicationRecord) -> Components.Schemas.Application {
        .init(id: a.id, version: a.version, firmId: a.firmId, bankId: a.bankId, productId: a.productId, amountFen: a.amountFen,
              termMonths: a.termMonths, state: .init(rawValue: a.state.rawValue)!, stateZh: a.state.zh, assetIds: a.assetIds,
              note: a.note, loanIds: a.loanIds,
              transitions: a.steps.map { .init(seq: $0.seq, action: $0.action, fromState: $0.fromState, toState: $0.toState,
                                               actor: $0.actor, reason: $0.reason, at: $0.at.apiTimestamp) },
              createdAt: a.createdAt.apiTimestamp, updatedAt: a.updatedAt.apiTimestamp)
    }
}
