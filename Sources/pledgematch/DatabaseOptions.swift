import ArgumentParser
import Foundation
import Logging
import PledgeStore
import PostgresNIO
import PledgeTooling

/// Where the data lives: an external server named by DATABASE_URL, or the embedded cluster.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"),
            help: "Folder of the embedded PostgreSQL cluster (env PLEDGEMATCH_DATA; default .pledgematch/pg). Ignored with DATABASE_URL.")
    var dataDir: String = ProcessInfo.processInfo.environment["PLEDGEMATCH_DATA"] ?? ".pledgematch/pg"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (env LOG_LEVEL).")
    var logLevel: String = ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info"

    var databaseURL: String? {
        ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func makeLogger(_ label: String) throws -> Logger {
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw ValidationError("Unknown log level '\(logLevel)'.")
        }
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }

    /// Opens the database: the external server, or the embedded cluster started (and created) on demand.
    func open(logger: Logger) throws -> OpenedDatabase {
        if let databaseURL {
            return OpenedDatabase(configuration: DatabaseURL.tuned(try DatabaseURL.configuration(from: databaseURL)),
                                  embedded: nil, startedCluster: false)
        }
        let embedded = EmbeddedPostgres(dataDirectory: dataDir)
        let started = try embedded.start(logger: logger)
        return OpenedDatabase(configuration: DatabaseURL.tuned(embedded.clientConfiguration), embedded: embedded,
                              startedCluster: started)
    }
}

struct OpenedDatabase {
    let configuration: PostgresClient.Configuration
    let embedded: EmbeddedPostgres?
    /// Whether this process started the embedded cluster (a running `serve` may own it instead).
    let startedCluster: Bool

    var isEmbedded: Bool { embedded != nil }

    /// Stops the embedded cluster if this process started it, or whenever `always` (the server owns it).
    func close(logger: Logger, always: Bool = false) {
        if startedCluster || always { embedded?.stop(logger: logger) }
    }
}
