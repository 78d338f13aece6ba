import ArgumentParser
import Foundation
import PledgeStore
import PledgeTooling

/// `pledgematch backup FILE`: a consistent copy of the whole database, taken while the service runs.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Back up the database to FILE with pg_dump (custom format); safe while the service runs. 备份数据库。",
        discussion: "Restore it with `pledgematch restore FILE`. deploy/BACKUP.md says how to run it nightly and how to set up point-in-time recovery.")

    @Argument(help: "The backup file to write.") var file: String
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = try database.makeLogger("pledgematch.backup")
        let db = try database.open(logger: logger)
        defer { db.close(logger: logger) }
        try DatabaseBackup(target: database.backupTarget).backup(to: file)
        let size = ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0
        print("Backed up to \(file) (\(size) bytes). 已备份。")
    }
}

/// `pledgematch restore FILE`: into an empty database (a new cluster, or a new DATABASE_URL).
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a backup made by `pledgematch backup` into an empty database, in one transaction. 恢复备份。")

    @Argument(help: "The backup file to read.") var file: String
    @Flag(name: .customLong("force"), help: "Replace the objects of a database that is not empty.") var force = false
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw ValidationError("Cannot read \(file). 无法读取备份文件。")
        }
        let logger = try database.makeLogger("pledgematch.restore")
        let db = try database.open(logger: logger)
        defer { db.close(logger: logger) }
        try DatabaseBackup(target: database.backupTarget).restore(from: file, replace: force)
        print("Restored \(file). 已恢复。Run `pledgematch migrate` if the backup is older than this program.")
    }
}

extension DatabaseOptions {
    var backupTarget: DatabaseBackup.Target {
        databaseURL.map(DatabaseBackup.Target.url) ?? .embedded(EmbeddedPostgres(dataDirectory: dataDir))
    }
}
