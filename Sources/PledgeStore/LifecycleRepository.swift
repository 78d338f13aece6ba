import Foundation
import Logging
import PledgeCore
import PostgresNIO

public struct ApplicationRecord: Sendable {
    public struct Step: Sendable {
        public var seq: Int
        public var action: String
        public var fromState: String?
        public var toState: String
        public var actor: String
        public var reason: String?
        public var at: Date
    }

    public var id: Int64
    public var firmId: Int64
    public var bankId: Int64
    public var productId: Int64
    public var amountFen: Fen
    public var termMonths: Int
    public var state: ApplicationState
    public var note: String?
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var assetIds: [Int64] = []
    public var loanIds: [Int64] = []
    public var steps: [Step] = []
}

public struct LoanRecord: Sendable {
    public struct Entry: Sendable {
        public var entry: LedgerEntry
        public var actor: String
        public var recordedAt: Date
    }

    public struct Pledge: Sendable {
        public var id: Int64
        public var registrationNumber: String?
        public var registeredOn: CivilDate?
        public var securedAmountFen: Fen
        public var status: String
        public var releasedOn: CivilDate?
        public var assetIds: [Int64]
    }

    public var id: Int64
    public var firmId: Int64
    public var applicationId: Int64
    public var bankId: Int64
    public var productId: Int64
    public var disbursedAt: Date
    public var disbursedOn: CivilDate
    public var maturityOn: CivilDate
    public var rateBp: Int
    public var renewalOf: Int64?
    public var renewedBy: Int64?
    public var recordedAt: Date
    public var recordedBy: String
    public var entries: [Entry] = []
    public var pledge: Pledge?
    public var figures: LoanFigures { LoanFigures(entries.map(\.entry)) }
}

/// Applications, loans, their ledger and pledges. Every write here is meant to run inside the
/// request's transaction (TransactionMiddleware), after the caller locked the application row.
public struct LifecycleRepository: StoreBacked {
    package let access: StoreAccess

    public init(client: PostgresClient, logger: Logger) { access = StoreAccess(client, logger: logger) }

    // MARK: Applications

    public func createApplication(_ input: ApplicationInput, bankId: Int64, assetIds: [Int64], actor: String) async throws -> ApplicationRecord {
        try await mapped {
            let rows = try await client.query("""
                INSERT INTO applications (firm_id, bank_id, product_id, amount_fen, term_months, note)
                VALUES (\(input.firmId), \(bankId), \(input.productId), \(input.amountFen), \(input.termMonths), \(input.note))
                RETURNING id
                """, logger: logger)
            let id = try await rows.returnedId()
            _ = try await client.query("""
                INSERT INTO application_assets (firm_id, application_id, asset_id)
                SELECT \(input.firmId), \(id), unnest(\(assetIds)::bigint[])
                """, logger: logger)
            try await appendStep(firmId: input.firmId, applicationId: id, action: "create", from: nil, to: .draft,
                                 actor: actor, reason: nil)
            return try await application(id: id)!
        }
    }

    static let applicationColumns = """
        a.id, a.firm_id, a.bank_id, a.product_id, a.amount_fen, a.term_months, a.state, a.note, a.version, a.created_at,
        a.updated_at,
        ARRAY(SELECT asset_id FROM application_assets x WHERE x.firm_id = a.firm_id AND x.application_id = a.id ORDER BY asset_id)
            AS asset_ids,
        ARRAY(SELECT id FROM loans l WHERE l.firm_id = a.firm_id AND l.application_id = a.id ORDER BY id) AS loan_ids
        """

