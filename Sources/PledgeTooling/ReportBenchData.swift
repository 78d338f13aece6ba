import PledgeCore
import Logging
import PledgeStore
import PostgresNIO

/// A national-scale ledger for the report benchmark, generated inside PostgreSQL: firms, banks and
/// products as the matching benchmark makes them, then `loans` loans disbursed over the last four
/// years with their applications, disbursements, repayments, defaults and late corrections, and the
/// rollups rebuilt from it. Triggers are off while loading (session_replication_role = replica), so
/// the rows are written to satisfy every ledger rule by construction; each loan's classification is
/// written directly (the IP type drawn from the benchmark's type mix instead of pledge rows).
public struct ReportBenchData: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) { (self.client, self.logger) = (client, logger) }

    /// The loans of a complete ledger; -1 when loans exist without rollups (an interrupted load).
    public func loanCount() async throws -> Int {
        let rows = try await client.query("""
            SELECT CASE WHEN EXISTS (SELECT 1 FROM report_daily) OR NOT EXISTS (SELECT 1 FROM loans)
                        THEN (SELECT count(*) FROM loans) ELSE -1 END
            """, logger: logger)
        for try await n in rows.decode(Int.self) { return n }
        return 0
    }

    /// Fills an empty, migrated database. `progress` is told each step as it finishes.
    /// With `withFirms` false the firms, banks and products are already there (the matching
    /// benchmark's national tier puts its ledger next to its own data).
    public func generate(loans: Int, firms: Int, withFirms: Bool = true, seed: Double = 0.61,
                         progress: (String) -> Void) async throws {
        try await client.withConnection { conn in
            _ = try await conn.run("SET session_replication_role = replica", logger: logger)
            _ = try await conn.run("SET work_mem = '256MB'", logger: logger)
            _ = try await conn.run("SELECT setseed(\(seed))", logger: logger)
            // One transaction: an interrupted load leaves nothing behind.
            _ = try await conn.run("BEGIN", logger: logger)
            let base = withFirms ? Array(BenchData.steps(firms: firms, assets: 0).prefix(2)) : []
            for (label, sql) in base + Self.steps(loans: loans, firms: firms) {
                let started = ContinuousClock.now
                do {
                    _ = try await conn.run(PostgresQuery(unsafeSQL: sql), logger: logger).collect()   // to the end, so the time is true
                } catch {
                    progress("\(label) failed: \(DatabaseErrorText.readable(error))")
                    _ = try? await conn.run("ROLLBACK", logger: logger)
                    throw error
                }
                progress("\(label) (\(ContinuousClock.now - started))")
            }
            _ = try await conn.run("SET session_replication_role = origin", logger: logger)
        }
    }

    static func steps(loans n: Int, firms: Int) -> [(String, String)] {
        [
            ("subsidy and risk-fund terms on half the products", """
                UPDATE loan_products SET interest_subsidy_share_bp = 5000, subsidy_cap_fen = 20000000, risk_fund_share_bp = 5400
                WHERE id % 2 = 0
                """),
            ("\(n) loan plans", """
                CREATE TEMP TABLE bench_loans AS
                -- Ids are read from the tables: sequences do not roll back, so a retried load starts higher.
                WITH p AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(bank_id ORDER BY id) AS banks, count(*)::int AS n
                           FROM loan_products)
                SELECT g AS id, f.firm_id, p.ids[k.k] AS product_id, p.banks[k.k] AS bank_id,
                       (10000000 + (random() * random() * 2990000000)::bigint) AS amount,
                       t.at, least(now(), t.at + CASE WHEN random() < 0.9 THEN interval '5 minutes' ELSE random() * interval '20 days' END) AS recorded_at,
                       300 + (random() * 300)::int AS rate_bp,
                       (ARRAY['utility_model','utility_model','invention','invention','trademark','design','gi_collective_mark','none'])[1 + floor(random() * 8)::int] AS ip_type
                FROM generate_series(1, \(n)) g
                CROSS JOIN LATERAL (SELECT (SELECT min(id) FROM firms) + ((g::bigint * 7919 + (random() * 13)::int) % \(firms)) AS firm_id) f
                CROSS JOIN LATERAL (SELECT now() - interval '4 years' + random() * interval '4 years' + g * interval '0' AS at) t
                CROSS JOIN p
                CROSS JOIN LATERAL (SELECT 1 + ((g * 31 + (random() * 5)::int) % p.n) AS k) k
                """),
            ("applications", """
                INSERT INTO applications (id, firm_id, bank_id, product_id, amount_fen, term_months, state, created_at, updated_at)
                SELECT id, firm_id, bank_id, product_id, amount, 12, 'disbursed', at, at FROM bench_loans
                """),
            ("loans", """
                INSERT INTO loans (id, firm_id, application_id, bank_id, product_id, disbursed_at, maturity_on, rate_bp, recorded_at, recorded_by)
                SELECT id, firm_id, id, bank_id, product_id, at, (at AT TIME ZONE 'Asia/Shanghai')::date + 365, rate_bp, recorded_at, 'bench'
                FROM bench_loans
                """),
            ("loan classifications", """
                INSERT INTO report_loans (firm_id, loan_id, bank_id, product_id, disbursed_on, ip_type, industry_code, town, size)
                SELECT b.firm_id, b.id, b.bank_id, b.product_id, (b.at AT TIME ZONE 'Asia/Shanghai')::date, b.ip_type,
                       f.industry_code, f.town, f.size
                FROM bench_loans b JOIN firms f ON f.id = b.firm_id
                """),
            ("disbursements", """
                INSERT INTO loan_entries (id, firm_id, loan_id, kind, amount_fen, effective_on, actor, recorded_at)
                SELECT id, firm_id, id, 'disbursement', amount, (at AT TIME ZONE 'Asia/Shanghai')::date, 'bench', recorded_at
                FROM bench_loans
                """),
            ("repayments, defaults and corrections", """
                INSERT INTO loan_entries (id, firm_id, loan_id, kind, amount_fen, effective_on, corrects_id, reason, actor, recorded_at)
                SELECT \(n) + row_number() OVER (), firm_id, id, kind, amount_fen, on_day, corrects_id, reason, 'bench', recorded_at
                FROM (
                    SELECT b.id, b.firm_id, 'repayment' AS kind, b.amount / (2 + (random() * 2)::int) AS amount_fen,
                           d.on_day, NULL::bigint AS corrects_id, NULL AS reason, least(now(), d.on_day + time '10:00' - interval '8 hours') AS recorded_at
                    FROM bench_loans b
                    CROSS JOIN LATERAL (SELECT (b.at AT TIME ZONE 'Asia/Shanghai')::date + 30 + (random() * 330)::int + b.id * 0 AS on_day) d
                    WHERE random() < 0.6 AND d.on_day < current_date
                    UNION ALL
                    SELECT b.id, b.firm_id, 'default', b.amount / 4, d.on_day, NULL, NULL, least(now(), d.on_day + time '15:00' - interval '8 hours')
                    FROM bench_loans b
                    CROSS JOIN LATERAL (SELECT (b.at AT TIME ZONE 'Asia/Shanghai')::date + 90 + (random() * 270)::int + b.id * 0 AS on_day) d
                    WHERE b.id % 33 = 0 AND d.on_day < current_date
                    UNION ALL
                    SELECT b.id, b.firm_id, 'disbursement', -(b.amount / 20), (b.at AT TIME ZONE 'Asia/Shanghai')::date, b.id,
                           '基准更正 bench correction', least(now(), b.recorded_at + interval '10 days' + random() * interval '50 days')
                    FROM bench_loans b WHERE b.id % 97 = 0
                ) x
                """),
            ("identity counters", """
                SELECT setval(pg_get_serial_sequence('applications', 'id'), (SELECT max(id) FROM applications)),
                       setval(pg_get_serial_sequence('loans', 'id'), (SELECT max(id) FROM loans)),
                       setval(pg_get_serial_sequence('loan_entries', 'id'), (SELECT max(id) FROM loan_entries))
                """),
            ("report rollups rebuilt from the ledger", "SELECT report_rebuild()"),
            ("commit", "COMMIT"),
            ("statistics", "ANALYZE"),
        ]
    }
}
