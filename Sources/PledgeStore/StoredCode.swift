import PledgeCore

/// A code in a row that no case of its Swift enum has: the database and the program disagree (a
/// migration ahead of the code, a hand-made row). Never replaced by a default: a ledger entry of an
/// unknown kind counted as a repayment would change the outstanding figure. The API answers 500.
public struct UnknownStoredCode: Error, Equatable, Sendable, CustomStringConvertible {
    public let table: String
    public let column: String
    public let value: String
    public var description: String { "\(table).\(column) holds the unknown code '\(value)'" }

    public init(table: String, column: String, value: String) {
        self.table = table; self.column = column; self.value = value
    }
}

enum StoredCode {
    /// The case whose raw value is `text`, or `UnknownStoredCode` naming where it was read.
    static func decode<E: RawRepresentable>(_ text: String, as _: E.Type, table: String, column: String) throws -> E
    where E.RawValue == String {
        guard let value = E(rawValue: text) else { throw UnknownStoredCode(table: table, column: column, value: text) }
        return value
    }
}