    /// One application with its steps; `lock` holds its row until the transaction ends.
    public func application(id: Int64, lock: Bool = false) async throws -> ApplicationRecord? {
        let rows = try await client.query(PostgresQuery(unsafeSQL: """
            SELECT \(Self.applicationColumns) FROM applications a WHERE a.id = $1 \(lock ? "FOR UPDATE" : "")
            """, binds: PostgresBindings.one(id)), logger: logger)
        guard var record = try await decodeAll(rows, Self.decodeApplication).first else { return nil }
        let steps = try await client.query("""
            SELECT seq, action, from_state, to_state, actor, reason, at FROM application_transitions
            WHERE firm_id = \(record.firmId) AND application_id = \(id) ORDER BY seq
            """, logger: logger)
        for try await (seq, action, from, to, actor, reason, at) in steps.decode((Int, String, String?, String, String, String?, Date).self) {
            record.steps.append(.init(seq: seq, action: action, fromState: from, toState: to, actor: actor, reason: reason, at: at))
        }
        return record
    }

    public struct ApplicationFilter: Sendable {
        public var state: ApplicationState?
        public var firmId: Int64?
        public var bankId: Int64?
        public var productId: Int64?
        public init(state: ApplicationState? = nil, firmId: Int64? = nil, bankId: Int64? = nil, productId: Int64? = nil) {
            self.state = state; self.firmId = firmId; self.bankId = bankId; self.productId = productId
        }
    }

    /// Newest first; the cursor is the last id seen.
    public func applications(_ f: ApplicationFilter, page: PageRequest) async throws -> Page<ApplicationRecord> {
        let before = page.after == 0 ? Int64.max : page.after
        let rows = try await client.query("""
            SELECT \(unescaped: Self.applicationColumns) FROM applications a
            WHERE a.id < \(before) AND (\(f.state?.rawValue)::text IS NULL OR a.state = \(f.state?.rawValue))
              AND (\(f.firmId)::bigint IS NULL OR a.firm_id = \(f.firmId))
              AND (\(f.bankId)::bigint IS NULL OR a.bank_id = \(f.bankId))
              AND (\(f.productId)::bigint IS NULL OR a.product_id = \(f.productId))
            ORDER BY a.id DESC LIMIT \(page.limit + 1)
            """, logger: logger)
        return Page(fetched: try await decodeAll(rows, Self.decodeApplication), limit: page.limit, id: \.id)
    }

    /// Moves a locked application whose version the caller checked, and records the step.
    public func move(_ app: ApplicationRecord, action: ApplicationAction, to state: ApplicationState, actor: String,
                     reason: String?) async throws {
        _ = try await client.query("""
            UPDATE applications SET state = \(state.rawValue), version = version + 1, updated_at = now()
            WHERE firm_id = \(app.firmId) AND id = \(app.id)
            """, logger: logger)
        try await appendStep(firmId: app.firmId, applicationId: app.id, action: action.rawValue, from: app.state, to: state,
                             actor: actor, reason: reason)
    }

    private func appendStep(firmId: Int64, applicationId: Int64, action: String, from: ApplicationState?, to: ApplicationState,
                            actor: String, reason: String?) async throws {
        _ = try await client.query("""
            INSERT INTO application_transitions (firm_id, application_id, seq, action, from_state, to_state, actor, reason)
            SELECT \(firmId), \(applicationId), coalesce(max(seq), 0) + 1, \(action), \(from?.rawValue), \(to.rawValue), \(actor), \(reason)
            FROM application_transitions WHERE firm_id = \(firmId) AND application_id = \(applicationId)
            """, logger: logger)
    }

    // MARK: Disbursement, ledger, pledges

    /// Records the loan, its principal entry and the pledge of the application's assets. An asset in
    /// another active pledge makes the unique index refuse; the error names that pledge's application.
    public func disburse(_ app: ApplicationRecord, _ d: DisbursementInput.Valid, actor: String, requestId: String?) async throws -> Int64 {
        try await mapped {
            let loanId = try await insertLoan(firmId: app.firmId, applicationId: app.id, bankId: app.bankId, productId: app.productId,
                                              disbursedAt: d.disbursedAt, maturityOn: d.maturityOn, rateBp: d.rateBp, renewalOf: nil,
                                              actor: actor)
            try await insertEntry(firmId: app.firmId, loanId: loanId,
                                  LedgerEntry(id: 0, kind: .disbursement, amountFen: app.amountFen, effectiveOn: d.disbursedOn),
                                  actor: actor, requestId: requestId)
            let rows = try await client.query("""
                INSERT INTO pledges (firm_id, application_id, registration_number, registered_on, secured_amount_fen)
                VALUES (\(app.firmId), \(app.id), \(d.registrationNumber), \(d.registeredOn), \(d.securedAmountFen ?? app.amountFen))
                RETURNING id
                """, logger: logger)
            var pledgeId: Int64 = 0
            for try await value in rows.decode(Int64.self) { pledgeId = value }
            try await pledgeAssets(app, pledgeId: pledgeId)
            return loanId
        }
    }

