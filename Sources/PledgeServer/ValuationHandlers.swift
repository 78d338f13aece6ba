import PledgeAPI
import PledgeCore
import PledgeStore

extension PledgeService {
    func listValuations(_ input: Operations.ListValuations.Input) async throws -> Operations.ListValuations.Output {
        let q = input.query
        let page = try await valuations.list(ValuationFilter(assetId: QueryCheck.id(q.assetId, "assetId"), firmId: QueryCheck.id(q.firmId, "firmId")),
                                             page: Paging.request(cursor: q.cursor, limit: q.limit, includeArchived: q.includeArchived))
        return .ok(.init(body: .json(.init(items: try page.items.map(Self.valuation), nextCursor: Paging.cursor(page.nextCursor)))))
    }

    func createValuation(_ input: Operations.CreateValuation.Input) async throws -> Operations.CreateValuation.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedBody }
        let v = try await valuations.create(Self.valuationInput(body).validated(today: today()))
        return .created(.init(headers: .init(eTag: ETag.make(v.record.version), location: "/valuations/\(v.record.id)"),
                              body: .json(try Self.valuation(v))))
    }

    func getValuation(_ input: Operations.GetValuation.Input) async throws -> Operations.GetValuation.Output {
        let v = try await valuations.get(id: input.path.valuationId)
        return .ok(.init(headers: .init(eTag: ETag.make(v.record.version)), body: .json(try Self.valuation(v))))
    }

    func updateValuation(_ input: Operations.UpdateValuation.Input) async throws -> Operations.UpdateValuation.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedBody }
        let version = try ETag.version(from: input.headers.ifMatch)!
        let v = try await valuations.update(id: input.path.valuationId, expectedVersion: version,
                                            Self.valuationInput(body).validated(today: today()))
        return .ok(.init(headers: .init(eTag: ETag.make(v.record.version)), body: .json(try Self.valuation(v))))
    }

    func archiveValuation(_ input: Operations.ArchiveValuation.Input) async throws -> Operations.ArchiveValuation.Output {
        try await valuations.archive(id: input.path.valuationId, expectedVersion: ETag.version(from: input.headers.ifMatch))
        return .noContent(.init())
    }

    static func valuationInput(_ b: Components.Schemas.ValuationInput) -> ValuationInput {
        ValuationInput(assetId: b.assetId, appraiser: b.appraiser, method: b.method.rawValue, valueFen: b.valueFen,
                       valuationDate: b.valuationDate, validUntil: b.validUntil, reportNumber: b.reportNumber)
    }

    static func valuation(_ v: StoredValuation) throws -> Components.Schemas.Valuation {
        let s = v.record, f = s.fields
        return .init(id: s.id, version: s.version, createdAt: s.createdAt.apiTimestamp, updatedAt: s.updatedAt.apiTimestamp,
                     archivedAt: s.archivedAt?.apiTimestamp, firmId: v.firmId, assetId: f.assetId, appraiser: f.appraiser,
                     method: try CoreEnum.api(f.method), valueFen: f.valueFen, valuationDate: f.valuationDate.api,
                     validUntil: f.validUntil.api, reportNumber: f.reportNumber)
    }
}
