import Logging
import PostgresNIO

/// What of a database error may be logged: its type, the PostgreSQL code and constraint. Never its
/// description: PostgreSQL errors may hold the query's values.
public enum ErrorMetadata {
    public static func of(_ error: any Error) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["rootType": "\(type(of: error))"]
        if let psql = error as? PSQLError {
            metadata["psqlCode"] = "\(psql.code)"
            if let state = psql.serverInfo?[.sqlState] { metadata["sqlState"] = "\(state)" }
            if let constraint = psql.serverInfo?[.constraintName] { metadata["constraint"] = "\(constraint)" }
        }
        if let unknown = error as? UnknownStoredCode {
            metadata["table"] = "\(unknown.table)"
            metadata["column"] = "\(unknown.column)"
            metadata["value"] = "\(unknown.value)"
        }
        return metadata
    }
}
