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
        let range = try ReportRange.check(asOf: input.query.asOf, from: nil, to: nil, today: today())
        let report = try await reports.progress(asOf: range.asOf)
        return .ok(.init(body: .json(try ReportMapping.progress(report, generatedAt: Date()))))
    }

    func exportProgressReport(_ input: Operations.ExportProgressReport.Input) async throws -> Operations.ExportProgressReport.Output {
        let range = try ReportRange.check(asOf: input.query.asOf, from: nil, to: nil, today: today())
        let report = try await reports.progress(asOf: range.asOf)
        let csv = ReportCSV.render(ReportSheets.progress(report, generatedAt: ReportMapping.beijingTime(Date())))
        return .ok(.init(headers: .init(contentDisposition: ContentDisposition.attachment("progress-\(range.asOf).csv")),
                         body: .csv(HTTPBody(csv))))
    }

    func getMonthlyReport(_ input: Operations.GetMonthlyReport.Input) async throws -> Operations.GetMonthlyReport.Output {
        let q = input.query
        let range = try ReportRange.check(asOf: q.asOf, from: q.from, to: q.to, today: today())
        let report = try await reports.monthly(range, dimensions: ReportMapping.dimensions(q.by))
        return .ok(.init(body: .json(try ReportMapping.monthly(report, generatedAt: Date()))))
    }

    func exportMonthlyReport(_ input: Operations.ExportMonthlyReport.Input) async throws -> Operations.ExportMonthlyReport.Output {
        let q = input.query
        let range = try ReportRange.check(asOf: q.asOf, from: q.from, to: q.to, today: today())
        let report = try await reports.monthly(range, dimensions: ReportMapping.dimensions(q.by))
        let csv = ReportCSV.render(ReportSheets.monthly(report, generatedAt: ReportMapping.beijingTime(Date())))
        return .ok(.init(headers: .init(contentDisposition: ContentDisposition.attachment("monthly-\(range.from)-\(range.to)-asof-\(range.asOf).csv")),
                         body: .csv(HTTPBody(csv))))
    }

    func getCostReport(_ input: Operations.GetCostReport.Input) async throws -> Operations.GetCostReport.Output {
        let q = input.query
        let range = try ReportRange.check(asOf: q.asOf, from: q.from, to: q.to, today: today())
        let report = try await reports.cost(range)
        return .ok(.init(body: .json(ReportMapping.cost(report, generatedAt: Date()))))
    }

    func exportCostReport(_ input: Operations.ExportCostReport.Input) async throws -> Operations.ExportCostReport.Output {
        let q = input.query
        let range = try ReportRange.check(asOf: q.asOf, from: q.from, to: q.to, today: today())
        let report = try await reports.cost(range)
        let csv = ReportCSV.render(ReportSheets.cost(report, generatedAt: ReportMapping.beijingTime(Date())))
        return .ok(.init(headers: .init(contentDisposition: ContentDisposition.attachment("cost-\(range.from)-\(range.to)-asof-\(range.asOf).csv")),
                         body: .csv(HTTPBody(csv))))
    }
}
