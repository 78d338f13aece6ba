import PledgeCore

/// Between a core enum and its generated twin in openapi.yaml, by code: EnumParityTests holds every
/// pair equal, so a failure here is a server bug, answered as a 500 and never a trap.
enum CoreEnum {
    struct Mismatch: Error, CustomStringConvertible {
        let type: String
        let code: String
        var description: String { "\(type) has no case \(code)" }
    }

    /// The generated value for a core value (a String raw value is the code).
    static func api<Core: RawRepresentable, API: RawRepresentable>(_ value: Core) throws -> API
    where Core.RawValue == String, API.RawValue == String {
        guard let mapped = API(rawValue: value.rawValue) else { throw Mismatch(type: "\(API.self)", code: value.rawValue) }
        return mapped
    }

    /// A plain code (a stored status) as the generated value.
    static func api<API: RawRepresentable>(_ code: String) throws -> API where API.RawValue == String {
        guard let mapped = API(rawValue: code) else { throw Mismatch(type: "\(API.self)", code: code) }
        return mapped
    }

    /// The core value for a generated value.
    static func of<API: RawRepresentable, Core: RawRepresentable>(_ value: API, _: Core.Type) throws -> Core
    where Core.RawValue == String, API.RawValue == String {
        guard let mapped = Core(rawValue: value.rawValue) else { throw Mismatch(type: "\(Core.self)", code: value.rawValue) }
        return mapped
    }
}
