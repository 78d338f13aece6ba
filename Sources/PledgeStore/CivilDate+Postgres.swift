import NIOCore
import PledgeCore
import PostgresNIO

/// Business dates travel as PostgreSQL `date` (days since 2000-01-01), never through a time zone.
extension CivilDate: PostgresNonThrowingEncodable, PostgresDecodable {
    static let postgresEpochOffset = 10_957  // days from 1970-01-01 to 2000-01-01

    public static var psqlType: PostgresDataType { .date }
    public static var psqlFormat: PostgresFormat { .binary }

    public func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(Int32(daysSinceEpoch - Self.postgresEpochOffset))
    }

    public init<JSONDecoder: PostgresJSONDecoder>(from buffer: inout ByteBuffer, type: PostgresDataType,
                                                  format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>) throws {
        guard type == .date, format == .binary, buffer.readableBytes == 4, let days = buffer.readInteger(as: Int32.self) else {
            throw PostgresDecodingError.Code.typeMismatch
        }
        self.init(daysSinceEpoch: Int(days) + Self.postgresEpochOffset)
    }
}
