import Foundation
import OpenAPIRuntime
import PledgeAPI
import PledgeCore
import PledgeStore

extension PledgeService {
    func listFirmMatches(_ input: Operations.ListFirmMatches.Input) async throws -> Operations.ListFirmMatches.Output {
        let q = input.query
        let (firm, assets) = try await currentFirm(input.path.firmId)
        let request = try loanRequest(asOf: q.asOf, amount: q.amountFen, term: q.termMonths)
        let products = await matchIndex.allProducts
        let results = await evaluateAll(firm: firm, assets: assets, products: products, request: request)
        let bankOf = Dictionary(uniqueKeysWithValues: products.map { ($0.id, $0.bankId) })
        return .ok(.init(body: .json(.init(firmId: firm.id, asOf: request.asOf.api,
                                           items: results.map { Self.match($0, bankId: bankOf[$0.productId] ?? 0) }))))
    }

    func getMatch(_ input: Operations.GetMatch.Input) async throws -> Operations.GetMatch.Output {
        let q = input.query
        let (firm, assets) = try await currentFirm(input.path.firmId)
        let product = try await currentProduct(input.path.productId)
        let request = try loanRequest(asOf: q.asOf, amount: q.amountFen, term: q.termMonths)
        let result = MatchEngine.evaluate(firm: firm, assets: assets, product: product, request: request)
        return .ok(.init(body: .json(Self.match(result, bankId: product.bankId))))
    }

    func listCandidates(_ input: Operations.ListCandidates.Input) async throws -> Operations.ListCandidates.Output {
        let q = input.query
        let filter = try candidateFilter(industryCode: q.industryCode, town: q.town, ipType: q.ipType,
                                         minScore: q.minScore, minCapacityFen: q.minCapacityFen)
        var after: CandidateKey?
        if let cursor = q.cursor {
            guard let key = CandidateKey(cursor: cursor) else {
                throw APIProblem.badParameter("cursor", zh: "cursor 无效，请使用上一页返回的 nextCursor",
                                              en: "Invalid cursor; pass the nextCursor of the previous page")
            }
            after = key
        }
        let limit = try Paging.request(cursor: nil, limit: q.limit, includeArchived: nil).limit
        let scoped = try await candidateScope(input.path.productId, filter)
        try await matchIndex.sync()
        guard let fetched = await matchIndex.candidates(productId: input.path.productId, filter: scoped, after: after,
                                                        limit: limit + 1) else {
            throw StoreError.notFound(entity: "product", id: input.path.productId)
        }
        let page = Array(fetched.prefix(limit))
        let next = fetched.count > limit ? page.last?.key.cursor : nil
        try await auditExport(input.path.productId, format: "json", filter: scoped, firms: page.map(\.firm.id))
        return .ok(.init(body: .json(.init(productId: input.path.productId, asOf: await matchIndex.asOf.api,
                                           items: page.map(Self.candidate), nextCursor: next))))
    }

    func exportCandidates(_ input: Operations.ExportCandidates.Input) async throws -> Operations.ExportCandidates.Output {
        let q = input.query
        let filter = try candidateFilter(industryCode: q.industryCode, town: q.town, ipType: q.ipType,
                                         minScore: q.minScore, minCapacityFen: q.minCapacityFen)
        let scoped = try await candidateScope(input.path.productId, filter)
        try await matchIndex.sync()
        guard let all = await matchIndex.candidates(productId: input.path.productId, filter: scoped, after: nil, limit: .max),
              let product = try? await products.get(id: input.path.productId) else {
            throw StoreError.notFound(entity: "product", id: input.path.productId)
        }
        try await auditExport(input.path.productId, format: "csv", filter: scoped, firms: all.map(\.firm.id))
        let csv = CandidateCSV.render(product: product.fields, filter: filter, asOf: await matchIndex.asOf,
                                      generatedAt: Date(), candidates: all)
        return .ok(.init(headers: .init(contentDisposition: ContentDisposition.attachment("candidates-\(product.fields.code).csv")),
                         body: .csv(HTTPBody(csv))))
    }

