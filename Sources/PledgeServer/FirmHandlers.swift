import PledgeAPI
import PledgeCore
import PledgeStore

extension PledgeService {
    func listFirms(_ input: Operations.ListFirms.Input) async throws -> Operations.ListFirms.Output {
        let q = input.query
        let page = try await firms.list(
            FirmFilter(industryCode: QueryCheck.text(q.industryCode, "industryCode", max: 40), town: QueryCheck.text(q.town, "town", max: 100),
                       size: q.size.flatMap { FirmSize(rawValue: $0.rawValue) }, search: QueryCheck.text(q.q, "q", max: 100)),
            page: Paging.request(cursor: q.cursor, limit: q.limit, includeArchived: q.includeArchived))
        return .ok(.init(body: .json(.init(items: try page.items.map(Self.firm), nextCursor: Paging.cursor(page.nextCursor)))))
    }

    func createFirm(_ input: Operations.CreateFirm.Input) async throws -> Operations.CreateFirm.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedBody }
        let firm = try await firms.create(Self.firmInput(body).validated(today: today()))
        return .created(.init(headers: .init(eTag: ETag.make(firm.version), location: "/firms/\(firm.id)"),
                              body: .json(try Self.firm(firm))))
    }

    func getFirm(_ input: Operations.GetFirm.Input) async throws -> Operations.GetFirm.Output {
        // A bank officer sees a firm while its consent to share with their bank is in force, or
        // when it applied to their bank.
        if boundary.enforced, let bankId = BankBoundary.consentFilterBank,
           try await !consents.firmReachesBank(firmId: input.path.firmId, bankId: bankId) {
            throw StoreError.notFound(entity: "firm", id: input.path.firmId)
        }
        let firm = try await firms.get(id: input.path.firmId)
        return .ok(.init(headers: .init(eTag: ETag.make(firm.version)), body: .json(try Self.firm(firm))))
    }

    func updateFirm(_ input: Operations.UpdateFirm.Input) async throws -> Operations.UpdateFirm.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedBody }
        let version = try ETag.version(from: input.headers.ifMatch)!
        let firm = try await firms.update(id: input.path.firmId, expectedVersion: version,
                                          Self.firmInput(body).validated(today: today()))
        return .ok(.init(headers: .init(eTag: ETag.make(firm.version)), body: .json(try Self.firm(firm))))
    }

    func archiveFirm(_ input: Operations.ArchiveFirm.Input) async throws -> Operations.ArchiveFirm.Output {
        try await firms.archive(id: input.path.firmId, expectedVersion: ETag.version(from: input.headers.ifMatch))
        return .noContent(.init())
    }

    static func firmInput(_ b: Components.Schemas.FirmInput) -> FirmInput {
        FirmInput(creditCode: b.creditCode, name: b.name, industryCode: b.industryCode, town: b.town, size: b.size.rawValue,
                  foundedOn: b.foundedOn, annualRevenueFen: b.annualRevenueFen, rdExpenseFen: b.rdExpenseFen,
                  totalAssetsFen: b.totalAssetsFen, totalLiabilitiesFen: b.totalLiabilitiesFen, employees: b.employees,
                  highTech: b.highTech ?? false, specialized: b.specialized ?? false,
                  ipDemonstration: b.ipDemonstration ?? false, badCredit: b.badCredit ?? false)
    }

    static func firm(_ s: Stored<FirmFields>) throws -> Components.Schemas.Firm {
        let f = s.fields
        return .init(id: s.id, version: s.version, createdAt: s.createdAt.apiTimestamp, updatedAt: s.updatedAt.apiTimestamp,
                     archivedAt: s.archivedAt?.apiTimestamp, creditCode: f.creditCode, name: f.name,
                     industryCode: f.industryCode, town: f.town, size: try CoreEnum.api(f.size),
                     foundedOn: f.foundedOn.api, annualRevenueFen: f.annualRevenueFen, rdExpenseFen: f.rdExpenseFen,
                     totalAssetsFen: f.totalAssetsFen, totalLiabilitiesFen: f.totalLiabilitiesFen, employees: f.employees,
                     highTech: f.highTech, specialized: f.specialized, ipDemonstration: f.ipDemonstration, badCredit: f.badCredit)
    }
}

extension APIProblem {
    static let unsupportedBody = APIProblem(.unsupportedMediaType, code: "unsupported_media_type",
                                            zh: "请求体必须是 application/json", en: "The body must be application/json")
}
