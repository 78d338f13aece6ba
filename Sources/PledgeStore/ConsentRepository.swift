import Foundation
import Logging
import PledgeCore
import PostgresNIO

/// A firm's consent to share its data with banks. Withdrawal stamps the row; nothing is deleted.
public struct ConsentRecord: Sendable, Equatable {
    public var id: Int64
    public var firmId: Int64
    public var scope: String
    public var bankId: Int64?
    public var grantedOn: CivilDate
    public var evidence: String?
    public var withdrawnAt: Date?
    public var recordedBy: String
    public var createdAt: Date
}

public struct ConsentRepository: StoreBacked {
    package let access: StoreAccess

    public init(client: PostgresClient, logger: Logger) { access = StoreAccess(client, logger: logger) }

    public static let shareWithBanks = "share_with_banks"

    /// Every consent a firm gave, withdrawn ones too; unknown firm → not found.
    public func list(firmId: Int64) async throws -> [ConsentRecord] {
        try await requireFirm(firmId)
        return try await decodeAll(client.query("""
            SELECT \(unescaped: Self.columns) FROM firm_consents WHERE firm_id = \(firmId) ORDER BY id
            """, logger: logger), Self.decode)
    }

    public func record(firmId: Int64, bankId: Int64?, grantedOn: CivilDate, evidence: String?, recordedBy: String) async throws -> ConsentRecord {
        try await requireFirm(firmId)
        do {
            return try await decodeAll(client.query("""
                INSERT INTO firm_consents (firm_id, scope, bank_id, granted_on, evidence, recorded_by)
                VALUES (\(firmId), \(Self.shareWithBanks), \(bankId), \(grantedOn), \(evidence), \(recordedBy))
                RETURNING \(unescaped: Self.columns)
                """, logger: logger), Self.decode)[0]
        } catch let error as PSQLError where error.serverInfo?[.constraintName] == "firm_consents_bank_id_fkey" {
            throw StoreError.invalid(.init("unknown_bank", field: "bankId", zh: "银行不存在", en: "No such bank"))
        }
    }

    /// Withdraws at once; withdrawing twice keeps the first time.
    public func withdraw(firmId: Int64, consentId: Int64) async throws -> ConsentRecord {
        let rows = try await client.query("""
            UPDATE firm_consents SET withdrawn_at = coalesce(withdrawn_at, now())
            WHERE firm_id = \(firmId) AND id = \(consentId) RETURNING \(unescaped: Self.columns)
            """, logger: logger)
        guard let consent = try await decodeAll(rows, Self.decode).first else {
            throw StoreError.notFound(entity: "consent", id: consentId)
        }
        return consent
    }

    /// The firms whose consent reaches `bankId` today: the filter a bank officer's candidates pass
    /// through at every query, so a withdrawal shows at once whatever the matching index holds.
    public func consentingFirms(bankId: Int64) async throws -> Set<Int64> {
        try await consenting(bankId: bankId, among: nil)
    }

    /// Those of `firmIds` (all firms when nil) whose consent reaches `bankId` today.
    public func consenting(bankId: Int64, among firmIds: [Int64]?) async throws -> Set<Int64> {
        if firmIds?.isEmpty == true { return [] }
        let rows = if let firmIds {
            try await client.execute(ConsentingAmongStatement(bankId: bankId, firmIds: firmIds), logger: logger)
        } else {
            try await client.execute(ConsentingStatement(bankId: bankId), logger: logger)
        }
        return Set(try rows.map { try $0.decode(Int64.self) })
    }

    /// May `bankId`'s officers see this firm's details: consent in force, or an application to the
    /// bank (the same rule as the database's policy on firms, access_reaches_firm).
    public func firmReachesBank(firmId: Int64, bankId: Int64) async throws -> Bool {
        let rows = try await client.query("""
            SELECT EXISTS (SELECT 1 FROM firm_consents
                           WHERE firm_id = \(firmId) AND scope = \(Self.shareWithBanks) AND withdrawn_at IS NULL
                             AND granted_on <= (now() AT TIME ZONE 'Asia/Shanghai')::date
                             AND (bank_id IS NULL OR bank_id = \(bankId)))
                OR EXISTS (SELECT 1 FROM applications WHERE firm_id = \(firmId) AND bank_id = \(bankId))
            """, logger: logger)
        for try await reaches in rows.decode(Bool.self) { return reaches }
        return false
    }

    private func requireFirm(_ firmId: Int64) async throws {
        for try await _ in try await client.query("SELECT 1 FROM firms WHERE id = \(firmId)", logger: logger) { return }
        throw StoreError.notFound(entity: "firm", id: firmId)
    }

    /// The columns `decode` reads, by name.
    static let columns = "id, firm_id, scope, bank_id, granted_on, evidence, withdrawn_at, recorded_by, created_at"

    static func decode(_ r: PostgresRandomAccessRow) throws -> ConsentRecord {
        ConsentRecord(id: try r["id"].decode(Int64.self), firmId: try r["firm_id"].decode(Int64.self),
                      scope: try r["scope"].decode(String.self), bankId: try r["bank_id"].decode(Int64?.self),
                      grantedOn: try r["granted_on"].decode(CivilDate.self), evidence: try r["evidence"].decode(String?.self),
                      withdrawnAt: try r["withdrawn_at"].decode(Date?.self), recordedBy: try r["recorded_by"].decode(String.self),
                      createdAt: try r["created_at"].decode(Date.self))
    }
}
