import Foundation
import Logging
import PledgeCore
import PledgeStore
import PostgresNIO

/// Loads the deterministic demo dataset through the same validation and repositories the API uses,
/// so demo rows obey every rule real rows do.
public struct DemoLoader: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) { (self.client, self.logger) = (client, logger) }

    /// Loads the dataset unless firms exist already; returns a one-line summary.
    public func loadIfEmpty(today: CivilDate, seed: UInt64 = 20_250_922) async throws -> String {
        let existing = try await count("firms")
        guard existing == 0 else {
            return "The database already holds \(existing) firms; demo data not loaded. 数据库已有企业数据，未加载演示数据。"
        }
        let data = DemoDataset.generate(seed: seed, today: today)
        let bankIds = try await insertBanks(data.banks)
        for product in data.products {
            var input = product.input
            input.bankId = bankIds[product.bankIndex]
            _ = try await ProductRepository(client: client, logger: logger).create(input.validated())
        }
        let firmIds = try await insertFirms(data.firms, today: today)
        let assetIds = try await insertAssets(data.assets, firmIds: firmIds, today: today)
        let valuations = ValuationRepository(client: client, logger: logger)
        for valuation in data.valuations {
            var input = valuation.input
            input.assetId = assetIds[valuation.assetIndex]
            _ = try await valuations.create(input.validated(today: today))
        }
        let licences = try await licenseZhacaiProducers(data, firmIds: firmIds, assetIds: assetIds, today: today)
        let loans = try await DemoLoans(client: client, logger: logger).load(today: today)
        return "Loaded demo data: \(data.banks.count) banks, \(data.products.count) products, \(data.firms.count) firms, "
            + "\(data.assets.count) IP assets, \(data.valuations.count) valuations, \(licences) GI licences, \(loans) loans. 演示数据已加载。"
    }

    private func insertBanks(_ banks: [BankInput]) async throws -> [Int64] {
        let repo = BankRepository(client: client, logger: logger)
        var ids: [Int64] = []
        for bank in banks { ids.append(try await repo.create(bank.validated()).id) }
        return ids
    }

    private func insertFirms(_ firms: [FirmInput], today: CivilDate) async throws -> [Int64] {
        let repo = FirmRepository(client: client, logger: logger)
        var ids: [Int64] = []
        for (i, firm) in firms.enumerated() {
            ids.append(try await repo.create(firm.validated(today: today)).id)
            if (i + 1) % 50 == 0 { logger.info("Demo firms loaded: \(i + 1)/\(firms.count)") }
        }
        return ids
    }

    private func insertAssets(_ assets: [DemoDataset.Asset], firmIds: [Int64], today: CivilDate) async throws -> [Int64] {
        let repo = AssetRepository(client: client, logger: logger)
        var ids: [Int64] = []
        for (i, asset) in assets.enumerated() {
            var input = asset.input
            input.firmId = firmIds[asset.firmIndex]
            ids.append(try await repo.create(input.validated(today: today)).id)
            if (i + 1) % 500 == 0 { logger.info("Demo IP assets loaded: \(i + 1)/\(assets.count)") }
        }
        return ids
    }

    /// The association (firm 0) holds the 涪陵榨菜 mark (asset 0); every 榨菜 producer is licensed to use it.
    private func licenseZhacaiProducers(_ data: DemoDataset, firmIds: [Int64], assetIds: [Int64],
                                        today: CivilDate) async throws -> Int {
        guard let mark = data.assets.first, mark.input.type == IPType.giCollectiveMark.rawValue else { return 0 }
        let repo = LicenceRepository(client: client, logger: logger)
        var count = 0
        for (i, firm) in data.firms.enumerated() where i != mark.firmIndex && firm.name.contains("榨菜") {
            count += 1
            let number = "涪榨许字[\(today.year - 1)]第\(String(format: "%03d", count))号"
            _ = try await repo.create(LicenceInput(firmId: firmIds[i], markAssetId: assetIds[0], licenceNumber: number,
                                                   validFrom: today.adding(years: -1).description,
                                                   validUntil: today.adding(years: 4).description).validated())
        }
        return count
    }

    private func count(_ table: String) async throws -> Int {
        let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: logger)
        for try await n in rows.decode(Int.self) { return n }
        return 0
    }
}
