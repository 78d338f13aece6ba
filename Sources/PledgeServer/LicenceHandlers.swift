import PledgeAPI
import PledgeCore
import PledgeStore

extension PledgeService {
    func listLicences(_ input: Operations.ListLicences.Input) async throws -> Operations.ListLicences.Output {
        let q = input.query
        let page = try await licences.list(markAssetId: QueryCheck.id(q.markAssetId, "markAssetId"),
                                           firmId: QueryCheck.id(q.firmId, "firmId"),
                                           page: Paging.request(cursor: q.cursor, limit: q.limit, includeArchived: q.includeArchived))
        return .ok(.init(body: .json(.init(items: page.items.map(Self.licence), nextCursor: Paging.cursor(page.nextCursor)))))
    }

    func createLicence(_ input: Operations.CreateLicence.Input) async throws -> Operations.CreateLicence.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        let licence = try await licences.create(LicenceInput(firmId: b.firmId, markAssetId: b.markAssetId, licenceNumber: b.licenceNumber,
                                                             validFrom: b.validFrom, validUntil: b.validUntil).validated())
        return .created(.init(headers: .init(location: "/licences/\(licence.id)"), body: .json(Self.licence(licence))))
    }

    func archiveLicence(_ input: Operations.ArchiveLicence.Input) async throws -> Operations.ArchiveLicence.Output {
        try await licences.archive(id: input.path.licenceId)
        return .noContent(.init())
    }

    static func licence(_ l: StoredLicence) -> Components.Schemas.Licence {
        .init(id: l.id, markFirmId: l.markFirmId, firmId: l.fields.firmId, markAssetId: l.fields.markAssetId,
              licenceNumber: l.fields.licenceNumber, validFrom: l.fields.validFrom.api, validUntil: l.fields.validUntil.api,
              createdAt: l.createdAt.apiTimestamp, archivedAt: l.archivedAt?.apiTimestamp)
    }
}
