import Foundation
import PostgresNIO

/// Reads `postgres://user:password@host:port/database?sslmode=…` into a client configuration.
public enum DatabaseURL {
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public static func configuration(from string: String) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: string), ["postgres", "postgresql"].contains(url.scheme ?? ""),
              let user = url.user, !user.isEmpty else {
            throw Invalid(description: "DATABASE_URL must look like postgres://user:password@host:5432/database")
        }
        let database = url.path.isEmpty ? user : String(url.path.dropFirst())
        let sslmode = url.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer"
        // A host given as a folder (…?host=/var/run/postgresql) means a Unix socket, as in libpq.
        if let socketDir = url.queryItems?.first(where: { $0.name == "host" })?.value, socketDir.hasPrefix("/") {
            return PostgresClient.Configuration(unixSocketPath: "\(socketDir)/.s.PGSQL.\(url.port ?? 5432)",
                                                username: user, password: url.password, database: database)
        }
        let tls: PostgresClient.Configuration.TLS = switch sslmode {
        case "disable": .disable
        case "require", "verify-ca", "verify-full": .require(.makeClientConfiguration())
        default: .prefer(.makeClientConfiguration())
        }
        return PostgresClient.Configuration(host: url.host ?? "localhost", port: url.port ?? 5432, username: user,
                                            password: url.password, database: database, tls: tls)
    }

    /// Connections of the service's request pool.
    public static let requestPoolSize = 20

    /// The pool settings every client of ours uses.
    public static func tuned(_ config: PostgresClient.Configuration, maximumConnections: Int = requestPoolSize) -> PostgresClient.Configuration {
        var config = config
        // Minimum stays below maximum: equal values crash PostgresNIO 1.33 when the server restarts under load.
        config.options.minimumConnections = 1
        config.options.maximumConnections = max(2, maximumConnections)
        // A server that does not answer is given up on quickly; requests wait no longer anyway.
        config.options.connectTimeout = .seconds(3)
        return config
    }

    /// The service's request pool: a statement or an open transaction that outlives any request's
    /// reason to wait is ended by the server, so no stuck request can keep a connection for good.
    /// (Commands and benchmarks keep no such limit: their long statements are the work.)
    public static func requests(_ config: PostgresClient.Configuration) -> PostgresClient.Configuration {
        var config = config
        config.options.additionalStartupParameters.append(("statement_timeout", "30s"))
        config.options.additionalStartupParameters.append(("idle_in_transaction_session_timeout", "60s"))
        return config
    }

    /// The matching engine's own pool. Its catch-up statement runs before every answer, and
    /// PostgreSQL planned it afresh on each call (1.3 ms, against 0.2 ms to run it): the change log's
    /// size makes the generic plan look dearer than the custom ones. Forcing the generic plan on these
    /// connections alone leaves every other query its custom plans. Index reads run one at a time,
    /// so two connections are enough.
    public static func engine(_ config: PostgresClient.Configuration) -> PostgresClient.Configuration {
        var config = tuned(config, maximumConnections: 2)
        config.options.additionalStartupParameters.append(("plan_cache_mode", "force_generic_plan"))
        return config
    }
}
