import PledgeAPI
import PledgeCore
import PledgeStore

extension PledgeService {
    func listAssets(_ input: Operations.ListAssets.Input) async throws -> Operations.ListAssets.Output {
        let q = input.query
        let filter = AssetFilter(firmId: try QueryCheck.id(q.firmId, "firmId"), type: q._type.flatMap { IPType(rawValue: $0.rawValue) },
                                 legalStatus: q.legalStatus.flatMap { LegalStatus(rawValue: $0.rawValue) })
        let page = try await assets.list(filter, page: Paging.request(cursor: q.cursor, limit: q.limit,
                                                                      includeArchived: q.includeArchived))
        return .ok(.init(body: .json(.init(items: try page.items.map(Self.asset), nextCursor: Paging.cursor(page.nextCursor)))))
    }

    func createAsset(_ input: Operations.CreateAsset.Input) async throws -> Operations.CreateAsset.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedBody }
        let asset = try await assets.create(Self.assetInput(body).validated(today: today()))
        return .created(.init(headers: .init(eTag: ETag.make(asset.version), location: "/assets/\(asset.id)"),
                              body: .json(try Self.asset(asset))))
    }

    func getAsset(_ input: Operations.GetAsset.Input) async throws -> Operations.GetAsset.Output {
        let asset = try await assets.get(id: input.path.assetId)
        return .ok(.init(headers: .init(eTag: ETag.make(asset.version)), body: .json(try Self.asset(asset))))
    }

    func updateAsset(_ input: Operations.UpdateAsset.Input) async throws -> Operations.UpdateAsset.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedBody }
        let version = try ETag.version(from: input.headers.ifMatch)!
        let asset = try await assets.update(id: input.path.assetId, expectedVersion: version,
                                            Self.assetInput(body).validated(today: today()))
        return .ok(.init(headers: .init(eTag: ETag.make(asset.version)), body: .json(try Self.asset(asset))))
    }

    func archiveAsset(_ input: Operations.ArchiveAsset.Input) async throws -> Operations.ArchiveAsset.Output {
        try await assets.archive(id: input.path.assetId, expectedVersion: ETag.version(from: input.headers.ifMatch))
        return .noContent(.init())
    }

    static func assetInput(_ b: Components.Schemas.AssetInput) -> AssetInput {
        let i = b.indicators
        return AssetInput(
            firmId: b.firmId, type: b._type.rawValue, number: b.number, title: b.title, filingDate: b.filingDate,
            grantDate: b.grantDate, registrationDate: b.registrationDate, firstUseDate: b.firstUseDate,
            expiryDate: b.expiryDate, renewalCount: b.renewalCount ?? 0, legalStatus: b.legalStatus.rawValue,
            ipcClasses: b.ipcClasses ?? [], niceClasses: b.niceClasses ?? [],
            indicators: ValueIndicators(claims: i?.claims, forwardCitations: i?.forwardCitations, familySize: i?.familySize,
                                        licences: i?.licences, litigations: i?.litigations),
            coOwners: (b.coOwners ?? []).map {
                AssetInput.CoOwner(name: $0.name, creditCode: $0.creditCode, shareBp: $0.shareBp, consentToPledge: $0.consentToPledge)
            })
    }

    static func asset(_ s: Stored<AssetFields>) throws -> Components.Schemas.Asset {
        let f = s.fields, i = f.indicators
        return .init(
            id: s.id, version: s.version, createdAt: s.createdAt.apiTimestamp, updatedAt: s.updatedAt.apiTimestamp,
            archivedAt: s.archivedAt?.apiTimestamp, firmId: f.firmId, _type: try CoreEnum.api(f.type),
            number: f.number, title: f.title, filingDate: f.filingDate?.api, grantDate: f.grantDate?.api,
            registrationDate: f.registrationDate?.api, firstUseDate: f.firstUseDate?.api, expiryDate: f.expiryDate?.api,
            renewalCount: f.renewalCount, legalStatus: try CoreEnum.api(f.legalStatus), ipcClasses: f.ipcClasses,
            niceClasses: f.niceClasses,
            indicators: .init(claims: i.claims, forwardCitations: i.forwardCitations, familySize: i.familySize,
                              licences: i.licences, litigations: i.litigations),
            coOwners: f.coOwners.map { .init(name: $0.name, creditCode: $0.creditCode, shareBp: $0.shareBp,
                                             consentToPledge: $0.consentToPledge) })
    }
}
