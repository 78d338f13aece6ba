import Foundation
import Logging
import PledgeCore
import PostgresNIO

public struct HistoryRecord: Sendable {
    public var id: Int64
    public var at: Date
    public var actor: String
    public var requestId: String?
    public var action: String
    public var table: String?
    public var before: String?
    public var after: String?
}

public struct AlertRecord: Sendable {
    public enum Kind: String, CaseIterable, Sendable { case valuationExpiring = "valuation_expiring", loanMaturing = "loan_maturing",
                                          pledgeOutlivesAsset = "pledge_outlives_asset" }
    public var kind: Kind
    public var due: CivilDate
    public var firmId: Int64
    public var assetId: Int64?
    public var valuationId: Int64?
    public var loanId: Int64?
    public var firmName: String
}

/// Reads the audit trail (written by the audit_row trigger) and the alerts that come from the ledger.
public struct AuditRepository: StoreBacked {
    package let access: StoreAccess

    public init(client: PostgresClient, logger: Logger) { access = StoreAccess(client, logger: logger) }

    /// Oldest first; the cursor is the last audit id seen.
    ///
    /// A bulk import's insert row carries no images (0014_bulk_audit.sql, `MergePlan.auditRows`): the
    /// row as inserted is the "before" of the record's next audit row, or, while there is none, the
    /// record as it stands, and that is what `after` shows.
    public func history(entity: String, id: Int64, page: PageRequest) async throws -> Page<HistoryRecord> {
        let rows = try await client.query("""
            SELECT l.id, l.at, l.actor, l.request_id, l.action, l.table_name, l.before::text,
                   (CASE WHEN l.after IS NULL AND l.action = 'insert' THEN coalesce(
                        (SELECT n.before FROM audit_log n
                         WHERE n.entity = l.entity AND n.entity_id = l.entity_id AND n.id > l.id
                           AND n.table_name = l.table_name AND n.before IS NOT NULL
                         ORDER BY n.id LIMIT 1),
                        CASE l.table_name
                            WHEN 'firms' THEN (SELECT to_jsonb(r) FROM firms r WHERE r.id = l.entity_id)
                            WHEN 'ip_assets' THEN (SELECT to_jsonb(r) FROM ip_assets r WHERE r.id = l.entity_id)
                            WHEN 'valuations' THEN (SELECT to_jsonb(r) FROM valuations r WHERE r.id = l.entity_id)
                            WHEN 'gi_licences' THEN (SELECT to_jsonb(r) FROM gi_licences r WHERE r.id = l.entity_id)
                        END)
                    ELSE l.after END)::text
            FROM audit_log l
            WHERE l.entity = \(entity) AND l.entity_id = \(id) AND l.id > \(page.after)
            ORDER BY l.id LIMIT \(page.limit + 1)
            """, logger: logger)
        var items: [HistoryRecord] = []
        for try await (auditId, at, actor, request, action, table, before, after)
            in rows.decode((Int64, Date, String, String?, String, String?, String?, String?).self) {
            items.append(HistoryRecord(id: auditId, at: at, actor: actor, requestId: request, action: action, table: table,
                                       before: before, after: after))
        }
        return Page(fetched: items, limit: page.limit, id: \.id)
    }

    /// Valuations expiring within 60 days, loans maturing within 30 days, and pledged assets whose
    /// protection ends before their loan matures. Soonest first.
    public func alerts(asOf day: CivilDate, bankId: Int64?) async throws -> [AlertRecord] {
        let rows = try await client.query("""
            SELECT 'valuation_expiring', v.valid_until, v.firm_id, v.asset_id, v.id, NULL::bigint, f.name
            FROM valuations v JOIN ip_assets a ON a.firm_id = v.firm_id AND a.id = v.asset_id AND a.archived_at IS NULL
            JOIN firms f ON f.id = v.firm_id
            WHERE \(bankId)::bigint IS NULL AND v.archived_at IS NULL
              AND v.valid_until BETWEEN \(day) AND \(day.adding(days: 60))
              AND NOT EXISTS (SELECT 1 FROM valuations w WHERE w.firm_id = v.firm_id AND w.asset_id = v.asset_id
                              AND w.archived_at IS NULL AND w.valid_until > v.valid_until)
            UNION ALL
            SELECT 'loan_maturing', l.maturity_on, l.firm_id, NULL, NULL, l.id, f.name
            FROM loans l JOIN loan_balances b ON b.firm_id = l.firm_id AND b.loan_id = l.id JOIN firms f ON f.id = l.firm_id
            WHERE (\(bankId)::bigint IS NULL OR l.bank_id = \(bankId))
              AND b.principal_fen > b.repaid_fen AND b.defaulted_fen = 0
              AND l.maturity_on BETWEEN \(day) AND \(day.adding(days: 30))
            UNION ALL
            SELECT 'pledge_outlives_asset', a.expiry_date, l.firm_id, a.id, NULL, l.id, f.name
            FROM loans l JOIN loan_balances b ON b.firm_id = l.firm_id AND b.loan_id = l.id
            JOIN pledges p ON p.firm_id = l.firm_id AND p.application_id = l.application_id AND p.status = 'active'
            JOIN pledge_assets pa ON pa.firm_id = p.firm_id AND pa.pledge_id = p.id AND pa.active
            JOIN ip_assets a ON a.firm_id = pa.firm_id AND a.id = pa.asset_id
            JOIN firms f ON f.id = l.firm_id
            WHERE (\(bankId)::bigint IS NULL OR l.bank_id = \(bankId))
              AND b.principal_fen > b.repaid_fen AND a.expiry_date < l.maturity_on
              AND NOT EXISTS (SELECT 1 FROM loans n WHERE n.firm_id = l.firm_id AND n.renewal_of = l.id)
            ORDER BY 2, 3, 4, 6
            LIMIT 1000
            """, logger: logger)
        var result: [AlertRecord] = []
        for try await (kind, due, firm, asset, valuation, loan, name)
            in rows.decode((String, CivilDate, Int64, Int64?, Int64?, Int64?, String).self) {
            let kind = try StoredCode.decode(kind, as: AlertRecord.Kind.self, table: "alerts", column: "kind")
            result.append(AlertRecord(kind: kind, due: due, firmId: firm, assetId: asset,
                                      valuationId: valuation, loanId: loan, firmName: name))
        }
        return result
    }
}
