import PledgeAPI
import PledgeCore
import PledgeStore

extension PledgeService {
    func listBanks(_ input: Operations.ListBanks.Input) async throws -> Operations.ListBanks.Output {
        let q = input.query
        let page = try await banks.list(page: Paging.request(cursor: q.cursor, limit: q.limit, includeArchived: q.includeArchived))
        return .ok(.init(body: .json(.init(items: page.items.map(Self.bank), nextCursor: Paging.cursor(page.nextCursor)))))
    }

    func createBank(_ input: Operations.CreateBank.Input) async throws -> Operations.CreateBank.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        let bank = try await banks.create(BankInput(code: b.code, name: b.name).validated())
        return .created(.init(headers: .init(eTag: ETag.make(bank.version), location: "/banks/\(bank.id)"), body: .json(Self.bank(bank))))
    }

    func getBank(_ input: Operations.GetBank.Input) async throws -> Operations.GetBank.Output {
        let bank = try await banks.get(id: input.path.bankId)
        return .ok(.init(headers: .init(eTag: ETag.make(bank.version)), body: .json(Self.bank(bank))))
    }

    func updateBank(_ input: Operations.UpdateBank.Input) async throws -> Operations.UpdateBank.Output {
        guard case .json(let b) = input.body else { throw APIProblem.unsupportedBody }
        let version = try ETag.version(from: input.headers.ifMatch)!
        let bank = try await banks.update(id: input.path.bankId, expectedVersion: version, BankInput(code: b.code, name: b.name).validated())
        return .ok(.init(headers: .init(eTag: ETag.make(bank.version)), body: .json(Self.bank(bank))))
    }

    func archiveBank(_ input: Operations.ArchiveBank.Input) async throws -> Operations.ArchiveBank.Output {
        try await banks.archive(id: input.path.bankId, expectedVersion: ETag.version(from: input.headers.ifMatch))
        return .noContent(.init())
    }

    static func bank(_ s: Stored<BankInput>) -> Components.Schemas.Bank {
        .init(id: s.id, version: s.version, createdAt: s.createdAt.apiTimestamp, updatedAt: s.updatedAt.apiTimestamp,
              archivedAt: s.archivedAt?.apiTimestamp, code: s.fields.code, name: s.fields.name)
    }
}
