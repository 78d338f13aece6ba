import PledgeAPI
import PledgeCore
import PledgeStore

extension PledgeService {
    func listProducts(_ input: Operations.ListProducts.Input) async throws -> Operations.ListProducts.Output {
        let q = input.query
        var bankId = try QueryCheck.id(q.bankId, "bankId")
        // A bank officer's list holds their bank's products only, whatever bankId asks for.
        if let own = boundary.scope { bankId = (bankId == nil || bankId == own) ? own : -1 }
        let page = try await products.list(bankId: bankId, page: Paging.request(cursor: q.cursor, limit: q.limit,
                                                                                includeArchived: q.includeArchived))
        return .ok(.init(body: .json(.init(items: try page.items.map(Self.product), nextCursor: Paging.cursor(page.nextCursor)))))
    }

    func createProduct(_ input: Operations.CreateProduct.Input) async throws -> Operations.CreateProduct.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedBody }
        let p = try await products.create(Self.productInput(body).validated())
        return .created(.init(headers: .init(eTag: ETag.make(p.version), location: "/products/\(p.id)"), body: .json(try Self.product(p))))
    }

    func getProduct(_ input: Operations.GetProduct.Input) async throws -> Operations.GetProduct.Output {
        let p = try await products.get(id: input.path.productId)
        try boundary.check(bankId: p.fields.bankId, entity: "product", id: p.id)
        return .ok(.init(headers: .init(eTag: ETag.make(p.version)), body: .json(try Self.product(p))))
    }

    func updateProduct(_ input: Operations.UpdateProduct.Input) async throws -> Operations.UpdateProduct.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedBody }
        let version = try ETag.version(from: input.headers.ifMatch)!
        let p = try await products.update(id: input.path.productId, expectedVersion: version, Self.productInput(body).validated())
        return .ok(.init(headers: .init(eTag: ETag.make(p.version)), body: .json(try Self.product(p))))
    }

    func archiveProduct(_ input: Operations.ArchiveProduct.Input) async throws -> Operations.ArchiveProduct.Output {
        try await products.archive(id: input.path.productId, expectedVersion: ETag.version(from: input.headers.ifMatch))
        return .noContent(.init())
    }

    static func productInput(_ b: Components.Schemas.ProductInput) -> ProductInput {
        ProductInput(
            bankId: b.bankId, code: b.code, name: b.name,
            ipTerms: b.ipTerms.map { .init(ipType: $0.ipType.rawValue, loanToValueBp: $0.loanToValueBp,
                                           minRemainingLifeMonths: $0.minRemainingLifeMonths) },
            minAmountFen: b.minAmountFen, maxAmountFen: b.maxAmountFen, minTermMonths: b.minTermMonths,
            maxTermMonths: b.maxTermMonths, rateSpreadBp: b.rateSpreadBp, eligibleIndustries: b.eligibleIndustries ?? [],
            valuationValidityMonths: b.valuationValidityMonths, minYearsOperating: b.minYearsOperating,
            minTrademarkUseYears: b.minTrademarkUseYears, interestSubsidyShareBp: b.interestSubsidyShareBp,
            subsidyCapFen: b.subsidyCapFen, riskFundShareBp: b.riskFundShareBp,
            weights: b.scoreWeights.map { ScoreWeights(ipValue: $0.ipValue, coverage: $0.coverage, firmStrength: $0.firmStrength,
                                                       strategicFit: $0.strategicFit, risk: $0.risk) } ?? .default)
    }

    static func product(_ s: Stored<ProductInput>) throws -> Components.Schemas.Product {
        let p = s.fields
        return .init(
            id: s.id, version: s.version, createdAt: s.createdAt.apiTimestamp, updatedAt: s.updatedAt.apiTimestamp,
            archivedAt: s.archivedAt?.apiTimestamp, bankId: p.bankId, code: p.code, name: p.name,
            ipTerms: try p.ipTerms.map { .init(ipType: try CoreEnum.api($0.ipType), loanToValueBp: $0.loanToValueBp,
                                           minRemainingLifeMonths: $0.minRemainingLifeMonths) },
            minAmountFen: p.minAmountFen, maxAmountFen: p.maxAmountFen, minTermMonths: p.minTermMonths,
            maxTermMonths: p.maxTermMonths, rateSpreadBp: p.rateSpreadBp, eligibleIndustries: p.eligibleIndustries,
            valuationValidityMonths: p.valuationValidityMonths, minYearsOperating: p.minYearsOperating,
            minTrademarkUseYears: p.minTrademarkUseYears, interestSubsidyShareBp: p.interestSubsidyShareBp,
            subsidyCapFen: p.subsidyCapFen, riskFundShareBp: p.riskFundShareBp,
            scoreWeights: .init(ipValue: p.weights.ipValue, coverage: p.weights.coverage, firmStrength: p.weights.firmStrength,
                                strategicFit: p.weights.strategicFit, risk: p.weights.risk))
    }
}
