import Foundation
import PostgresNIO
import Logging

/// A private PostgreSQL cluster run from the system's `initdb` and `pg_ctl`, with its data and its
/// Unix socket inside one folder, so it clashes with no other server and needs no network port.
/// PostgreSQL refuses to run as root; as root the cluster runs as the `postgres` system account.
public struct EmbeddedPostgres: Sendable {
    public let dataDirectory: String
    public let database: String
    public static let superuser = "postgres"
    public static let port = 5432

    public enum Failure: Error, CustomStringConvertible {
        case binariesMissing
        case commandFailed(String, status: Int32, output: String)
        case socketPathTooLong(String)

        public var description: String {
            switch self {
            case .binariesMissing:
                return """
                    PostgreSQL server programs (initdb, pg_ctl) were not found. Install them with:
                      sudo apt-get install -y postgresql
                    or set DATABASE_URL to use an existing server.
                    未找到 PostgreSQL 服务端程序（initdb、pg_ctl）。请执行 sudo apt-get install -y postgresql，或设置 DATABASE_URL 使用已有数据库。
                    """
            case .commandFailed(let command, let status, let output):
                return "\(command) failed with status \(status):\n\(output)"
            case .socketPathTooLong(let path):
                return "The data folder path is too long for a Unix socket (\(path)); choose a shorter --data-dir."
            }
        }
    }

    /// The service's pools need 22 connections an instance; 300 leaves room for several instances,
    /// imports, backups and psql. The test suite runs dozens of databases at once, each with a pool
    /// of its own, and asks for more.
    public let maxConnections: Int

    public init(dataDirectory: String, database: String = "pledgematch", maxConnections: Int = 300) {
        self.dataDirectory = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        self.database = database
        self.maxConnections = maxConnections
    }

    public var socketPath: String { "\(dataDirectory)/.s.PGSQL.\(Self.port)" }

    /// Creates the cluster on first use, starts it unless it already runs, and makes sure the
    /// application database exists. Returns once the server accepts connections: true when this
    /// call started it, false when it was running already.
    @discardableResult
    public func start(logger: Logger) throws -> Bool {
        guard socketPath.utf8.count < 100 else { throw Failure.socketPathTooLong(socketPath) }
        let bin = try Self.binDirectory()
        if !FileManager.default.fileExists(atPath: "\(dataDirectory)/PG_VERSION") {
            logger.info("Creating the embedded PostgreSQL cluster", metadata: ["dataDir": "\(dataDirectory)"])
            try prepareDirectory()
            try run("\(bin)/initdb", ["-D", dataDirectory, "-U", Self.superuser, "--auth=trust",
                                      "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"])
        }
        var started = false
        if try isRunning(bin: bin) {
            logger.info("Reusing the embedded PostgreSQL cluster that is already running", metadata: ["dataDir": "\(dataDirectory)"])
        } else {
            started = true
            logger.info("Starting the embedded PostgreSQL cluster", metadata: ["dataDir": "\(dataDirectory)"])
            try run("\(bin)/pg_ctl", ["-D", dataDirectory, "-l", "\(dataDirectory)/server.log", "-w", "-t", "60",
                                      "-o", "-c listen_addresses='' -k \(dataDirectory) -p \(Self.port) -c fsync=on -c max_connections=\(maxConnections)",
                                      "start"])
        }
        try createDatabaseIfMissing(bin: bin, name: database)
        return started
    }

    /// Stops the cluster with a fast shutdown (rolls back open transactions, keeps committed data).
    public func stop(logger: Logger) {
        guard let bin = try? Self.binDirectory(), (try? isRunning(bin: bin)) == true else { return }
        logger.info("Stopping the embedded PostgreSQL cluster")
        do {
            try run("\(bin)/pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "stop"])
        } catch {
            logger.error("Could not stop the embedded PostgreSQL cluster: \(error)")
        }
    }

    public func createDatabaseIfMissing(name: String, template: String? = nil) throws {
        try createDatabaseIfMissing(bin: Self.binDirectory(), name: name, template: template)
    }

    public func dropDatabase(name: String) throws {
        let bin = try Self.binDirectory()
        try run("\(bin)/dropdb", ["-h", dataDirectory, "-p", "\(Self.port)", "-U", Self.superuser, "--if-exists", name])
    }

    private func createDatabaseIfMissing(bin: String, name: String, template: String? = nil) throws {
        let exists = try run("\(bin)/psql", ["-h", dataDirectory, "-p", "\(Self.port)", "-U", Self.superuser,
                                             "-d", "postgres", "-tAc", "SELECT 1 FROM pg_database WHERE datname = '\(name)'"])
        guard exists.trimmingCharacters(in: .whitespacesAndNewlines) != "1" else { return }
        var args = ["-h", dataDirectory, "-p", "\(Self.port)", "-U", Self.superuser]
        if let template { args += ["-T", template] }
        try run("\(bin)/createdb", args + [name])
    }

    private func isRunning(bin: String) throws -> Bool {
        let result = execute("\(bin)/pg_ctl", ["-D", dataDirectory, "status"])
        return result.status == 0
    }

    func prepareDirectory() throws {
        // Only the cluster's own folder is closed (PostgreSQL requires 0700). Folders made above it
        // keep the default mode: closed ones would keep the server's account out of its own data.
        let parent = URL(fileURLWithPath: dataDirectory).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        guard getuid() == 0 else { return }
        try run("/bin/chown", ["-R", "\(Self.superuser):\(Self.superuser)", dataDirectory], asServerUser: false)
        if execute("/usr/bin/test", ["-w", dataDirectory]).status != 0 {
            throw Failure.commandFailed("test -w \(dataDirectory)", status: 1, output: """
                The \(Self.superuser) account cannot reach \(dataDirectory): a parent folder is closed to it.
                Choose a --data-dir under a folder every account can enter (for example /var/lib/pledgematch).
                """)
        }
    }

    /// The newest installed server's programs (Debian keeps them out of PATH, under /usr/lib/postgresql/N/bin).
    public static func binDirectory() throws -> String {
        let fm = FileManager.default
        let root = "/usr/lib/postgresql"
        let versions = ((try? fm.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
        for v in versions where fm.isExecutableFile(atPath: "\(root)/\(v)/bin/pg_ctl") { return "\(root)/\(v)/bin" }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        where fm.isExecutableFile(atPath: "\(dir)/pg_ctl") && fm.isExecutableFile(atPath: "\(dir)/initdb") {
            return String(dir)
        }
        throw Failure.binariesMissing
    }

    @discardableResult
    private func run(_ program: String, _ arguments: [String], asServerUser: Bool = true) throws -> String {
        let result = execute(program, arguments, asServerUser: asServerUser)
        guard result.status == 0 else {
            throw Failure.commandFailed(([program] + arguments).joined(separator: " "), status: result.status, output: result.output)
        }
        return result.output
    }

    private func execute(_ program: String, _ arguments: [String], asServerUser: Bool = true) -> (status: Int32, output: String) {
        let result = asServerUser && getuid() == 0
            ? ChildProcess.run("/usr/sbin/runuser", ["-u", Self.superuser, "--", program] + arguments)
            : ChildProcess.run(program, arguments)
        return (result.status, result.output)
    }

}

extension EmbeddedPostgres {
    public var clientConfiguration: PostgresClient.Configuration {
        PostgresClient.Configuration(unixSocketPath: socketPath, username: Self.superuser, password: nil, database: database)
    }

    public func clientConfiguration(database: String) -> PostgresClient.Configuration {
        PostgresClient.Configuration(unixSocketPath: socketPath, username: Self.superuser, password: nil, database: database)
    }
}
