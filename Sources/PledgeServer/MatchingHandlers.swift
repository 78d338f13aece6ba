import Foundation
import OpenAPIRuntime
import PledgeAPI
import PledgeCore
import PledgeStore
import PledgeWorkflows

extension PledgeService {
    /// Served by FirmMatchesMiddleware, which writes the same answer without the generated encoder;
    /// this answers the requests it passes on (an Accept header, a parameter it does not read).
    func listFirmMatches(_ input: Operations.ListFirmMatches.Input) async throws -> Operations.ListFirmMatches.Output {
        let q = input.query
        let matches = try await firmMatches(input.path.firmId, asOf: q.asOf, amountFen: q.amountFen, termMonths: q.termMonths)
        return .ok(.init(body: .json(.init(firmId: matches.firmId, asOf: matches.asOf.api,
                                           items: try matches.items.map { try Self.match($0.result, bankId: $0.bankId) }))))
    }

    func firmMatches(_ firmId: Int64, asOf: String?, amountFen: Int64?, termMonths: Int?) async throws -> FirmMatches {
        let (firm, assets) = try await currentFirm(firmId)
        let request = try loanRequest(asOf: asOf, amount: amountFen, term: termMonths)
        let products = await matchIndex.allProducts
        let results = await evaluateAll(firm: firm, assets: assets, products: products, request: request)
        let bankOf = Dictionary(products.map { ($0.id, $0.bankId) }, uniquingKeysWith: { first, _ in first })
        return FirmMatches(firmId: firm.id, asOf: request.asOf, items: results.map { ($0, bankOf[$0.productId] ?? 0) })
    }

    func getMatch(_ input: Operations.GetMatch.Input) async throws -> Operations.GetMatch.Output {
        let q = input.query
        let (firm, assets) = try await currentFirm(input.path.firmId)
        let product = try await currentProduct(input.path.productId)
        let request = try loanRequest(asOf: q.asOf, amount: q.amountFen, term: q.termMonths)
        let result = MatchEngine.evaluate(firm: firm, assets: assets, product: product, request: request)
        return .ok(.init(body: .json(try Self.match(result, bankId: product.bankId))))
    }

    /// Served by CandidatesMiddleware, which writes the same page without the generated encoder;
    /// this answers the requests it passes on.
    func listCandidates(_ input: Operations.ListCandidates.Input) async throws -> Operations.ListCandidates.Output {
        let q = input.query
        let page = try await candidatePage(CandidateQuestion(productId: input.path.productId, industryCode: q.industryCode,
                                                             town: q.town, ipType: q.ipType, minScore: q.minScore,
                                                             minCapacityFen: q.minCapacityFen, cursor: q.cursor, limit: q.limit))
        return .ok(.init(body: .json(.init(productId: page.productId, asOf: page.found.asOf.api,
                                           items: page.found.items.map(Self.candidate), nextCursor: page.found.next?.cursor))))
    }

    func candidatePage(_ q: CandidateQuestion) async throws -> CandidatePage {
        let filter = try candidateFilter(industryCode: q.industryCode, town: q.town, ipType: q.ipType,
                                         minScore: q.minScore, minCapacityFen: q.minCapacityFen)
        let after = try q.cursor.map { cursor in
            guard let key = CandidateKey(cursor: cursor) else {
                throw APIProblem.badParameter("cursor", zh: "cursor 无效，请使用上一页返回的 nextCursor",
                                              en: "Invalid cursor; pass the nextCursor of the previous page")
            }
            return key
        }
        let limit = try Paging.request(cursor: nil, limit: q.limit, includeArchived: nil).limit
        let found = try await matchingFlow.candidates(productId: q.productId, filter: filter, after: after, limit: limit,
                                                      format: "json", by: caller)
        return CandidatePage(productId: q.productId, found: found)
    }

    func exportCandidates(_ input: Operations.ExportCandidates.Input) async throws -> Operations.ExportCandidates.Output {
        let q = input.query
        let filter = try candidateFilter(industryCode: q.industryCode, town: q.town, ipType: q.ipType,
                                         minScore: q.minScore, minCapacityFen: q.minCapacityFen)
        let all = try await matchingFlow.candidates(productId: input.path.productId, filter: filter, after: nil, limit: nil,
                                                    format: "csv", by: caller)
        let csv = CandidateCSV.render(product: all.product.fields, filter: filter, asOf: all.asOf, generatedAt: Date(),
                                      candidates: all.items)
        return .ok(.init(headers: .init(contentDisposition: ContentDisposition.attachment("candidates-\(all.product.fields.code).csv")),
                         body: .csv(HTTPBody(csv))))
    }

    func whatIf(_ input: Operations.WhatIf.Input) async throws -> Operations.WhatIf.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedBody }
        let changes = WhatIfInput(body, firmId: input.path.firmId, asOf: input.query.asOf)
        let (asOf, items) = try await matchingFlow.whatIf(firmId: input.path.firmId, changes, today: today())
        return .ok(.init(body: .json(.init(firmId: input.path.firmId, asOf: asOf.api, items: try items.map(Self.whatIfItem)))))
    }

    func getBatchCredit(_ input: Operations.GetBatchCredit.Input) async throws -> Operations.GetBatchCredit.Output {
        let q = input.query
        let product = try await currentProduct(input.path.productId)
        let request = try loanRequest(asOf: q.asOf, amount: nil, term: q.termMonths)
        guard let mark = await matchIndex.collectiveMark(q.markAssetId),
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

    func currentFirm(_ id: Int64) async throws -> (MatchFirm, [MatchAsset]) { try await matchingFlow.currentFirm(id) }

    func currentProduct(_ id: Int64) async throws -> MatchProduct { try await matchingFlow.currentProduct(id) }

    func loanRequest(asOf: String?, amount: Int64?, term: Int?) throws -> LoanRequest {
        try matchingFlow.loanRequest(asOf: asOf, amountFen: amount, termMonths: term, today: today())
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
