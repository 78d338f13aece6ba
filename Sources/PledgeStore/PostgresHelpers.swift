import PostgresNIO

extension PostgresBindings {
    /// The bindings of a query whose one parameter ($1) is an id.
    static func one(_ id: Int64) -> PostgresBindings {
        var b = PostgresBindings()
        b.append(id)
        return b
    }
}

extension PSQLError {
    /// The PostgreSQL error `error` is or wraps (a transaction wraps its body's error).
    static func within(_ error: any Error) -> PSQLError? {
        if let p = error as? PSQLError { return p }
        if let t = error as? PostgresTransactionError, let inner = t.closureError ?? t.commitError { return within(inner) }
        return nil
    }
}

extension PostgresRowSequence {
    /// Whether the statement returned a row (an UPDATE … RETURNING that matched), reading them all.
    func hasRows() async throws -> Bool {
        var found = false
        for try await _ in self { found = true }
        return found
    }

    /// The id an `INSERT … RETURNING id` gave back (0 when it returned no row), reading them all.
    func returnedId() async throws -> Int64 {
        var id: Int64 = 0
        for try await value in decode(Int64.self) { id = value }
        return id
    }
}
