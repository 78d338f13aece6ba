import PledgeAPI
import PledgeCore
import PledgeStore

extension PledgeService {
    func listTargets(_ input: Operations.ListTargets.Input) async throws -> Operations.ListTargets.Output {
        let q = input.query
        let page = try await targets.list(page: Paging.request(cursor: q.cursor, limit: q.limit, includeArchived: q.includeArchived))
        return .ok(.init(body: .json(.init(items: page.items.map(Self.target), nextCursor: Paging.cursor(page.nextCursor)))))
    }

    func createTarget(_ input: Operations.CreateTarget.Input) async throws -> Operations.CreateTarget.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedBody }
        let t = try await targets.create(Self.targetInput(body).validated())
        return .created(.init(headers: .init(eTag: ETag.make(t.version), location: "/targets/\(t.id)"), body: .json(Self.target(t))))
    }

    func getTarget(_ input: Operations.GetTarget.Input) async throws -> Operations.GetTarget.Output {
        let t = try await targets.get(id: input.path.targetId)
        return .ok(.init(headers: .init(eTag: ETag.make(t.version)), body: .json(Self.target(t))))
    }

    func updateTarget(_ input: Operations.UpdateTarget.Input) async throws -> Operations.UpdateTarget.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedBody }
        let version = try ETag.version(from: input.headers.ifMatch)!
        let t = try await targets.update(id: input.path.targetId, expectedVersion: version, Self.targetInput(body).validated())
        return .ok(.init(headers: .init(eTag: ETag.make(t.version)), body: .json(Self.target(t))))
    }

    func archiveTarget(_ input: Operations.ArchiveTarget.Input) async throws -> Operations.ArchiveTarget.Output {
        try await targets.archive(id: input.path.targetId, expectedVersion: ETag.version(from: input.headers.ifMatch))
        return .noContent(.init())
    }

    static func targetInput(_ b: Components.Schemas.TargetInput) -> ProgrammeTargetInput {
        ProgrammeTargetInput(name: b.name, baselineDate: b.baselineDate, deadline: b.deadline, amountFen: b.amountFen, firmCount: b.firmCount)
    }

    static func target(_ s: Stored<ProgrammeTargetFields>) -> Components.Schemas.Target {
        let t = s.fields
        return .init(id: s.id, version: s.version, createdAt: s.createdAt.apiTimestamp, updatedAt: s.updatedAt.apiTimestamp,
                     archivedAt: s.archivedAt?.apiTimestamp, name: t.name, baselineDate: t.baselineDate.api,
                     deadline: t.deadline.api, amountFen: t.amountFen, firmCount: t.firmCount)
    }
}