    private func pledgeAssets(_ app: ApplicationRecord, pledgeId: Int64) async throws {
        do {
            try await client.withTransaction(logger: logger) { conn in
                _ = try await conn.run("""
                    INSERT INTO pledge_assets (firm_id, pledge_id, asset_id)
                    SELECT firm_id, \(pledgeId), asset_id FROM application_assets
                    WHERE firm_id = \(app.firmId) AND application_id = \(app.id)
                    """, logger: logger)
            }
        } catch {
            guard let psql = PSQLError.within(error), psql.serverInfo?[.constraintName] == "pledge_assets_one_active" else { throw error }
            throw try await pledgeConflict(app)
        }
    }

    /// The winner of a race for an asset has committed by the time the index refused us, so it is visible now.
    private func pledgeConflict(_ app: ApplicationRecord) async throws -> StoreError {
        let rows = try await client.query("""
            SELECT pa.asset_id, p.application_id FROM pledge_assets pa
            JOIN pledges p ON p.firm_id = pa.firm_id AND p.id = pa.pledge_id
            JOIN application_assets x ON x.firm_id = pa.firm_id AND x.asset_id = pa.asset_id AND x.application_id = \(app.id)
            WHERE pa.firm_id = \(app.firmId) AND pa.active ORDER BY pa.asset_id LIMIT 1
            """, logger: logger)
        for try await (asset, holder) in rows.decode((Int64, Int64?).self) {
            let by = holder.map { "申请 #\($0)" } ?? "另一笔质押"
            let byEn = holder.map { "application #\($0)" } ?? "another pledge"
            return .conflict(.init("asset_pledged", field: "assetIds",
                                   zh: "资产 #\(asset) 已在\(by)的有效质押中", en: "Asset #\(asset) is already in an active pledge of \(byEn)"))
        }
        return .conflict(.init("asset_pledged", field: "assetIds", zh: "质押资产已被占用", en: "An asset is already pledged"))
    }

