import Logging
import PostgresNIO

/// Runs `body` with a client whose connection pool runs for exactly as long as the body, for work
/// that is not the long-running server (commands, tests, benchmarks).
public func withRunningClient<T: Sendable>(_ configuration: PostgresClient.Configuration, logger: Logger,
                                           _ body: (PostgresClient) async throws -> T) async throws -> T {
    let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            await client.run()
            return nil
        }
        defer { group.cancelAll() }
        return try await body(client)
    }
}
