import PledgeCore
import PledgeStore

/// Matching questions answered from the engine's in-memory index, caught up with every committed
/// write first: what-if, and a product's candidates within the caller's consent scope.
public struct MatchingWorkflow: Sendable {
    public let index: MatchIndex
    let products: ProductRepository
    let consents: ConsentRepository
    let audit: AuditEvents

    public init(index: MatchIndex, products: ProductRepository, consents: ConsentRepository, audit: AuditEvents) {
        self.index = index; self.products = products; self.consents = consents; self.audit = audit
    }

    /// One product's evaluation before and after the supposed changes.
    public struct WhatIfItem: Sendable {
        public var product: MatchProduct
        public var before: MatchResult
        public var after: MatchResult
    }

    public func whatIf(firmId: Int64, _ input: WhatIfInput, today: CivilDate) async throws -> (asOf: CivilDate, items: [WhatIfItem]) {
        try await WorkflowError.refusing {
            let (firm, assets) = try await currentFirm(firmId)
            let request = try loanRequest(asOf: input.asOf, amountFen: input.amountFen, termMonths: input.termMonths, today: today)
            let changed = try input.apply(to: assets, firmId: firm.id, today: today)
            let targets: [MatchProduct]
            if let id = input.productId { targets = [try await currentProduct(id)] } else { targets = await index.allProducts }
            let items = targets.map { product in
                WhatIfItem(product: product,
                           before: MatchEngine.evaluate(firm: firm, assets: assets, product: product, request: request),
                           after: MatchEngine.evaluate(firm: firm, assets: changed, product: product, request: request))
            }
            return (request.asOf, items)
        }
    }

    public struct Candidates: Sendable {
        public var product: Stored<ProductInput>
        public var asOf: CivilDate
        public var items: [RankedCandidate]
        /// Where the next page starts, if there is one.
        public var next: CandidateKey?
    }

    /// A page of the product's ranking (or all of it, with `limit` nil), limited for a bank officer to
    /// the firms whose consent to share with the bank is in force now. Every list a caller receives
    /// is an export of firm data: who, which product, which filters and which firms go to audit_log.
    public func candidates(productId: Int64, filter: CandidateFilter, after: CandidateKey?, limit: Int?, format: String,
                           by caller: Caller) async throws -> Candidates {
        try await WorkflowError.refusing {
            let product: Stored<ProductInput>
            let found: [RankedCandidate]?
            if let bankId = caller.consentBank {
                (product, found) = try await consentingCandidates(productId, filter, after: after, limit: limit, bankId: bankId, by: caller)
            } else {
                product = try await readProduct(productId, by: caller)
                try await index.syncForAnswer()
                found = await index.candidates(productId: productId, filter: filter, after: after, limit: limit.map { $0 + 1 } ?? .max)
            }
            guard let fetched = found else { throw StoreError.notFound(entity: "product", id: productId) }
            let page = limit.map { Array(fetched.prefix($0)) } ?? fetched
            let next = limit.flatMap { fetched.count > $0 ? page.last?.key : nil }
            try await auditExport(productId, format: format, filter: filter, firms: page.map(\.firm.id), by: caller)
            return Candidates(product: product, asOf: await index.asOf, items: page, next: next)
        }
    }

    /// Read inside the request's transaction: another bank's product is "not found" under row-level
    /// security even if the reach check were missing.
    func readProduct(_ productId: Int64, by caller: Caller) async throws -> Stored<ProductInput> {
        let product = try await products.get(id: productId)
        try caller.reach(bankId: product.fields.bankId, entity: "product", id: productId)
        return product
    }

    /// How far down the ranking a first page looks for consenting firms before it reads them all.
    static let consentWalk = 2_000