    func insertLoan(firmId: Int64, applicationId: Int64, bankId: Int64, productId: Int64, disbursedAt: Timestamp,
                    maturityOn: CivilDate, rateBp: Int, renewalOf: Int64?, actor: String) async throws -> Int64 {
        let at = Date(timeIntervalSince1970: TimeInterval(disbursedAt.secondsSinceEpoch))
        let rows = try await client.query("""
            INSERT INTO loans (firm_id, application_id, bank_id, product_id, disbursed_at, maturity_on, rate_bp, renewal_of, recorded_by)
            VALUES (\(firmId), \(applicationId), \(bankId), \(productId), \(at), \(maturityOn), \(rateBp), \(renewalOf), \(actor))
            RETURNING id
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        throw StoreError.notFound(entity: "loan", id: 0)
    }

    public func insertEntry(firmId: Int64, loanId: Int64, _ e: LedgerEntry, actor: String, requestId: String?) async throws {
        try await mapped {
            _ = try await client.query("""
                INSERT INTO loan_entries (firm_id, loan_id, kind, amount_fen, effective_on, interest_fen, corrects_id, reason, actor, request_id)
                VALUES (\(firmId), \(loanId), \(e.kind.rawValue), \(e.amountFen), \(e.effectiveOn), \(e.interestFen), \(e.correctsId),
                        \(e.reason), \(actor), coalesce(\(requestId), nullif(current_setting('pledgematch.request_id', true), '')))
                """, logger: logger)
        }
    }

    /// A renewal's rows: the old loan's closing repayment (LedgerRules.renewalEntries decides it),
    /// the new loan, and its opening principal.
    public func renew(_ old: LoanRecord, closing: LedgerEntry?, opening: LedgerEntry, disbursedAt: Timestamp, maturityOn: CivilDate,
                      rateBp: Int, actor: String, requestId: String?) async throws -> Int64 {
        try await mapped {
            if let closing {
                try await insertEntry(firmId: old.firmId, loanId: old.id, closing, actor: actor, requestId: requestId)
            }
            let id = try await insertLoan(firmId: old.firmId, applicationId: old.applicationId, bankId: old.bankId,
                                          productId: old.productId, disbursedAt: disbursedAt, maturityOn: maturityOn, rateBp: rateBp,
                                          renewalOf: old.id, actor: actor)
            try await insertEntry(firmId: old.firmId, loanId: id, opening, actor: actor, requestId: requestId)
            return id
        }
    }

    public func releasePledge(firmId: Int64, applicationId: Int64, on day: CivilDate) async throws {
        _ = try await client.query("""
            UPDATE pledge_assets SET active = false
            WHERE firm_id = \(firmId) AND active AND pledge_id IN (
                SELECT id FROM pledges WHERE firm_id = \(firmId) AND application_id = \(applicationId) AND status = 'active')
            """, logger: logger)
        _ = try await client.query("""
            UPDATE pledges SET status = 'released', released_on = greatest(\(day), coalesce(registered_on, \(day)))
            WHERE firm_id = \(firmId) AND application_id = \(applicationId) AND status = 'active'
            """, logger: logger)
    }

    // MARK: Loans

    static let loanColumns = """
        l.id, l.firm_id, l.application_id, l.bank_id, l.product_id, l.disbursed_at, l.disbursed_on, l.maturity_on, l.rate_bp,
        l.renewal_of, (SELECT n.id FROM loans n WHERE n.firm_id = l.firm_id AND n.renewal_of = l.id) AS renewed_by, l.recorded_at,
        l.recorded_by
        """

    public func loan(id: Int64, lock: Bool = false) async throws -> LoanRecord? {
        let rows = try await client.query(PostgresQuery(unsafeSQL: """
            SELECT \(Self.loanColumns) FROM loans l WHERE l.id = $1 \(lock ? "FOR UPDATE" : "")
            """, binds: PostgresBindings.one(id)), logger: logger)
        guard let loan = try await decodeAll(rows, Self.decodeLoan).first else { return nil }
        return try await withDetails([loan]).first
    }

    public struct LoanFilter: Sendable {
        public var firmId: Int64?
        public var bankId: Int64?
        public var applicationId: Int64?
        public init(firmId: Int64? = nil, bankId: Int64? = nil, applicationId: Int64? = nil) {
            self.firmId = firmId; self.bankId = bankId; self.applicationId = applicationId
        }
    }

    public func loans(_ f: LoanFilter, page: PageRequest) async throws -> Page<LoanRecord> {
        let before = page.after == 0 ? Int64.max : page.after
        let rows = try await client.query("""
            SELECT \(unescaped: Self.loanColumns) FROM loans l
            WHERE l.id < \(before) AND (\(f.firmId)::bigint IS NULL OR l.firm_id = \(f.firmId))
              AND (\(f.bankId)::bigint IS NULL OR l.bank_id = \(f.bankId))
              AND (\(f.applicationId)::bigint IS NULL OR l.application_id = \(f.applicationId))
            ORDER BY l.id DESC LIMIT \(page.limit + 1)
            """, logger: logger)
        var result = Page(fetched: try await decodeAll(rows, Self.decodeLoan), limit: page.limit, id: \.id)
        result.items = try await withDetails(result.items)
        return result
    }

    private func withDetails(_ loans: [LoanRecord]) async throws -> [LoanRecord] {
        guard !loans.isEmpty else { return [] }
        let ids = loans.map(\.id)
        var result = Dictionary(uniqueKeysWithValues: loans.map { ($0.id, $0) })
        let entries = try await client.query("""
            SELECT loan_id, id, kind, amount_fen, effective_on, interest_fen, corrects_id, reason, actor, recorded_at
            FROM loan_entries WHERE loan_id = ANY(\(ids)) ORDER BY id
            """, logger: logger)
        for try await (loan, id, kind, amount, on, interest, corrects, reason, actor, at)
            in entries.decode((Int64, Int64, String, Int64, CivilDate, Int64, Int64?, String?, String, Date).self) {
            let entry = LedgerEntry(id: id, kind: try StoredCode.decode(kind, as: LedgerEntry.Kind.self, table: "loan_entries", column: "kind"), amountFen: amount, effectiveOn: on,
                                    interestFen: interest, correctsId: corrects, reason: reason)
            result[loan]?.entries.append(.init(entry: entry, actor: actor, recordedAt: at))
        }
        let pledges = try await client.query("""
            SELECT l.id, p.id, p.registration_number, p.registered_on, p.secured_amount_fen, p.status, p.released_on,
                   ARRAY(SELECT asset_id FROM pledge_assets pa WHERE pa.firm_id = p.firm_id AND pa.pledge_id = p.id ORDER BY asset_id)
            FROM loans l JOIN pledges p ON p.firm_id = l.firm_id AND p.application_id = l.application_id
            WHERE l.id = ANY(\(ids)) ORDER BY p.id
            """, logger: logger)
        for try await (loan, id, number, on, secured, status, released, assets)
            in pledges.decode((Int64, Int64, String?, CivilDate?, Int64, String, CivilDate?, [Int64]).self) {
            result[loan]?.pledge = .init(id: id, registrationNumber: number, registeredOn: on, securedAmountFen: secured,
                                         status: status, releasedOn: released, assetIds: assets)
        }
        return loans.compactMap { result[$0.id] }
    }

    // MARK: Decoding

    static func decodeApplication(_ r: PostgresRandomAccessRow) throws -> ApplicationRecord {
        ApplicationRecord(
            id: try r["id"].decode(Int64.self), firmId: try r["firm_id"].decode(Int64.self), bankId: try r["bank_id"].decode(Int64.self),
            productId: try r["product_id"].decode(Int64.self), amountFen: try r["amount_fen"].decode(Int64.self),
            termMonths: try r["term_months"].decode(Int.self),
            state: try StoredCode.decode(try r["state"].decode(String.self), as: ApplicationState.self, table: "applications",
                                         column: "state"),
            note: try r["note"].decode(String?.self), version: try r["version"].decode(Int.self),
            createdAt: try r["created_at"].decode(Date.self), updatedAt: try r["updated_at"].decode(Date.self),
            assetIds: try r["asset_ids"].decode([Int64].self), loanIds: try r["loan_ids"].decode([Int64].self))
    }

    static func decodeLoan(_ r: PostgresRandomAccessRow) throws -> LoanRecord {
        LoanRecord(
            id: try r["id"].decode(Int64.self), firmId: try r["firm_id"].decode(Int64.self),
            applicationId: try r["application_id"].decode(Int64.self), bankId: try r["bank_id"].decode(Int64.self),
            productId: try r["product_id"].decode(Int64.self), disbursedAt: try r["disbursed_at"].decode(Date.self),
            disbursedOn: try r["disbursed_on"].decode(CivilDate.self), maturityOn: try r["maturity_on"].decode(CivilDate.self),
            rateBp: try r["rate_bp"].decode(Int.self), renewalOf: try r["renewal_of"].decode(Int64?.self),
            renewedBy: try r["renewed_by"].decode(Int64?.self), recordedAt: try r["recorded_at"].decode(Date.self),
            recordedBy: try r["recorded_by"].decode(String.self))
    }
}
