import OpenAPIRuntime
import PledgeStore
import PostgresNIO
import Logging

/// What of an error may be logged: its type, the PostgreSQL code and constraint, the operation.
/// Never its description: the OpenAPI runtime's errors hold the whole request (headers with bearer
/// tokens, bodies with passwords), and PostgreSQL errors may hold the query's values.
enum LoggedError {
    static func metadata(_ error: any Error) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["errorType": "\(type(of: error))"]
        if let server = error as? ServerError { metadata["operation"] = "\(server.operationID)" }
        metadata.merge(ErrorMetadata.of(root(error))) { _, new in new }
        return metadata
    }

    /// The error under the wrappers the runtime and the transaction helpers put around it.
    static func root(_ error: any Error) -> any Error {
        var current = error
        for _ in 0..<8 {
            if let server = current as? ServerError {
                current = server.underlyingError
            } else if let tx = current as? PostgresTransactionError, let inner = tx.closureError ?? tx.commitError ?? tx.beginError {
                current = inner
            } else {
                break
            }
        }
        return current
    }
}
