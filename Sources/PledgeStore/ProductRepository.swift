import Logging
import PledgeCore
import PostgresNIO

/// Loan products and their per-IP-type terms, written together in one transaction.
public struct ProductRepository: VersionedTable {
    package let access: StoreAccess
    package static let table = "loan_products", entity = "product"

    public init(client: PostgresClient, logger: Logger) { access = StoreAccess(client, logger: logger) }

    public func create(_ p: ProductInput) async throws -> Stored<ProductInput> {
        try await transaction { conn in
            try await checkIndustries(conn, p.eligibleIndustries)
            let rows = try await conn.run("""
                INSERT INTO loan_products (bank_id, code, name, min_amount_fen, max_amount_fen, min_term_months,
                    max_term_months, rate_spread_bp, eligible_industries, valuation_validity_months, min_years_operating,
                    min_trademark_use_years, interest_subsidy_share_bp, subsidy_cap_fen, risk_fund_share_bp,
                    weight_ip_value, weight_coverage, weight_firm_strength, weight_strategic_fit, weight_risk)
                VALUES (\(p.bankId), \(p.code), \(p.name), \(p.minAmountFen), \(p.maxAmountFen), \(p.minTermMonths),
                    \(p.maxTermMonths), \(p.rateSpreadBp), \(p.eligibleIndustries), \(p.valuationValidityMonths),
                    \(p.minYearsOperating), \(p.minTrademarkUseYears), \(p.interestSubsidyShareBp), \(p.subsidyCapFen),
                    \(p.riskFundShareBp), \(p.weights.ipValue), \(p.weights.coverage), \(p.weights.firmStrength),
                    \(p.weights.strategicFit), \(p.weights.risk))
                RETURNING id
                """, logger: logger)
            let id = try await rows.returnedId()
            try await replaceTerms(conn, productId: id, p.ipTerms)
            return try await fetch(conn, id: id)!
        }
    }

    public func get(id: Int64) async throws -> Stored<ProductInput> {
        guard let product = try await client.withConnection({ try await fetch($0, id: id) }) else {
            throw StoreError.notFound(entity: "product", id: id)
        }
        return product
    }

    /// The product, with those of `firmIds` whose consent reaches `bankId` today, in one statement
    /// (a bank officer's first page of candidates; `ProductConsentingAmongStatement` says why).
    public func get(id: Int64, consentingTo bankId: Int64, among firmIds: [Int64]) async throws
        -> (product: Stored<ProductInput>, consenting: Set<Int64>) {
        let rows = try await client.execute(ProductConsentingAmongStatement(bankId: bankId, productId: id, firmIds: firmIds), logger: logger)
        guard let row = rows.first?.makeRandomAccess() else { throw StoreError.notFound(entity: "product", id: id) }
        return (try Self.decode(row), Set(try row["consenting"].decode([Int64].self)))
    }

