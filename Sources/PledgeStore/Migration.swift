import Crypto
import Foundation

/// One numbered SQL file from `db/migrations`, with the checksum that pins its applied text.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public var fileName: String { "\(String(format: "%04d", version))_\(name).sql" }
    public var checksum: String { SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined() }

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// One checksum over a whole set, to name what a database was built from.
    public static func fingerprint(of migrations: [Migration]) -> String {
        SHA256.hash(data: Data(migrations.map(\.checksum).joined().utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The migrations shipped in this module's resources (a link to the repository's db/migrations).
    public static func bundled() throws -> [Migration] {
        guard let url = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw MigrationError.missingBundle
        }
        return try load(from: url)
    }

    public static func load(from directory: URL) throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }
        let migrations = try files.map { file -> Migration in
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
                throw MigrationError.badFileName(file)
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            return Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql)
        }.sorted { $0.version < $1.version }
        for (a, b) in zip(migrations, migrations.dropFirst()) where a.version == b.version {
            throw MigrationError.duplicateVersion(a.version)
        }
        return migrations
    }
}

public enum MigrationError: Error, CustomStringConvertible, Equatable {
    case missingBundle
    case badFileName(String)
    case duplicateVersion(Int)
    case edited(file: String)
    case unknownApplied(version: Int)
    case pending([String])

    public var description: String {
        switch self {
        case .missingBundle: "The migrations resource is missing from the build."
        case .badFileName(let f): "Migration file \(f) is not named NNNN_name.sql."
        case .duplicateVersion(let v): "Two migration files share version \(v)."
        case .edited(let f):
            "Migration \(f) was changed after it was applied (its checksum differs). Add a new migration instead. 迁移文件 \(f) 在执行后被修改。"
        case .unknownApplied(let v): "The database has migration \(v) applied, which this build does not know; run a newer build."
        case .pending(let files):
            "The database has pending migrations: \(files.joined(separator: ", ")). Run `pledgematch migrate` first. 数据库有未执行的迁移，请先运行 pledgematch migrate。"
        }
    }
}
