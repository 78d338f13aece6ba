import Foundation
import OpenAPIRuntime
import PledgeAPI
import PledgeCore
import PledgeImport
import PledgeImportStore
import PledgeStore

/// GET /exports/{firms,assets,valuations,licences,loans}: the tables in the import's own layout, as
/// .xlsx or CSV (UTF-8 with BOM), so a file exported, edited and imported again round-trips; and
/// the finance bureau's reports as workbooks. A bank officer receives the firms whose consent to
/// share with the bank is in force (the candidates' rule, `candidateScope`) and the bank's own
/// loans; the request's transaction runs under row-level security all the same. Every table export
/// is recorded in the audit trail, as every candidate list is.
extension PledgeService {
    func exportFirms(_ input: Operations.ExportFirms.Input) async throws -> Operations.ExportFirms.Output {
        .ok(try await exportTable(.firms, format: input.query.format?.rawValue))
    }

    func exportAssets(_ input: Operations.ExportAssets.Input) async throws -> Operations.ExportAssets.Output {
        .ok(try await exportTable(.assets, format: input.query.format?.rawValue))
    }

    func exportValuations(_ input: Operations.ExportValuations.Input) async throws -> Operations.ExportValuations.Output {
        .ok(try await exportTable(.valuations, format: input.query.format?.rawValue))
    }

    func exportLicences(_ input: Operations.ExportLicences.Input) async throws -> Operations.ExportLicences.Output {
        .ok(try await exportTable(.licences, format: input.query.format?.rawValue))
    }

    func exportLoans(_ input: Operations.ExportLoans.Input) async throws -> Operations.ExportLoans.Output {
        .ok(try await exportTable(.loans, format: input.query.format?.rawValue))
    }

    func exportProgressWorkbook(_ input: Operations.ExportProgressWorkbook.Input) async throws -> Operations.ExportProgressWorkbook.Output {
        let (range, report) = try await progress(asOf: input.query.asOf)
        let bytes = try ExportService.report(ReportSheets.progress(report, generatedAt: ReportMapping.beijingTime(Date())))
        return .ok(Self.workbook(bytes, name: "progress-\(range.asOf).xlsx"))
    }

    func exportMonthlyWorkbook(_ input: Operations.ExportMonthlyWorkbook.Input) async throws -> Operations.ExportMonthlyWorkbook.Output {
        let q = input.query
        let (range, report) = try await monthly(asOf: q.asOf, from: q.from, to: q.to, by: q.by)
        let bytes = try ExportService.report(ReportSheets.monthly(report, generatedAt: ReportMapping.beijingTime(Date())))
        return .ok(Self.workbook(bytes, name: Self.fileName("monthly", range, "xlsx")))
    }

    /// What of `kind` the caller may receive: everything for staff; for a bank officer the firms that
    /// consented to share with the bank, and the bank's loans.
    func exportScope(_ kind: ImportKind) async throws -> ExportScope {
        guard let bankId = BankBoundary.consentFilterBank else { return .everything }
        if kind == .loans { return ExportScope(bankId: boundary.scope ?? bankId) }
        return ExportScope(firmIds: try await consents.consentingFirms(bankId: bankId).sorted(), bankId: bankId)
    }

    /// The table is written row by row, a page of rows read at a time, to a private temporary file,
    /// which the response then streams: memory stays bounded whatever the table's size, and each
    /// page's statement is short (the request's statement limit holds per statement).
    func exportTable(_ kind: ImportKind, format: String?) async throws -> Components.Responses.ExportFile {
        let scope = try await exportScope(kind)
        let csv = format == "csv"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pledgematch-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let count = try await ExportService(client: client, logger: logger).write(kind, scope: scope, format: csv ? .csv : .xlsx, to: url)
        if let principal = RequestPrincipal.current {
            try await audit.record(action: "export", entity: kind.rawValue, entityId: nil, actor: principal.actor,
                                   requestId: RequestOrigin.current.requestId,
                                   details: ["format": format ?? "xlsx", "role": principal.role.rawValue, "count": "\(count)"])
        }
        let body = try Self.fileBody(url)
        let name = "\(kind.rawValue)-\(today()).\(csv ? "csv" : "xlsx")"
        return .init(headers: .init(contentDisposition: ContentDisposition.attachment(name)),
                     body: csv ? .csv(body) : .applicationVnd_openxmlformatsOfficedocument_spreadsheetml_sheet(body))
    }

    /// A file's bytes as a response body read 64 KiB at a time. The caller removes the file: the open
    /// handle keeps its bytes readable until the body has been sent (or dropped).
    static func fileBody(_ url: URL) throws -> HTTPBody {
        let handle = try FileHandle(forReadingFrom: url)
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 0)
        let chunks = AsyncThrowingStream<ArraySlice<UInt8>, any Error> {
            guard let data = try handle.read(upToCount: 1 << 16), !data.isEmpty else {
                try? handle.close()
                return nil
            }
            return ArraySlice(data)
        }
        return HTTPBody(chunks, length: .known(Int64(size)), iterationBehavior: .single)
    }

    static func workbook(_ bytes: [UInt8], name: String) -> Components.Responses.Workbook {
        .init(headers: .init(contentDisposition: ContentDisposition.attachment(name)),
              body: .applicationVnd_openxmlformatsOfficedocument_spreadsheetml_sheet(HTTPBody(bytes)))
    }
}
