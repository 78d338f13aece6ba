/// A product's programme terms: the interest subsidy (贴息) and the risk-compensation fund's share.
public struct ProductCostTerms: Sendable, Equatable {
    public let productId: Int64
    public let subsidyShareBp: Int64?
    /// The most one firm receives under this product in one calendar year.
    public let subsidyCapFen: Fen?
    public let riskFundShareBp: Int64?

    public init(productId: Int64, subsidyShareBp: Int64?, subsidyCapFen: Fen?, riskFundShareBp: Int64?) {
        self.productId = productId
        self.subsidyShareBp = subsidyShareBp
        self.subsidyCapFen = subsidyCapFen
        self.riskFundShareBp = riskFundShareBp
    }
}

/// One firm's net principal movements under one product in one month, each weighted by its loan's
/// annual rate: Σ amount × rate_bp (disbursements positive, repayments and defaults negative).
public struct RateWeightedFlow: Sendable, Equatable {
    public let firmId: Int64
    public let productId: Int64
    public let month: YearMonth
    public let weightedFen: Int64

    public init(firmId: Int64, productId: Int64, month: YearMonth, weightedFen: Int64) {
        self.firmId = firmId
        self.productId = productId
        self.month = month
        self.weightedFen = weightedFen
    }
}

public struct CostMonth: Sendable, Equatable {
    public let month: YearMonth
    /// Interest on the month-end balances of subsidised products' loans.
    public let interestFen: Fen
    public let subsidyFen: Fen
    /// Subsidy the per-firm cap withheld.
    public let cappedFen: Fen
    /// Net principal newly defaulted on products with a risk fund, and the fund's share of it.
    public let defaultedFen: Fen
    public let riskFundFen: Fen
    public let cumulativeSubsidyFen: Fen
    public let cumulativeRiskFundFen: Fen
}

/// What the programme costs the district: interest subsidy payable and the risk fund's exposure.
///
/// A month's interest on a loan is its outstanding balance at the month's end × its annual rate / 12;
/// the subsidy is the product's share of it, rounded down to the fen per firm, product and month, and
/// a firm receives at most the product's cap in one calendar year. The fund's exposure is its share
/// of the principal defaulted in the month.
public enum ProgrammeCost {
    public static func months(flows: [RateWeightedFlow], defaultsByProduct: [Int64: [YearMonth: Fen]],
                              defaultsBefore: [Int64: Fen], terms: [Int64: ProductCostTerms],
                              from: YearMonth, to: YearMonth) -> [CostMonth] {
        var interest: [YearMonth: Fen] = [:], subsidy: [YearMonth: Fen] = [:], capped: [YearMonth: Fen] = [:]
        var subsidyBefore: Fen = 0
        let grouped = Dictionary(grouping: flows.filter { ($0.month <= to) }) { Pair(firm: $0.firmId, product: $0.productId) }
        for (pair, rows) in grouped {
            guard let t = terms[pair.product], let share = t.subsidyShareBp, share > 0,
                  let first = rows.map(\.month).min() else { continue }
            let byMonth = Dictionary(rows.map { ($0.month, $0.weightedFen) }, uniquingKeysWith: +)
            var weighted: Int64 = 0
            var usedInYear: Fen = 0
            var year = first.year
            for month in first.through(to) {
                if month.year != year { year = month.year; usedInYear = 0 }
                weighted += byMonth[month] ?? 0
                // Σ balance × rate_bp / 12 / 10000 is the month's interest in fen.
                let monthInterest = max(0, weighted) / 120_000
                let due = Money.apply(basisPoints: BasisPoints(share), to: monthInterest)
                let paid = t.subsidyCapFen.map { min(due, max(0, $0 - usedInYear)) } ?? due
                usedInYear += paid
                if month < from {
                    subsidyBefore += paid
                } else {
                    interest[month, default: 0] += monthInterest
                    subsidy[month, default: 0] += paid
                    capped[month, default: 0] += due - paid
                }
            }
        }
        var riskBefore: Fen = 0
        var defaulted: [YearMonth: Fen] = [:], risk: [YearMonth: Fen] = [:]
        for (product, months) in defaultsByProduct {
            guard let share = terms[product]?.riskFundShareBp, share > 0 else { continue }
            riskBefore += Money.apply(basisPoints: BasisPoints(share), to: defaultsBefore[product] ?? 0)
            for (month, fen) in months where month >= from && month <= to {
                defaulted[month, default: 0] += fen
                risk[month, default: 0] += Money.apply(basisPoints: BasisPoints(share), to: fen)
            }
        }
        var cumulativeSubsidy = subsidyBefore, cumulativeRisk = riskBefore
        return from.through(to).map { m in
            cumulativeSubsidy += subsidy[m] ?? 0
            cumulativeRisk += risk[m] ?? 0
            return CostMonth(month: m, interestFen: interest[m] ?? 0, subsidyFen: subsidy[m] ?? 0, cappedFen: capped[m] ?? 0,
                             defaultedFen: defaulted[m] ?? 0, riskFundFen: risk[m] ?? 0,
                             cumulativeSubsidyFen: cumulativeSubsidy, cumulativeRiskFundFen: cumulativeRisk)
        }
    }

    struct Pair: Hashable {
        let firm: Int64
        let product: Int64
    }
}
