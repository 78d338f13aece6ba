import Foundation
import Logging
import PostgresNIO

/// Writes banks, products, firms, applications, loans and ledger entries with plain SQL, the way the
/// lifecycle API stores them, so report tests control every date (disbursement instant, effective
/// day, the moment the ledger learned it).
public struct LedgerFixture: Sendable {
    public let client: PostgresClient
    let logger = TestDatabase.logger

    public init(client: PostgresClient) { self.client = client }

    @discardableResult
    public func sql(_ text: String) async throws -> [Int64] {
        let rows = try await client.query(PostgresQuery(unsafeSQL: text), logger: logger)
        var ids: [Int64] = []
        for try await id in rows.decode(Int64.self) { ids.append(id) }
        return ids
    }

    public func bank(_ code: String) async throws -> Int64 {
        try await sql("INSERT INTO banks (code, name) VALUES ('\(code)', '测试银行\(code)') RETURNING id")[0]
    }

    public func product(bank: Int64, code: String, subsidyShareBp: Int? = nil, subsidyCapFen: Int64? = nil,
                        riskShareBp: Int? = nil) async throws -> Int64 {
        try await sql("""
            INSERT INTO loan_products (bank_id, code, name, min_amount_fen, max_amount_fen, min_term_months, max_term_months,
                rate_spread_bp, valuation_validity_months, min_years_operating, min_trademark_use_years,
                interest_subsidy_share_bp, subsidy_cap_fen, risk_fund_share_bp)
            VALUES (\(bank), '\(code)', '涪知贷\(code)', 100000, 10000000000, 1, 36, 50, 12, 2, 2,
                    \(subsidyShareBp.map(String.init) ?? "NULL"), \(subsidyCapFen.map(String.init) ?? "NULL"),
                    \(riskShareBp.map(String.init) ?? "NULL"))
            RETURNING id
            """)[0]
    }

    public func firm(_ n: Int, industry: String = "equipment", town: String = "涪陵高新区", size: String = "small") async throws -> Int64 {
        try await sql("""
            INSERT INTO firms (credit_code, name, industry_code, town, size, founded_on)
            VALUES ('91500102\(String(format: "%09d", n))0', '测试企业\(n)', '\(industry)', '\(town)', '\(size)', '2015-01-01')
            RETURNING id
            """)[0]
    }

    public struct Loan: Sendable {
        public let firm: Int64
        public let id: Int64
        public let application: Int64
    }

    /// A disbursed loan: the application, the loan row, its pledges and its disbursement entry. `disbursedAt` and
    /// `recordedAt` are instants (`2026-02-28T16:30:00Z`); the entry's effective day is the Beijing day.
    @discardableResult
    public func loan(firm: Int64, bank: Int64, product: Int64, amountFen: Int64, disbursedAt: String, recordedAt: String? = nil,
                     rateBp: Int = 400, renewalOf: Loan? = nil, pledges: [(type: String, valueFen: Int64)] = []) async throws -> Loan {
        let recorded = recordedAt ?? disbursedAt
        var application: Int64
        if let renewalOf {
            application = renewalOf.application
        } else {
            application = try await sql("""
                INSERT INTO applications (firm_id, bank_id, product_id, amount_fen, term_months, state)
                VALUES (\(firm), \(bank), \(product), \(amountFen), 12, 'disbursed') RETURNING id
                """)[0]
        }
        let id = try await sql("""
            INSERT INTO loans (firm_id, application_id, bank_id, product_id, disbursed_at, maturity_on, rate_bp, renewal_of,
                               recorded_at, recorded_by)
            VALUES (\(firm), \(application), \(bank), \(product), '\(disbursedAt)',
                    (('\(disbursedAt)'::timestamptz AT TIME ZONE 'Asia/Shanghai')::date + 365), \(rateBp),
                    \(renewalOf.map { String($0.id) } ?? "NULL"), '\(recorded)', 'test')
            RETURNING id
            """)[0]
        let loan = Loan(firm: firm, id: id, application: application)
        // Pledges are registered before the money goes out, so the loan is classified with them.
        for (i, p) in pledges.enumerated() {
            try await pledge(loan, type: p.type, valueFen: p.valueFen, n: Int(id) * 10 + i)
        }
        try await entry(loan, kind: "disbursement", amountFen: amountFen,
                        effectiveOn: "('\(disbursedAt)'::timestamptz AT TIME ZONE 'Asia/Shanghai')::date", recordedAt: recorded, raw: true)
        return loan
    }

    /// One ledger entry; a correction names the entry it corrects. `effectiveOn` is a date (or, with
    /// `raw`, an SQL expression).
    @discardableResult
    public func entry(_ loan: Loan, kind: String, amountFen: Int64, effectiveOn: String, recordedAt: String,
                      corrects: Int64? = nil, raw: Bool = false) async throws -> Int64 {
        try await sql("""
            INSERT INTO loan_entries (firm_id, loan_id, kind, amount_fen, effective_on, corrects_id, reason, actor, recorded_at)
            VALUES (\(loan.firm), \(loan.id), '\(kind)', \(amountFen), \(raw ? effectiveOn : "'\(effectiveOn)'"),
                    \(corrects.map(String.init) ?? "NULL"), \(corrects == nil ? "NULL" : "'更正 correction'"), 'test', '\(recordedAt)')
            RETURNING id
            """)[0]
    }

    public func firstEntry(of loan: Loan) async throws -> Int64 {
        try await sql("SELECT min(id) FROM loan_entries WHERE firm_id = \(loan.firm) AND loan_id = \(loan.id)")[0]
    }

    /// A pledge of one asset of `type` worth `valueFen` for the loan's application.
    public func pledge(_ loan: Loan, type: String, valueFen: Int64, n: Int) async throws {
        let isMark = type == "trademark"
        let asset = try await sql("""
            INSERT INTO ip_assets (firm_id, type, number, title, filing_date, grant_date, registration_date, legal_status)
            VALUES (\(loan.firm), '\(type)', 'T\(n)', '测试资产\(n)', '2020-01-01', \(isMark ? "NULL" : "'2021-01-01'"),
                    \(isMark ? "'2021-01-01'" : "NULL"), 'in_force')
            RETURNING id
            """)[0]
        try await sql("""
            INSERT INTO valuations (firm_id, asset_id, appraiser, method, value_fen, valuation_date, valid_until, report_number)
            VALUES (\(loan.firm), \(asset), '测试评估', 'income', \(valueFen), '2025-01-01', '2026-01-01', 'R\(n)') RETURNING id
            """)
        let pledge = try await sql("""
            INSERT INTO pledges (firm_id, application_id, secured_amount_fen) VALUES (\(loan.firm), \(loan.application), 100)
            RETURNING id
            """)[0]
        try await sql("INSERT INTO pledge_assets (firm_id, pledge_id, asset_id) VALUES (\(loan.firm), \(pledge), \(asset)) RETURNING asset_id")
    }
}

/// A small deterministic generator (SplitMix64), so a failing random test can be replayed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
