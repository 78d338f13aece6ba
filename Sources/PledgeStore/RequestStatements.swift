import PostgresNIO

/// The statements of a bank officer's candidates page, the busiest request that reaches the
/// database, prepared once per connection: PostgreSQL then plans each once (a generic plan), where
/// an unnamed statement is parsed and planned on every request. Planning was a third of the
/// database's time under that page (the product under row-level security alone took 0.6 ms to
/// plan, 0.1 ms to run). Each answers its rows as they came (`Database.execute`).

/// `Database.setUp` for the common session: the application role, the caller's role and bank, and
/// the token check. The same statement as the general form, in a fixed shape.
struct SetUpStatement: PostgresPreparedStatement {
    static let sql = """
        SELECT set_config('role', '\(Database.DatabaseRole.app.rawValue)', true),
               set_config('pledgematch.actor', $1, true), set_config('pledgematch.bank_id', $2, true),
               set_config('pledgematch.request_id', $3, true), set_config('pledgematch.role', $4, true)
          FROM access_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.id = $5 AND t.user_id = $6 AND t.revoked_at IS NULL AND t.expires_at > now()
           AND u.disabled_at IS NULL AND u.role = $7 AND u.bank_id IS NOT DISTINCT FROM $8
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .text, .text, .text, .int8, .int8, .text, .int8]
    static let settingNames: Set<String> = ["pledgematch.bank_id", "pledgematch.role"]

    var actor: String
    var bankSetting: String
    var requestId: String
    var roleSetting: String
    var credential: Authenticated

    /// The statement for `session`, when it has this shape.
    init?(_ session: Database.Session) {
        guard session.databaseRole == .app, let credential = session.credential,
              Set(session.settings.keys) == Self.settingNames,
              let bank = session.settings["pledgematch.bank_id"], let role = session.settings["pledgematch.role"] else { return nil }
        actor = session.actor
        bankSetting = bank
        requestId = session.requestId ?? ""
        roleSetting = role
        self.credential = credential
    }

    func makeBindings() throws -> PostgresBindings {
        var b = PostgresBindings(capacity: 8)
        b.append(actor)
        b.append(bankSetting)
        b.append(requestId)
        b.append(roleSetting)
        b.append(credential.tokenId)
        b.append(credential.userId)
        b.append(credential.principal.role.rawValue)
        b.append(credential.principal.bankId)
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// One product by id (`ProductRepository.get`).
struct ProductStatement: PostgresPreparedStatement {
    static let sql = "SELECT \(ProductRepository.columns) FROM loan_products p WHERE p.id = $1"
    static let bindingDataTypes: [PostgresDataType] = [.int8]
    var id: Int64

    func makeBindings() throws -> PostgresBindings {
        var b = PostgresBindings(capacity: 1)
        b.append(id)
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// Which firms consent to share with a bank today (`ConsentRepository.consenting(bankId:among:)`):
/// among some (a first page's top firms: the index on firm id) or all of them (a scan). Two
/// statements, so that each keeps the plan that fits it; one rule, the one the database's policy on
/// firms holds too (access_reaches_firm in 0007_access.sql).
struct ConsentingStatement: PostgresPreparedStatement {
    /// Bank $1.
    static let reachesBank = """
        scope = '\(ConsentRepository.shareWithBanks)' AND withdrawn_at IS NULL
          AND granted_on <= (now() AT TIME ZONE 'Asia/Shanghai')::date
          AND (bank_id IS NULL OR bank_id = $1)
        """
    static let sql = "SELECT DISTINCT firm_id FROM firm_consents WHERE \(reachesBank)"
    static let bindingDataTypes: [PostgresDataType] = [.int8]
    var bankId: Int64

    func makeBindings() throws -> PostgresBindings {
        var b = PostgresBindings(capacity: 1)
        b.append(bankId)
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

struct ConsentingAmongStatement: PostgresPreparedStatement {
    static let sql = "SELECT DISTINCT firm_id FROM firm_consents WHERE \(ConsentingStatement.reachesBank) AND firm_id = ANY($2)"
    static let bindingDataTypes: [PostgresDataType] = [.int8, .int8Array]
    var bankId: Int64
    var firmIds: [Int64]

    func makeBindings() throws -> PostgresBindings {
        var b = PostgresBindings(capacity: 2)
        b.append(bankId)
        b.append(firmIds)
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// The product (`ProductStatement`) and which of `firmIds` consent to share with its reader's bank
/// (`ConsentingAmongStatement`), in one round trip: a bank officer's first page asks both, and
/// the index's top firms it checks do not depend on the product's row. A product the caller may not
/// see under row-level security answers no row, as it does alone.
struct ProductConsentingAmongStatement: PostgresPreparedStatement {
    static let sql = """
        SELECT \(ProductRepository.columns),
               ARRAY(SELECT DISTINCT firm_id FROM firm_consents
                      WHERE \(ConsentingStatement.reachesBank) AND firm_id = ANY($3)) AS consenting
          FROM loan_products p WHERE p.id = $2
        """
    static let bindingDataTypes: [PostgresDataType] = [.int8, .int8, .int8Array]
    var bankId: Int64
    var productId: Int64
    var firmIds: [Int64]

    func makeBindings() throws -> PostgresBindings {
        var b = PostgresBindings(capacity: 3)
        b.append(bankId)
        b.append(productId)
        b.append(firmIds)
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// An audit row for an event that is not a table's write (`AuditEvents.record`).
struct AuditEventStatement: PostgresPreparedStatement {
    static let sql = """
        INSERT INTO audit_log (actor, request_id, action, entity, entity_id, after)
        VALUES ($1, $2, $3, $4, $5, $6::jsonb)
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .text, .text, .text, .int8, .text]
    var actor: String
    var requestId: String?
    var action: String
    var entity: String
    var entityId: Int64?
    var json: String

    func makeBindings() throws -> PostgresBindings {
        var b = PostgresBindings(capacity: 6)
        b.append(actor)
        b.append(requestId)
        b.append(action)
        b.append(entity)
        b.append(entityId)
        b.append(json)
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
