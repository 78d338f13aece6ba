import Foundation
import PledgeCore
import PledgeImport

enum Fixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/import")

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url(name))) }

    static func csv(_ name: String) throws -> (SheetTable, TextEncoding) {
        try CSVReader.read(bytes: bytes(name), name: name)
    }

    static let today = CivilDate(year: 2026, month: 11, day: 30)!

    /// The industries of 0002_reference_data.sql.
    static let industries: [ImportReference.Industry] = [
        .init(code: "advanced_materials", zh: "先进材料", en: "Advanced materials"),
        .init(code: "equipment", zh: "装备制造", en: "Equipment manufacturing"),
        .init(code: "biomedicine", zh: "生物医药", en: "Biomedicine"),
        .init(code: "new_energy", zh: "新能源及新型储能", en: "New energy and energy storage"),
        .init(code: "artificial_intelligence", zh: "人工智能", en: "Artificial intelligence"),
        .init(code: "semiconductors", zh: "芯片半导体", en: "Chips and semiconductors"),
        .init(code: "food_processing", zh: "食品加工（含涪陵榨菜）", en: "Food processing (incl. Fuling zhacai)"),
        .init(code: "other", zh: "其他", en: "Other"),
    ]

    static let firms: [(id: Int64, creditCode: String, name: String)] = [
        (1, "91500102MA5U000012", "重庆涪陵榨菜示范食品有限公司"),
        (2, "91500102MA5U000025", "重庆涪陵新材料科技有限公司"),
        (3, "91500102MA5U000038", "重庆白涛化工装备有限公司"),
    ]

    static var reference: ImportReference { ImportReference(today: today, industries: industries, firms: firms) }
}
