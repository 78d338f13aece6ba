import Foundation
import Logging
import PledgeCore
import PledgeStore
import PostgresNIO

/// Demo lending history: loans on eligible firm–product pairs, disbursed month by month since the
/// programme's baseline (2025-09-22), some repaid, one defaulted, so the pipeline and the progress
/// reports have something to show. Written through LifecycleRepository, as the API writes them.
struct DemoLoans {
    let client: PostgresClient
    let logger: Logger

    func load(today: CivilDate, count wanted: Int = 36) async throws -> Int {
        let snapshot = try await MatchingRepository(client: client, logger: logger).snapshot()
        let assets = Dictionary(grouping: snapshot.assets, by: \.firmId)
        let start = CivilDate(year: 2025, month: 10, day: 8)!
        let months = max(1, start.wholeMonths(until: today))
        var loans = 0
        let lifecycle = LifecycleRepository(client: client, logger: logger)
        let session = Database.Session(actor: "demo", requestId: nil)
        for (i, firm) in snapshot.firms.sorted(by: { $0.id < $1.id }).enumerated() where loans < wanted {
            let product = snapshot.head.products[i % snapshot.head.products.count]
            let held = assets[firm.id] ?? []
            let result = MatchEngine.evaluate(firm: firm, assets: held, product: product, request: LoanRequest(asOf: today, termMonths: 12))
            guard result.eligible, product.minTermMonths <= 12, product.maxTermMonths >= 12 else { continue }
            let amount = max(product.minAmountFen, result.capacityFen / 2 / 1_000_000 * 1_000_000)
            let day = start.adding(months: loans * months / wanted).adding(days: loans % 20)
            guard day < today else { continue }
            try await Database(client).inRequestTransaction(session, logger: logger) { _ in
                try await lend(lifecycle, firm: firm, product: product, amount: amount, assets: held, on: day, today: today, index: loans)
                return ((), true)
            }
            loans += 1
        }
        return loans
    }

    private func lend(_ lifecycle: LifecycleRepository, firm: MatchFirm, product: MatchProduct, amount: Fen, assets: [MatchAsset],
                      on day: CivilDate, today: CivilDate, index: Int) async throws {
        let request = LoanRequest(asOf: today, amountFen: amount, termMonths: 12)
        guard let package = MatchEngine.evaluate(firm: firm, assets: assets, product: product, request: request).package else { return }
        var app = try await lifecycle.createApplication(
            ApplicationInput(firmId: firm.id, productId: product.id, amountFen: amount, termMonths: 12, assetIds: nil, note: "演示数据"),
            bankId: product.bankId, assetIds: package.assetIds, actor: "demo")
        for (action, state) in [(ApplicationAction.submit, ApplicationState.submitted), (.startReview, .underReview), (.approve, .approved)] {
            try await lifecycle.move(app, action: action, to: state, actor: "demo", reason: nil)
            app.state = state
        }
        // 10:00 in Beijing on the day.
        let at = Timestamp(secondsSinceEpoch: Int64(day.daysSinceEpoch) * 86_400 + 2 * 3600)
        let disbursement = try DisbursementInput(disbursedAt: at, maturityOn: day.adding(months: 12).description, rateBp: 345 + 20 * (index % 3),
                                                 registrationNumber: "渝知质登字[\(day.year)]第\(1000 + index)号",
                                                 registeredOn: day.description, securedAmountFen: amount).validated(today: today)
        let loanId = try await lifecycle.disburse(app, disbursement, actor: "demo", requestId: nil)
        try await lifecycle.move(app, action: .disburse, to: .disbursed, actor: "demo", reason: nil)
        app.state = .disbursed
        // Every loan older than six months has repaid a quarter; every seventh is cleared; one defaulted.
        let repaidOn = day.adding(months: 6)
        if repaidOn < today {
            let cleared = index % 7 == 3
            let paid = cleared ? amount : amount / 4
            try await lifecycle.insertEntry(firmId: firm.id, loanId: loanId,
                                            LedgerEntry(id: 0, kind: .repayment, amountFen: paid, effectiveOn: repaidOn),
                                            actor: "demo", requestId: nil)
            if cleared {
                try await lifecycle.move(app, action: .settle, to: .repaid, actor: "demo", reason: nil)
                try await lifecycle.releasePledge(firmId: firm.id, applicationId: app.id, on: repaidOn)
            } else if index == 5 {
                try await lifecycle.insertEntry(firmId: firm.id, loanId: loanId,
                                                LedgerEntry(id: 0, kind: .default, amountFen: amount - paid,
                                                            effectiveOn: min(repaidOn.adding(days: 90), today), reason: "逾期 90 天（演示）"),
                                                actor: "demo", requestId: nil)
                try await lifecycle.move(app, action: .markDefault, to: .defaulted, actor: "demo", reason: "逾期 90 天（演示）")
            }
        }
    }
}
