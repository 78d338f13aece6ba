import Foundation
import Hummingbird
import HummingbirdTesting
import PledgeCore
import PledgeImport
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeServer

/// GET /exports/…: the tables in the import's layout, round-tripping through POST /imports, and only
/// what the caller may see; the bureau's workbooks with numbers as numbers.
@Suite("Exports through the API")
struct ExportAPITests {
    @Test func exportedFirmsImportAgainUnchangedInBothFormats() async throws {
        try await withApp { client, db in
            let loaded = try await client.awaitImport(try #require(
                try await client.upload("kind=firms", try ImportAPITests.fixture("firms_zh_utf8.csv")).headers[.location]))
            #expect(loaded["inserted"] as? Int == 3)
            let csv = try await client.send(.get, "/exports/firms?format=csv")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(Array(csv.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
            #expect(csv.text.contains("统一社会信用代码"))
            #expect(csv.headers[.contentDisposition]?.contains("firms-") == true)
            let xlsx = try await client.send(.get, "/exports/firms")
            #expect(xlsx.status == .ok)
            #expect(xlsx.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            let workbook = Array(xlsx.body.readableBytesView)
            #expect(workbook.starts(with: [0x50, 0x4B, 0x03, 0x04]))
            for (bytes, type) in [(Array(csv.body.readableBytesView), "text/csv"), (workbook, "application/octet-stream")] {
                let again = try await client.awaitImport(try #require(try await client.upload("kind=firms", bytes, contentType: type).headers[.location]))
                #expect(again["status"] as? String == "succeeded", "\(again)")
                #expect(again["unchanged"] as? Int == 3, "\(again)")
                #expect(again["inserted"] as? Int == 0 && again["updated"] as? Int == 0)
            }
            #expect(try await count("firms", db) == 3)
            // Every table export is in the audit trail.
            #expect(try await count("audit_log WHERE action = 'export' AND entity = 'firms'", db) == 2)
            // The other tables export too (empty here), with their import headers.
            for kind in ["assets", "valuations", "licences", "loans"] {
                let r = try await client.send(.get, "/exports/\(kind)?format=csv")
                #expect(r.status == .ok, "\(kind): \(r.text)")
            }
            #expect(try await client.send(.get, "/exports/firms?format=pdf").status == .badRequest)
            #expect(try await client.send(.get, "/exports/firms?format=csv", headers: [.accept: "application/json"]).status == .notAcceptable)
        }
    }

    @Test func aBankOfficerReceivesConsentingFirmsAndTheBanksOwnLoansOnly() async throws {
        try await withApp { client, db in
            let ledger = LedgerFixture(client: db)
            let bankA = try await ledger.bank("EXP_A"), bankB = try await ledger.bank("EXP_B")
            let productA = try await ledger.product(bank: bankA, code: "EXP_PA"), productB = try await ledger.product(bank: bankB, code: "EXP_PB")
            let consenting = try await ledger.firm(1), toOtherBank = try await ledger.firm(2), silent = try await ledger.firm(3)
            #expect(try await client.send(.post, "/firms/\(consenting)/consents", json: #"{"grantedOn":"2026-01-05","bankId":\#(bankA)}"#).status == .created)
            #expect(try await client.send(.post, "/firms/\(toOtherBank)/consents", json: #"{"grantedOn":"2026-01-05","bankId":\#(bankB)}"#).status == .created)
            try await ledger.loan(firm: consenting, bank: bankA, product: productA, amountFen: 100_000_000, disbursedAt: "2026-02-10T02:00:00Z")
            try await ledger.loan(firm: toOtherBank, bank: bankB, product: productB, amountFen: 200_000_000, disbursedAt: "2026-02-11T02:00:00Z")
            try await ledger.loan(firm: silent, bank: bankB, product: productB, amountFen: 300_000_000, disbursedAt: "2026-02-12T02:00:00Z")
            let officer = TestUser.bankOfficer(bankA)

            let firms = try await client.send(.get, "/exports/firms?format=csv", as: officer)
            #expect(firms.status == .ok, "\(firms.text)")
            #expect(firms.text.contains("测试企业1"))
            #expect(!firms.text.contains("测试企业2") && !firms.text.contains("测试企业3"))
            let staff = try await client.send(.get, "/exports/firms?format=csv")
            #expect(staff.text.contains("测试企业1") && staff.text.contains("测试企业2") && staff.text.contains("测试企业3"))

            let loans = try await client.send(.get, "/exports/loans?format=csv", as: officer)
            #expect(loans.status == .ok, "\(loans.text)")
            #expect(loans.text.contains("EXP_A") && !loans.text.contains("EXP_B"), "\(loans.text)")
            #expect(loans.text.contains("1000000.00") || loans.text.contains("1,000,000.00"))
            #expect(!loans.text.contains("2000000.00") && !loans.text.contains("3000000.00"), "\(loans.text)")
            let xlsx = try await client.send(.get, "/exports/loans", as: officer)
            let table = try XLSXReader.read(data: Data(xlsx.body.readableBytesView))
            #expect(table.rows.count == 2)  // the header and bank A's one loan

            // Firm-level tables a bank may not read at all, and nothing firm-level for analysts.
            for kind in ["assets", "valuations", "licences"] {
                #expect(try await client.send(.get, "/exports/\(kind)", as: officer).status == .forbidden)
            }
            for kind in ["firms", "assets", "valuations", "licences", "loans"] {
                #expect(try await client.send(.get, "/exports/\(kind)", as: .analyst).status == .forbidden)
            }
        }
    }

    @Test func reportWorkbooksHaveATitleUnitsAndNumbers() async throws {
        try await withApp { client, db in
            let ledger = LedgerFixture(client: db)
            let bank = try await ledger.bank("WB_A")
            let product = try await ledger.product(bank: bank, code: "WB_P")
            let firm = try await ledger.firm(7)
            try await ledger.loan(firm: firm, bank: bank, product: product, amountFen: 123_456_789, disbursedAt: "2026-03-10T02:00:00Z")
            let monthly = try await client.send(.get, "/reports/monthly.xlsx?from=2026-01&to=2026-06&asOf=2026-06-30", as: .analyst)
            #expect(monthly.status == .ok, "\(monthly.text)")
            #expect(monthly.headers[.contentDisposition]?.contains("monthly-2026-01-2026-06") == true)
            let sheet = try XLSXReader.read(data: Data(monthly.body.readableBytesView))
            #expect(sheet.rows.first?.cells.first?.contains("月度") == true)
            #expect(sheet.rows.contains { row in row.cells.contains { $0.contains("（元）") || $0.contains("(元)") } })
            // The amount is a number cell: the reader gives it back as the number, not formatted text.
            #expect(sheet.rows.contains { $0.cells.contains("1234567.89") })
            let progress = try await client.send(.get, "/reports/progress.xlsx?asOf=2026-06-30", as: .operations)
            #expect(progress.status == .ok)
            #expect(Array(progress.body.readableBytesView).starts(with: [0x50, 0x4B, 0x03, 0x04]))
            #expect(try await client.send(.get, "/reports/progress.xlsx", as: .bankOfficer(bank)).status == .forbidden)
            let bad = try await client.send(.get, "/reports/monthly.xlsx?from=2026-13", as: .analyst)
            #expect([400, 422].contains(bad.status.code), "\(bad.text)")
            #expect(bad.json["field"] as? String == "from")
        }
    }
}
