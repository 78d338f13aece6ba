import PledgeCore
import Logging
import PledgeStore
import PostgresNIO

/// Synthetic data at national scale for the benchmarks, generated inside PostgreSQL in a few
/// statements. Rows satisfy every database constraint and look like the demo data's shapes
/// (10 assets a firm on average, mostly utility models, most with a valuation), but names and
/// credit codes are placeholders: this is load, not a dataset to read.
public struct BenchData: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) { (self.client, self.logger) = (client, logger) }

    public func counts() async throws -> (firms: Int, assets: Int) {
        var result = (0, 0)
        let rows = try await client.query("SELECT (SELECT count(*) FROM firms), (SELECT count(*) FROM ip_assets)", logger: logger)
        for try await (f, a) in rows.decode((Int, Int).self) { result = (f, a) }
        return result
    }

    /// Fills an empty, migrated database. `progress` is told each step as it finishes.
    public func generate(firms: Int, assets: Int, shape: Shape = .district, seed: Double = 0.42,
                         progress: (String) -> Void) async throws {
        try await client.withConnection { conn in
            // Bulk load without the engine's per-row change log; the index is built from a snapshot after.
            _ = try await conn.run("SET session_replication_role = replica", logger: logger)
            _ = try await conn.run("SELECT setseed(\(seed))", logger: logger)
            for (label, sql) in Self.steps(firms: firms, assets: assets, shape: shape) {
                let started = ContinuousClock.now
                _ = try await conn.run(PostgresQuery(unsafeSQL: sql), logger: logger)
                progress("\(label) (\(ContinuousClock.now - started))")
            }
            _ = try await conn.run("SET session_replication_role = origin", logger: logger)
        }
    }

    /// The banks, products and valuation share of a tier. The district shape is the one every earlier
    /// figure was measured on: 8 banks, 20 products, 70% of assets valued.
    public struct Shape: Sendable {
        public var banks: Int
        /// A bank's products are numbered 0...3; products 0–1 every bank has, product 2 (two industries
        /// only) every bank whose id is divisible by `thirdEvery`, product 3 (three other industries)
        /// every bank whose id is divisible by `fourthEvery` (0: none).
        public var thirdEvery: Int
        public var fourthEvery: Int
        /// Per cent of the assets with a valuation.
        public var valuedPercent: Int

        public static let district = Shape(banks: 8, thirdEvery: 2, fourthEvery: 0, valuedPercent: 70)
        /// 60 banks × 3 + 20 = 200 products; 60% valued (3,000,000 of 5,000,000).
        public static let national = Shape(banks: 60, thirdEvery: 1, fourthEvery: 3, valuedPercent: 60)

        public init(banks: Int, thirdEvery: Int, fourthEvery: Int, valuedPercent: Int) {
            self.banks = banks; self.thirdEvery = thirdEvery; self.fourthEvery = fourthEvery; self.valuedPercent = valuedPercent
        }
    }

    static func steps(firms: Int, assets: Int, shape: Shape = .district) -> [(String, String)] {
        let industries = "(ARRAY['advanced_materials','equipment','biomedicine','new_energy','food_processing','semiconductors','artificial_intelligence','characteristic_agriculture','shale_gas','smart_construction','services','other'])"
        let towns = "(ARRAY['涪陵高新区','白涛工业园区','龙桥工业园','李渡街道','崇义街道','荔枝街道','江北街道','南沱镇','珍溪镇','百胜镇'])"
        return [
            ("banks and products", """
                WITH b AS (
                    INSERT INTO banks (code, name) SELECT 'BENCH' || g, '基准测试银行' || g FROM generate_series(1, \(shape.banks)) g RETURNING id
                ), p AS (
                    INSERT INTO loan_products (bank_id, code, name, min_amount_fen, max_amount_fen, min_term_months, max_term_months,
                        rate_spread_bp, eligible_industries, valuation_validity_months, min_years_operating, min_trademark_use_years)
                    SELECT b.id, 'BENCH_P' || b.id || '_' || k, '基准产品' || b.id || '-' || k, 50000000, (5 + k * 10) * 100000000::bigint,
                           6, 12 * (1 + k), 30, CASE WHEN k = 2 THEN ARRAY['advanced_materials','equipment']::text[]
                                                  WHEN k = 3 THEN ARRAY['biomedicine','semiconductors','artificial_intelligence']::text[]
                                                  ELSE '{}' END,
                           12, 2, 2
                    FROM b, generate_series(0, 3) k
                    WHERE k < 2 OR (k = 2 AND b.id % \(shape.thirdEvery) = 0) OR (k = 3 AND \(shape.fourthEvery) > 0 AND b.id % \(max(1, shape.fourthEvery)) = 0)
                    RETURNING id
                )
                INSERT INTO product_ip_terms (product_id, ip_type, loan_to_value_bp, min_remaining_life_months)
                SELECT p.id, t.ip_type, t.ltv, t.life FROM p,
                    (VALUES ('invention', 4000, 60), ('utility_model', 2500, 36), ('trademark', 4500, 24), ('design', 2000, 24)) t(ip_type, ltv, life)
                """),
            ("\(firms) firms", """
                INSERT INTO firms (credit_code, name, industry_code, town, size, founded_on, annual_revenue_fen, rd_expense_fen,
                    total_assets_fen, total_liabilities_fen, employees, high_tech, specialized, ip_demonstration, bad_credit)
                SELECT '91500102' || lpad(g::text, 9, '0') || '0', '基准企业' || g,
                       \(industries)[1 + (g % 12)], \(towns)[1 + (g % 10)],
                       (ARRAY['micro','small','small','medium','medium','large'])[1 + (g % 6)],
                       date '1995-01-01' + (random() * 10500)::int,
                       r.revenue, r.revenue * (1 + (random() * 10)::int) / 100,
                       r.revenue * 2, r.revenue * (20 + (random() * 60)::int) / 100,
                       5 + (random() * 500)::int, random() < 0.35, random() < 0.15, random() < 0.1, random() < 0.04
                FROM generate_series(1, \(firms)) g
                CROSS JOIN LATERAL (SELECT (200000000 + random() * 30000000000)::bigint + g * 0 AS revenue) r
                """),
            ("\(assets) IP assets", """
                INSERT INTO ip_assets (firm_id, type, number, title, filing_date, grant_date, registration_date, first_use_date,
                    expiry_date, legal_status, nice_classes, claims, forward_citations, family_size, licences, litigations)
                SELECT x.firm_id, x.type, x.type || '-' || x.g, '基准资产' || x.g,
                       CASE WHEN x.type <> 'trademark' THEN x.filed END,
                       CASE WHEN x.type <> 'trademark' THEN x.filed + 400 END,
                       CASE WHEN x.type = 'trademark' THEN x.filed END,
                       CASE WHEN x.type = 'trademark' THEN x.filed + 30 END,
                       (x.filed + make_interval(years => CASE x.type WHEN 'invention' THEN 20 WHEN 'utility_model' THEN 10
                            WHEN 'design' THEN 15 ELSE 10 END))::date - 1,
                       CASE WHEN random() < 0.93 THEN 'in_force' ELSE 'lapsed' END,
                       CASE WHEN x.type = 'trademark' THEN ARRAY[1 + (x.g % 45)]::smallint[] ELSE '{}' END,
                       (random() * 20)::int, (random() * random() * 30)::int, 1 + (random() * 4)::int,
                       (random() * random() * 4)::int, CASE WHEN random() < 0.03 THEN 1 ELSE 0 END
                FROM (
                    SELECT g, 1 + ((g::bigint * 7919) % \(firms)) AS firm_id,
                           CASE WHEN g % 100 < 65 THEN 'utility_model' WHEN g % 100 < 82 THEN 'invention'
                                WHEN g % 100 < 95 THEN 'trademark' ELSE 'design' END AS type,
                           CASE WHEN g % 100 BETWEEN 82 AND 94 THEN date '2008-01-01' + (random() * 6200)::int
                                ELSE date '2016-06-01' + (random() * 3300)::int END AS filed
                    FROM generate_series(1, \(assets)) g
                ) x
                """),
            ("valuations", """
                INSERT INTO valuations (firm_id, asset_id, appraiser, method, value_fen, valuation_date, valid_until, report_number)
                SELECT a.firm_id, a.id, '基准评估机构', 'income',
                       CASE a.type WHEN 'invention' THEN 100000000 + (random() * 1900000000)::bigint
                                   WHEN 'trademark' THEN 50000000 + (random() * 950000000)::bigint
                                   ELSE 20000000 + (random() * 280000000)::bigint END,
                       d, (d + interval '12 months')::date, 'BENCH-' || a.id
                FROM ip_assets a CROSS JOIN LATERAL (SELECT current_date - (random() * 500 + a.id * 0)::int AS d) v
                WHERE random() < \(Double(shape.valuedPercent) / 100)
                """),
            ("statistics", "ANALYZE"),
        ]
    }
}
