import Logging
import PostgresNIO

public struct Industry: Sendable, Equatable {
    public var code: String
    public var nameZh: String
    public var nameEn: String
    public var priority: Bool
}

/// The industry list is reference data, changed by migrations only.
public struct IndustryRepository: StoreBacked {
    package let access: StoreAccess

    public init(client: PostgresClient, logger: Logger) { access = StoreAccess(client, logger: logger) }

    public func all() async throws -> [Industry] {
        let rows = try await client.query("SELECT code, name_zh, name_en, priority FROM industries ORDER BY code", logger: logger)
        var result: [Industry] = []
        for try await (code, zh, en, priority) in rows.decode((String, String, String, Bool).self) {
            result.append(Industry(code: code, nameZh: zh, nameEn: en, priority: priority))
        }
        return result
    }
}