    public func list(bankId: Int64?, page: PageRequest) async throws -> Page<Stored<ProductInput>> {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.columns) FROM loan_products p
            WHERE p.id > \(page.after) AND (\(page.includeArchived) OR p.archived_at IS NULL)
              AND (\(bankId)::bigint IS NULL OR p.bank_id = \(bankId))
            ORDER BY p.id LIMIT \(page.limit + 1)
            """, logger: logger)
        return Page(fetched: try await decodeAll(rows, Self.decode), limit: page.limit, id: \.id)
    }

    public func update(id: Int64, expectedVersion: Int, _ p: ProductInput) async throws -> Stored<ProductInput> {
        try await versioned.update(id: id) { conn -> Stored<ProductInput>? in
            try await checkIndustries(conn, p.eligibleIndustries)
            let rows = try await conn.run("""
                UPDATE loan_products SET bank_id = \(p.bankId), code = \(p.code), name = \(p.name),
                    min_amount_fen = \(p.minAmountFen), max_amount_fen = \(p.maxAmountFen),
                    min_term_months = \(p.minTermMonths), max_term_months = \(p.maxTermMonths),
                    rate_spread_bp = \(p.rateSpreadBp), eligible_industries = \(p.eligibleIndustries),
                    valuation_validity_months = \(p.valuationValidityMonths), min_years_operating = \(p.minYearsOperating),
                    min_trademark_use_years = \(p.minTrademarkUseYears),
                    interest_subsidy_share_bp = \(p.interestSubsidyShareBp), subsidy_cap_fen = \(p.subsidyCapFen),
                    risk_fund_share_bp = \(p.riskFundShareBp), weight_ip_value = \(p.weights.ipValue),
                    weight_coverage = \(p.weights.coverage), weight_firm_strength = \(p.weights.firmStrength),
                    weight_strategic_fit = \(p.weights.strategicFit), weight_risk = \(p.weights.risk),
                    version = version + 1, updated_at = now()
                WHERE id = \(id) AND version = \(expectedVersion) AND archived_at IS NULL
                RETURNING id
                """, logger: logger)
            guard try await rows.hasRows() else { return nil }
            try await replaceTerms(conn, productId: id, p.ipTerms)
            return try await fetch(conn, id: id)
        }
    }

    /// Industry codes live in an array, which a foreign key cannot guard; check them here instead.
    private func checkIndustries(_ conn: PostgresConnection, _ codes: [String]) async throws {
        guard !codes.isEmpty else { return }
        let rows = try await conn.run("""
            SELECT c FROM unnest(\(codes)::text[]) AS c WHERE NOT EXISTS (SELECT 1 FROM industries i WHERE i.code = c)
            """, logger: logger)
        for try await code in rows.decode(String.self) {
            throw StoreError.invalid(.init("unknown_industry", field: "eligibleIndustries",
                zh: "行业代码“\(code)”不存在（见 GET /industries）", en: "Unknown industry code '\(code)' (see GET /industries)"))
        }
    }

    private func replaceTerms(_ conn: PostgresConnection, productId: Int64, _ terms: [ProductInput.IPTerm]) async throws {
        _ = try await conn.run("DELETE FROM product_ip_terms WHERE product_id = \(productId)", logger: logger)
        for t in terms {
            _ = try await conn.run("""
                INSERT INTO product_ip_terms (product_id, ip_type, loan_to_value_bp, min_remaining_life_months)
                VALUES (\(productId), \(t.ipType), \(t.loanToValueBp), \(t.minRemainingLifeMonths))
                """, logger: logger)
        }
    }

    private func fetch(_ conn: PostgresConnection, id: Int64) async throws -> Stored<ProductInput>? {
        try await conn.run(ProductStatement(id: id), logger: logger).first.map { try Self.decode($0.makeRandomAccess()) }
    }

    struct TermJSON: Decodable, Sendable {
        var ipType: String
        var loanToValueBp: Int
        var minRemainingLifeMonths: Int
    }

    /// The columns `decode` reads, by name.
    static let columns = """
        p.id, p.bank_id, p.code, p.name, p.min_amount_fen, p.max_amount_fen, p.min_term_months, p.max_term_months,
        p.rate_spread_bp, p.eligible_industries, p.valuation_validity_months, p.min_years_operating,
        p.min_trademark_use_years, p.interest_subsidy_share_bp, p.subsidy_cap_fen, p.risk_fund_share_bp,
        p.weight_ip_value, p.weight_coverage, p.weight_firm_strength, p.weight_strategic_fit, p.weight_risk,
        p.version, p.created_at, p.updated_at, p.archived_at,
        coalesce((SELECT jsonb_agg(jsonb_build_object('ipType', t.ip_type, 'loanToValueBp', t.loan_to_value_bp,
                  'minRemainingLifeMonths', t.min_remaining_life_months) ORDER BY t.ip_type)
                  FROM product_ip_terms t WHERE t.product_id = p.id), '[]') AS ip_terms
        """

    static func decode(_ r: PostgresRandomAccessRow) throws -> Stored<ProductInput> {
        let terms = try r["ip_terms"].decode(JSONList<TermJSON>.self).items.map {
            ProductInput.IPTerm(ipType: $0.ipType, loanToValueBp: $0.loanToValueBp, minRemainingLifeMonths: $0.minRemainingLifeMonths)
        }
        return try Stored(row: r, fields: ProductInput(
            bankId: r["bank_id"].decode(Int64.self), code: r["code"].decode(String.self), name: r["name"].decode(String.self),
            ipTerms: terms, minAmountFen: r["min_amount_fen"].decode(Int64.self), maxAmountFen: r["max_amount_fen"].decode(Int64.self),
            minTermMonths: r["min_term_months"].decode(Int.self), maxTermMonths: r["max_term_months"].decode(Int.self),
            rateSpreadBp: r["rate_spread_bp"].decode(Int.self), eligibleIndustries: r["eligible_industries"].decode([String].self),
            valuationValidityMonths: r["valuation_validity_months"].decode(Int.self),
            minYearsOperating: r["min_years_operating"].decode(Int.self),
            minTrademarkUseYears: r["min_trademark_use_years"].decode(Int.self),
            interestSubsidyShareBp: r["interest_subsidy_share_bp"].decode(Int?.self),
            subsidyCapFen: r["subsidy_cap_fen"].decode(Int64?.self),
            riskFundShareBp: r["risk_fund_share_bp"].decode(Int?.self),
            weights: ScoreWeights(
                ipValue: r["weight_ip_value"].decode(Int.self), coverage: r["weight_coverage"].decode(Int.self),
                firmStrength: r["weight_firm_strength"].decode(Int.self),
                strategicFit: r["weight_strategic_fit"].decode(Int.self), risk: r["weight_risk"].decode(Int.self))))
    }
}
