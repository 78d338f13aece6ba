import Foundation
import Logging
import PledgeStore
import PostgresNIO
import PledgeTooling

/// Gives each test its own database, cloned from a template that was migrated once.
/// The cluster is the same embedded PostgreSQL the service uses, in a throwaway folder
/// (PLEDGEMATCH_TEST_DATA, by default under /tmp so the postgres account can reach it).
public enum TestDatabase {
    public static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return logger
    }()

    /// Suites run side by side, each test with a database and a pool of up to 60 connections: at 300
    /// connections a burst of them left a test's psql "too many clients" and other tests' requests
    /// waiting out their lease.
    public static let cluster = EmbeddedPostgres(
        dataDirectory: ProcessInfo.processInfo.environment["PLEDGEMATCH_TEST_DATA"] ?? "/tmp/pledgematch-test-\(getuid())",
        database: "postgres", maxConnections: 1000)

    /// Runs `body` with a client on a new, migrated, empty database that is dropped afterwards.
    public static func withDatabase<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        try await withDatabase { client, _ in try await body(client) }
    }

    /// The same, also handing over the database's client configuration, for a second pool on it
    /// (the matching engine's).
    public static func withDatabase<T: Sendable>(
        _ body: @Sendable (PostgresClient, PostgresClient.Configuration) async throws -> T) async throws -> T {
        let template = try await Template.shared.name()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await createFromTemplate(String(name), template: template)
        do {
            let configuration = cluster.clientConfiguration(database: String(name))
            let result = try await withClient(database: String(name)) { try await body($0, configuration) }
            try? await offPool { try cluster.dropDatabase(name: String(name)) }
            return result
        } catch {
            try? await offPool { try cluster.dropDatabase(name: String(name)) }
            throw error
        }
    }

    /// Runs a blocking call (a createdb or dropdb process, waiting for a process to end) on a thread
    /// of its own. On the concurrency pool (two threads on two cores) it would stop the tasks that
    /// read other tests' rows, and a DROP DATABASE waits for every backend, including one blocked
    /// writing rows nobody reads; two such waits at once stop every test.
    public static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    public static func withClient<T: Sendable>(database: String, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        var config = DatabaseURL.tuned(cluster.clientConfiguration(database: database), maximumConnections: 60)
        config.options.minimumConnections = 0
        return try await withRunningClient(config, logger: logger, body)
    }

    /// The template's last client may still be closing its connections, which blocks a copy for a moment.
    static func createFromTemplate(_ name: String, template: String) async throws {
        for attempt in 1...50 {
            do {
                return try await offPool { try cluster.createDatabaseIfMissing(name: name, template: template) }
            } catch where attempt < 50 {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// The migrated template, named by the migrations' checksums so an edited set gets a new one.
    actor Template {
        static let shared = Template()
        private var ready: Task<String, any Error>?

        func name() async throws -> String {
            if let ready { return try await ready.value }
            let task = Task<String, any Error> {
                try cluster.start(logger: logger)
                let migrations = try Migration.bundled()
                let name = "template_\(Migration.fingerprint(of: migrations).prefix(16))"
                try cluster.createDatabaseIfMissing(name: name)
                try await withClient(database: name) { client in
                    try await Migrator(client: client, migrations: migrations, logger: logger).migrate()
                }
                return name
            }
            ready = task
            return try await task.value
        }
    }
}

/// Waits for `process` to end without holding a thread of the concurrency pool (`TestDatabase.offPool`):
/// a service stopping on SIGTERM takes up to its 25 s shutdown, and a blocked pool thread is half
/// of a 2-core machine's tests.
public func waitForExit(_ process: Process) async {
    nonisolated(unsafe) let process = process
    _ = try? await TestDatabase.offPool { process.waitUntilExit() }
}
