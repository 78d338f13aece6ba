import Foundation
import Logging
import PostgresNIO

/// Named events in audit_log (0005_audit.sql) that no row change records: logins, failed logins,
/// candidate exports. Written on the request's own connection (Database): in its transaction when
/// it has one, so an export's record commits with the read; a login has none, so its record stays
/// even when the login is refused.
public struct AuditEvents: Sendable {
    let client: Database
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) { (self.client, self.logger) = (Database(client), logger) }

    /// `details` is kept as the row's `after` (JSON object).
    public func record(action: String, entity: String, entityId: Int64?, actor: String, requestId: String?,
                       details: [String: String] = [:]) async throws {
        let json = String(decoding: try JSONEncoder().encode(details), as: UTF8.self)
        _ = try await client.execute(AuditEventStatement(actor: actor, requestId: requestId, action: action, entity: entity,
                                                         entityId: entityId, json: json), logger: logger)
    }
}