    func whatIf(_ input: Operations.WhatIf.Input) async throws -> Operations.WhatIf.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedBody }
        let (firm, assets) = try await currentFirm(input.path.firmId)
        let request = try loanRequest(asOf: input.query.asOf, amount: body.amountFen, term: body.termMonths)
        let changed = try WhatIf.apply(body, to: assets, firmId: firm.id, today: today())
        let targets: [MatchProduct]
        if let id = body.productId { targets = [try await currentProduct(id)] } else { targets = await matchIndex.allProducts }
        let items: [Components.Schemas.WhatIfItem] = targets.map { product in
            let before = MatchEngine.evaluate(firm: firm, assets: assets, product: product, request: request)
            let after = MatchEngine.evaluate(firm: firm, assets: changed, product: product, request: request)
            return .init(productId: product.id, before: Self.match(before, bankId: product.bankId),
                         after: Self.match(after, bankId: product.bankId),
                         scoreChange: Double(after.score.centiPoints - before.score.centiPoints) / 100,
                         capacityChangeFen: after.capacityFen - before.capacityFen)
        }
        return .ok(.init(body: .json(.init(firmId: firm.id, asOf: request.asOf.api, items: items))))
    }

    func getBatchCredit(_ input: Operations.GetBatchCredit.Input) async throws -> Operations.GetBatchCredit.Output {
        let q = input.query
        let product = try await currentProduct(input.path.productId)
        let request = try loanRequest(asOf: q.asOf, amount: nil, term: q.termMonths)
        guard let mark = await matchIndex.asset(q.markAssetId), mark.type == .giCollectiveMark,
              let owner = await matchIndex.firm(mark.firmId)?.firm else {
            throw StoreError.invalid(LicenceRepository.unknownMark)
        }
        var licensees: [(firm: MatchFirm, licence: MatchLicence)] = []
        for licence in await matchIndex.licences(ofMark: mark.id) {
            if let firm = await matchIndex.firm(licence.licenseeFirmId)?.firm { licensees.append((firm, licence)) }
        }
        let credit = MatchEngine.batchCredit(mark: mark, owner: owner, product: product, licensees: licensees, request: request)
        // A firm may hold several licences of one mark: one name per firm, never a trap on the duplicate.
        let names = Dictionary(licensees.map { ($0.firm.id, $0.firm.name) }, uniquingKeysWith: { first, _ in first })
        let term = request.termMonths ?? product.maxTermMonths
        return .ok(.init(body: .json(.init(
            markAssetId: mark.id, productId: product.id, asOf: request.asOf.api, termMonths: term, lineFen: credit.lineFen,
            allocatedFen: credit.shares.reduce(0) { $0 + $1.shareFen }, markGates: credit.markGates.map(Self.gate),
            shares: credit.shares.map {
                .init(firmId: $0.firmId, firmName: names[$0.firmId] ?? "", licenceId: $0.licenceId, eligible: $0.eligible,
                      shareFen: $0.shareFen, gates: $0.gates.map(Self.gate))
            }))))
    }

    // MARK: Reading the index

    /// The firm as of every write committed so far.
    /// Whose candidates the caller may see. The product is read from the database inside the request's
    /// transaction, so another bank's product is "not found" under row-level security even if the
    /// server's own check were missing; a bank officer's list is further limited, at every query, to
    /// the firms whose consent to share with the bank is in force now.
    func candidateScope(_ productId: Int64, _ filter: CandidateFilter) async throws -> CandidateFilter {
        let product = try await products.get(id: productId)
        try boundary.check(bankId: product.fields.bankId, entity: "product", id: productId)
        var scoped = filter
        if let bankId = BankBoundary.consentFilterBank { scoped.firmIds = try await consents.consentingFirms(bankId: bankId) }
        return scoped
    }

    /// Every candidate list a caller receives is an export of firm data: who, which product, which
    /// filters and which firms go to audit_log.
    func auditExport(_ productId: Int64, format: String, filter: CandidateFilter, firms: [Int64]) async throws {
        guard let principal = RequestPrincipal.current else { return }
        var details = ["format": format, "role": principal.role.rawValue, "count": "\(firms.count)",
                       "firmIds": firms.map(String.init).joined(separator: ",")]
        if let v = filter.industryCode { details["industryCode"] = v }
        if let v = filter.town { details["town"] = v }
        if let v = filter.ipType { details["ipType"] = v.rawValue }
        if let v = filter.minCentiPoints { details["minCentiPoints"] = "\(v)" }
        if let v = filter.minCapacityFen { details["minCapacityFen"] = "\(v)" }
        try await audit.record(action: "export", entity: "product", entityId: productId, actor: principal.actor,
                               requestId: RequestOrigin.current.requestId, details: details)
    }

    func currentFirm(_ id: Int64) async throws -> (MatchFirm, [MatchAsset]) {
        try await matchIndex.sync()
        guard let found = await matchIndex.firm(id) else { throw StoreError.notFound(entity: "firm", id: id) }
        return found
    }

    func currentProduct(_ id: Int64) async throws -> MatchProduct {
        try await matchIndex.sync()
        guard let product = await matchIndex.product(id) else { throw StoreError.notFound(entity: "product", id: id) }
        return product
    }

    func loanRequest(asOf: String?, amount: Int64?, term: Int?) throws -> LoanRequest {
        var day = today()
        if let asOf {
            var c = Checker()
            day = c.date(asOf, field: "asOf", label: Label("测算日期", "The as-of date")) ?? day
            try c.finish()
        }
        if let amount, !(1...Money.maxAmount).contains(amount) {
            throw APIProblem(.unprocessableContent, code: "out_of_range", zh: "申请金额必须大于 0（单位：分）",
                             en: "The amount must be positive (in fen)", field: "amountFen")
        }
        if let term, !(1...360).contains(term) {
            throw APIProblem(.unprocessableContent, code: "out_of_range", zh: "期限必须在 1 到 360 个月之间",
                             en: "The term must be 1 to 360 months", field: "termMonths")
        }
        return LoanRequest(asOf: day, amountFen: amount, termMonths: term)
    }

    private func candidateFilter(industryCode: String?, town: String?, ipType: Components.Schemas.IPType?,
                                 minScore: Double?, minCapacityFen: Int64?) throws -> CandidateFilter {
        if let minScore, !(0...100).contains(minScore) {
            throw APIProblem.badParameter("minScore", zh: "minScore 必须在 0 到 100 之间", en: "minScore must be between 0 and 100")
        }
        if let minCapacityFen, !(0...Money.maxAmount).contains(minCapacityFen) {
            throw APIProblem.badParameter("minCapacityFen", zh: "minCapacityFen 必须在 0 到 \(Money.maxAmount) 分之间",
                                          en: "minCapacityFen must be between 0 and \(Money.maxAmount) fen")
        }
        return CandidateFilter(industryCode: try QueryCheck.text(industryCode, "industryCode", max: 40),
                               town: try QueryCheck.text(town, "town", max: 100),
                               ipType: ipType.flatMap { IPType(rawValue: $0.rawValue) },
                               minCentiPoints: minScore.map { Int(($0 * 100).rounded(.up)) }, minCapacityFen: minCapacityFen)
    }
}
