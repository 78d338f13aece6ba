import Foundation
import PostgresNIO

/// A random ledger over 2025–2026 with the awkward cases in it: disbursements around Beijing midnight,
/// loans recorded weeks late and out of order, renewals, partial repayments, defaults, corrections
/// recorded long after the entries they correct, and disbursements moved to another day by correction.
public struct RandomLedger: Sendable {
    public let fixture: LedgerFixture
    public init(client: PostgresClient) { fixture = LedgerFixture(client: client) }

    public func generate(seed: UInt64, loans count: Int, firms firmCount: Int = 20) async throws {
        var rng = SeededRandom(seed: seed)
        var products: [(bank: Int64, product: Int64)] = []
        for b in 0..<3 {
            let bank = try await fixture.bank("RB\(b)")
            products.append((bank, try await fixture.product(bank: bank, code: "RP\(b)A", subsidyShareBp: 5000,
                                                                subsidyCapFen: 500_000, riskShareBp: 5400)))
            products.append((bank, try await fixture.product(bank: bank, code: "RP\(b)B")))
        }
        let industries = ["equipment", "biomedicine", "food_processing", "new_energy"]
        let towns = ["涪陵高新区", "白涛工业园区", "李渡街道"]
        let sizes = ["micro", "small", "medium", "large"]
        var firms: [Int64] = []
        for n in 0..<firmCount {
            firms.append(try await fixture.firm(Int(seed % 1000) * 1000 + n, industry: industries.randomElement(using: &rng)!,
                                                town: towns.randomElement(using: &rng)!, size: sizes.randomElement(using: &rng)!))
        }
        let start = Date(timeIntervalSince1970: 1_748_736_000)   // 2025-06-01T00:00:00Z
        let iso = ISO8601DateFormatter()
        func day(_ d: Date) -> String {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
            let c = calendar.dateComponents([.year, .month, .day], from: d)
            return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        }
        struct Made { let loan: LedgerFixture.Loan; let at: Date; let recorded: Date; let amount: Int64; let bank: Int64; let product: Int64 }
        var made: [Made] = []
        var renewed: Set<Int64> = []
        for _ in 0..<count {
            // Whole days plus a time of day; a third land within half an hour of Beijing midnight.
            var at = start.addingTimeInterval(Double(Int.random(in: 0..<540, using: &rng)) * 86_400)
            at = at.addingTimeInterval(Bool.random(using: &rng) && Int.random(in: 0..<3, using: &rng) == 0
                                       ? 16 * 3600 + Double(Int.random(in: -1800...1800, using: &rng))
                                       : Double(Int.random(in: 0..<86_400, using: &rng)))
            let late = Int.random(in: 0..<10, using: &rng) < 3
            let recorded = late ? at.addingTimeInterval(Double(Int.random(in: 1...60, using: &rng)) * 86_400 + 3600) : at
            let amount = Int64.random(in: 10_000_000...500_000_000, using: &rng)
            let firm = firms.randomElement(using: &rng)!
            if Int.random(in: 0..<10, using: &rng) == 0,
               let old = made.first(where: { $0.loan.firm == firm && !renewed.contains($0.loan.id) && $0.at < at }) {
                renewed.insert(old.loan.id)
                let loan = try await fixture.loan(firm: firm, bank: old.bank, product: old.product, amountFen: amount,
                                                  disbursedAt: iso.string(from: at), recordedAt: iso.string(from: recorded),
                                                  renewalOf: old.loan)
                made.append(Made(loan: loan, at: at, recorded: recorded, amount: amount, bank: old.bank, product: old.product))
                continue
            }
            let p = products.randomElement(using: &rng)!
            let loan = try await fixture.loan(firm: firm, bank: p.bank, product: p.product, amountFen: amount,
                                              disbursedAt: iso.string(from: at), recordedAt: iso.string(from: recorded),
                                              rateBp: Int.random(in: 300...600, using: &rng))
            made.append(Made(loan: loan, at: at, recorded: recorded, amount: amount, bank: p.bank, product: p.product))
        }
        for m in made.shuffled(using: &rng) {
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 50 {
                let on = m.at.addingTimeInterval(Double(Int.random(in: 20...200, using: &rng)) * 86_400)
                try await fixture.entry(m.loan, kind: "repayment", amountFen: m.amount / Int64.random(in: 2...5, using: &rng),
                                        effectiveOn: day(on), recordedAt: iso.string(from: on.addingTimeInterval(Double(Int.random(in: 0...10, using: &rng)) * 86_400)))
            } else if roll < 60 {
                let on = m.at.addingTimeInterval(Double(Int.random(in: 60...300, using: &rng)) * 86_400)
                try await fixture.entry(m.loan, kind: "default", amountFen: m.amount / 4, effectiveOn: day(on),
                                        recordedAt: iso.string(from: on.addingTimeInterval(86_400 * 3)))
            }
            let fix = Int.random(in: 0..<100, using: &rng)
            if fix < 20 {
                // A correction of the disbursement, on the disbursement's day, recorded weeks later.
                let original = try await fixture.firstEntry(of: m.loan)
                let later = m.recorded.addingTimeInterval(Double(Int.random(in: 5...90, using: &rng)) * 86_400)
                let delta = Bool.random(using: &rng) ? -(m.amount / 10) : m.amount / 20
                try await fixture.entry(m.loan, kind: "disbursement", amountFen: delta, effectiveOn: day(m.at),
                                        recordedAt: iso.string(from: later), corrects: original)
            } else if fix < 30 {
                // The disbursement moved to a later day (across a month or the baseline, perhaps): the whole
                // amount added on the new day, then taken off the old one, each recorded some days later.
                let original = try await fixture.firstEntry(of: m.loan)
                let to = m.at.addingTimeInterval(Double(Int.random(in: 1...45, using: &rng)) * 86_400)
                let added = m.recorded.addingTimeInterval(Double(Int.random(in: 1...60, using: &rng)) * 86_400)
                let removed = added.addingTimeInterval(Double(Int.random(in: 0...20, using: &rng)) * 86_400)
                try await fixture.entry(m.loan, kind: "disbursement", amountFen: m.amount, effectiveOn: day(to),
                                        recordedAt: iso.string(from: added), corrects: original)
                try await fixture.entry(m.loan, kind: "disbursement", amountFen: -m.amount, effectiveOn: day(m.at),
                                        recordedAt: iso.string(from: removed), corrects: original)
            }
        }
    }
}
