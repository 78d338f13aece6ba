import Foundation
import PledgeAPI
import PledgeCore

/// Core reports to the spec's schemas.
enum ReportMapping {
    static func dimensions(_ by: [Components.Schemas.ReportDimension]?) -> [ReportDimension] {
        guard let by, !by.isEmpty else { return ReportDimension.allCases }
        let chosen = Set(by.compactMap { ReportDimension(rawValue: $0.rawValue) })
        return ReportDimension.allCases.filter(chosen.contains)
    }

    /// Generation time for files a person reads: Beijing time with its offset.
    static func beijingTime(_ date: Date) -> String { date.beijingText }

    static func changes(_ c: LaterChanges, asOf: CivilDate) -> Components.Schemas.LaterChanges {
        let notice = c.notice(asOf: asOf)
        return .init(entries: c.entries, corrections: c.corrections, messageZh: notice?.zh, messageEn: notice?.en)
    }

    static func progress(_ r: ProgressReport, generatedAt: Date) throws -> Components.Schemas.ProgressReport {
        .init(asOf: r.asOf.api, generatedAt: generatedAt.apiTimestamp, laterChanges: changes(r.laterChanges, asOf: r.asOf),
              targets: try r.targets.map { p in
                  .init(targetId: p.target.id, name: p.target.name, baselineDate: p.target.baselineDate.api,
                        deadline: p.target.deadline.api, targetAmountFen: p.target.amountFen, targetFirmCount: p.target.firmCount,
                        achievedFen: p.achievedFen, achievedFirms: p.achievedFirms, firstTimeFirms: p.firstTimeFirms, remainingFen: p.remainingFen,
                        remainingFirms: p.remainingFirms, amountDoneBp: p.amountDoneBp, firmsDoneBp: p.firmsDoneBp,
                        monthsLeft: p.monthsLeft, neededPerMonthFen: p.neededPerMonthFen,
                        neededFirmsPerMonth: p.neededFirmsPerMonth, paceFrom: p.paceFrom.api,
                        pacePrincipalFen: p.pacePrincipalFen, paceFirms: p.paceFirms, paceMonthlyFen: p.paceMonthlyFen,
                        projectedFen: p.projectedFen, projectedFirms: p.projectedFirms,
                        status: try CoreEnum.api(p.status),
                        statusZh: p.status.label.zh, statusEn: p.status.label.en)
              })
    }

    static func group(_ g: SeriesGroup) -> Components.Schemas.SeriesGroup {
        .init(key: g.key, labelZh: g.label.zh, labelEn: g.label.en, months: g.months.map { m in
            .init(month: m.month.description, newLoans: m.newLoans, newPrincipalFen: m.newPrincipalFen, newFirms: m.newFirms,
                  financedFirms: m.financedFirms, repaidFen: m.repaidFen, defaultedFen: m.defaultedFen, cumulativePrincipalFen: m.cumulativePrincipalFen,
                  cumulativeFirms: m.cumulativeFirms, financedFirmsSinceFrom: m.financedFirmsSinceFrom, outstandingFen: m.outstandingFen)
        })
    }

    static func monthly(_ r: MonthlyReport, generatedAt: Date) throws -> Components.Schemas.MonthlyReport {
        .init(asOf: r.asOf.api, generatedAt: generatedAt.apiTimestamp, from: r.from.description, to: r.to.description,
              laterChanges: changes(r.laterChanges, asOf: r.asOf), total: group(r.total),
              breakdowns: try r.breakdowns.map { b in
                  .init(dimension: try CoreEnum.api(b.dimension),
                        labelZh: b.dimension.label.zh, labelEn: b.dimension.label.en, groups: b.groups.map(group))
              })
    }

    static func cost(_ r: CostReport, generatedAt: Date) -> Components.Schemas.CostReport {
        .init(asOf: r.asOf.api, generatedAt: generatedAt.apiTimestamp, from: r.from.description, to: r.to.description,
              laterChanges: changes(r.laterChanges, asOf: r.asOf), months: r.months.map { m in
                  .init(month: m.month.description, interestFen: m.interestFen, subsidyFen: m.subsidyFen, cappedFen: m.cappedFen,
                        defaultedFen: m.defaultedFen, riskFundFen: m.riskFundFen, cumulativeSubsidyFen: m.cumulativeSubsidyFen,
                        cumulativeRiskFundFen: m.cumulativeRiskFundFen)
              })
    }
}
