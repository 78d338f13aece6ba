import Foundation
import OpenAPIRuntime
import PledgeAPI
import PledgeCore
import PledgeStore

/// The finance bureau's reports: progress to the targets, the monthly series and the programme's
/// cost, each as JSON and as a CSV export. Parameters are checked before anything is read.
extension PledgeService {
    var reports: ReportRepository { ReportRepository(client: client, logger: logger) }

    func getProgressReport(_ input: Operations.GetProgressReport.Input) async throws -> Operations.GetProgressReport.Output {
        let (_, report) = try await progress(asOf: input.query.asOf)
        return .ok(.init(body: .json(try ReportMapping.progress(report, generatedAt: Date()))))
    }

    func exportProgressReport(_ input: Operations.ExportProgressReport.Input) async throws -> Operations.ExportProgressReport.Output {
        let (range, report) = try await progress(asOf: input.query.asOf)
        let csv = ReportCSV.render(ReportSheets.progress(report, generatedAt: ReportMapping.beijingTime(Date())))
        return .ok(.init(headers: .init(contentDisposition: ContentDisposition.attachment("progress-\(range.asOf).csv")),
                         body: .csv(HTTPBody(csv))))
    }

    func getMonthlyReport(_ input: Operations.GetMonthlyReport.Input) async throws -> Operations.GetMonthlyReport.Output {
        let q = input.query
        let (_, report) = try await monthly(asOf: q.asOf, from: q.from, to: q.to, by: q.by)
        return .ok(.init(body: .json(try ReportMapping.monthly(report, generatedAt: Date()))))
    }

    func exportMonthlyReport(_ input: Operations.ExportMonthlyReport.Input) async throws -> Operations.ExportMonthlyReport.Output {
        let q = input.query
        let (range, report) = try await monthly(asOf: q.asOf, from: q.from, to: q.to, by: q.by)
        let csv = ReportCSV.render(ReportSheets.monthly(report, generatedAt: ReportMapping.beijingTime(Date())))
        return .ok(.init(headers: .init(contentDisposition: ContentDisposition.attachment(Self.fileName("monthly", range, "csv"))),
                         body: .csv(HTTPBody(csv))))
    }

    func getCostReport(_ input: Operations.GetCostReport.Input) async throws -> Operations.GetCostReport.Output {
        let q = input.query
        let (_, report) = try await cost(asOf: q.asOf, from: q.from, to: q.to)
        return .ok(.init(body: .json(ReportMapping.cost(report, generatedAt: Date()))))
    }

    func exportCostReport(_ input: Operations.ExportCostReport.Input) async throws -> Operations.ExportCostReport.Output {
        let q = input.query
        let (range, report) = try await cost(asOf: q.asOf, from: q.from, to: q.to)
        let csv = ReportCSV.render(ReportSheets.cost(report, generatedAt: ReportMapping.beijingTime(Date())))
        return .ok(.init(headers: .init(contentDisposition: ContentDisposition.attachment(Self.fileName("cost", range, "csv"))),
                         body: .csv(HTTPBody(csv))))
    }

    // One reading per report for its JSON, CSV and workbook: the parameters are checked before anything is read.

    func progress(asOf: String?) async throws -> (ReportRange, ProgressReport) {
        let range = try ReportRange.check(asOf: asOf, from: nil, to: nil, today: today())
        return (range, try await reports.progress(asOf: range.asOf))
    }

    func monthly(asOf: String?, from: String?, to: String?,
                 by: [Components.Schemas.ReportDimension]?) async throws -> (ReportRange, MonthlyReport) {
        let range = try ReportRange.check(asOf: asOf, from: from, to: to, today: today())
        return (range, try await reports.monthly(range, dimensions: ReportMapping.dimensions(by)))
    }

    func cost(asOf: String?, from: String?, to: String?) async throws -> (ReportRange, CostReport) {
        let range = try ReportRange.check(asOf: asOf, from: from, to: to, today: today())
        return (range, try await reports.cost(range))
    }

    static func fileName(_ report: String, _ range: ReportRange, _ ext: String) -> String {
        "\(report)-\(range.from)-\(range.to)-asof-\(range.asOf).\(ext)"
    }
}
