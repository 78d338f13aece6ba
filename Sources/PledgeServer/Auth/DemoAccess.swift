import Logging
import PledgeCore
import PledgeStore
import PostgresNIO

/// Demo accounts, one per role, so the demo service can be tried at once (README lists them), and
/// consents for two firms in three, so bank officers have candidates to see. Only on a database
/// that has no users yet: a real install never gets a known password.
public enum DemoAccess {
    public static let password = "pledgematch-demo"
    public static let accounts: [(login: String, name: String, role: Role)] = [
        ("demo-admin", "演示·系统管理员", .administrator),
        ("demo-ops", "演示·运营中心", .operations),
        ("demo-bank", "演示·银行客户经理", .bankOfficer),
        ("demo-analyst", "演示·财政局分析", .analyst),
    ]

    public static func seedIfNoUsers(client: PostgresClient, logger: Logger) async throws -> String {
        let users = UserRepository(client: client, logger: logger)
        guard try await users.count() == 0 else { return "Users exist; no demo accounts added." }
        var firstBank: Int64?
        for try await id in try await client.query("SELECT min(id) FROM banks WHERE archived_at IS NULL", logger: logger)
            .decode(Int64?.self) { firstBank = id }
        guard let firstBank else { return "No banks; no demo accounts added." }
        let hash = try await Passwords.hash(password)
        for account in accounts {
            _ = try await users.create(login: account.login, displayName: account.name, role: account.role,
                                       bankId: account.role == .bankOfficer ? firstBank : nil, passwordHash: hash)
        }
        _ = try await client.query("""
            INSERT INTO firm_consents (firm_id, scope, granted_on, evidence, recorded_by)
            SELECT id, 'share_with_banks', (now() AT TIME ZONE 'Asia/Shanghai')::date - 30, '演示授权书', 'demo'
            FROM firms WHERE id % 3 <> 0 AND NOT EXISTS (SELECT 1 FROM firm_consents)
            """, logger: logger)
        return "Demo accounts (password \(password)): " + accounts.map(\.login).joined(separator: ", ")
            + "; demo-bank is an officer of bank \(firstBank)."
    }
}