    /// A bank officer's candidates: only firms whose consent reaches the bank, ranked among those.
    /// A first page checks the consent of the ranking's top few hundred firms, a widening stretch
    /// until the page is full, rather than reading every consenting firm (tens of thousands in a
    /// province) for each page; the rank within the stretch is the rank among all consenting firms,
    /// since none outside it ranks higher. Later pages, exports, a sparse consent and an index that
    /// moved between the two reads take the whole consenting set. The product is read with the
    /// first stretch's consent, one round trip fewer on the busiest page.
    func consentingCandidates(_ productId: Int64, _ filter: CandidateFilter, after: CandidateKey?, limit: Int?,
                              bankId: Int64, by caller: Caller) async throws -> (Stored<ProductInput>, [RankedCandidate]?) {
        try await index.syncForAnswer()
        var product: Stored<ProductInput>?
        if after == nil, let limit {
            var stretch = max(64, 2 * (limit + 1))
            while stretch <= Self.consentWalk {
                let state = (await index.clock, await index.asOf)
                guard let top = await index.candidates(productId: productId, filter: CandidateFilter(), after: nil, limit: stretch) else {
                    throw StoreError.notFound(entity: "product", id: productId)
                }
                var scoped = filter
                if product == nil {
                    let read = try await products.get(id: productId, consentingTo: bankId, among: top.map(\.firm.id))
                    try caller.reach(bankId: read.product.fields.bankId, entity: "product", id: productId)
                    (product, scoped.firmIds) = (read.product, read.consenting)
                } else {
                    scoped.firmIds = try await consents.consenting(bankId: bankId, among: top.map(\.firm.id))
                }
                let page = await index.candidates(productId: productId, filter: scoped, after: nil, limit: limit + 1)
                guard (await index.clock, await index.asOf) == state else { break }
                if let product, let page, page.count > limit || top.count < stretch { return (product, page) }
                stretch *= 4
            }
        }
        let read = if let product { product } else { try await readProduct(productId, by: caller) }
        var scoped = filter
        scoped.firmIds = try await consents.consentingFirms(bankId: bankId)
        return (read, await index.candidates(productId: productId, filter: scoped, after: after, limit: limit.map { $0 + 1 } ?? .max))
    }

    /// The firm as of every write committed so far.
    public func currentFirm(_ id: Int64) async throws -> (MatchFirm, [MatchAsset]) {
        try await index.syncForAnswer()
        guard let found = await index.firm(id) else { throw WorkflowError(StoreError.notFound(entity: "firm", id: id)) }
        return found
    }

    /// The product as of every write committed so far.
    public func currentProduct(_ id: Int64) async throws -> MatchProduct {
        try await index.syncForAnswer()
        guard let product = await index.product(id) else { throw WorkflowError(StoreError.notFound(entity: "product", id: id)) }
        return product
    }

    /// The day, amount and term a match is measured for; today and the product's own terms by default.
    public func loanRequest(asOf: String?, amountFen: Fen?, termMonths: Int?, today: CivilDate) throws -> LoanRequest {
        var day = today
        if let asOf {
            var c = Checker()
            day = c.date(asOf, field: "asOf", label: Label("测算日期", "The as-of date")) ?? day
            do { try c.finish() } catch { throw WorkflowError(error) }
        }
        if let amountFen, !(1...Money.maxAmount).contains(amountFen) {
            throw WorkflowError(.invalid, code: "out_of_range", zh: "申请金额必须大于 0（单位：分）",
                                en: "The amount must be positive (in fen)", field: "amountFen")
        }
        if let termMonths, !(1...360).contains(termMonths) {
            throw WorkflowError(.invalid, code: "out_of_range", zh: "期限必须在 1 到 360 个月之间",
                                en: "The term must be 1 to 360 months", field: "termMonths")
        }
        return LoanRequest(asOf: day, amountFen: amountFen, termMonths: termMonths)
    }

    func auditExport(_ productId: Int64, format: String, filter: CandidateFilter, firms: [Int64], by caller: Caller) async throws {
        guard let principal = caller.principal else { return }
        var details = ["format": format, "role": principal.role.rawValue, "count": "\(firms.count)",
                       "firmIds": firms.map(String.init).joined(separator: ",")]
        if let v = filter.industryCode { details["industryCode"] = v }
        if let v = filter.town { details["town"] = v }
        if let v = filter.ipType { details["ipType"] = v.rawValue }
        if let v = filter.minCentiPoints { details["minCentiPoints"] = "\(v)" }
        if let v = filter.minCapacityFen { details["minCapacityFen"] = "\(v)" }
        try await audit.record(action: "export", entity: "product", entityId: productId, actor: principal.actor,
                               requestId: caller.requestId, details: details)
    }
}
