import Foundation

/// Bearer secrets: 32 random bytes (256 bits) in URL-safe base64 with a recognisable prefix, so a
/// leaked token is easy to spot in logs and code scanners. Only their SHA-256 is stored.
public enum TokenSecret {
    public static let prefix = "pmt_"

    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + text
    }

    /// A session from POST /auth/login lasts a working day.
    public static let sessionLifetime: TimeInterval = 8 * 3600
}
