import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The console's sign-in: the same access tokens as the API (a login makes a session token), carried
/// in an `HttpOnly; SameSite=Strict` cookie scoped to /console instead of an Authorization header.
/// Every form carries a token derived from the session's secret (`_csrf`); a POST without the right
/// one is refused before anything runs.
enum ConsoleSession {
    static let cookie = "pm_session"
    static let langCookie = "pm_lang"

    /// Paths of the console that work signed out: the sign-in page, its form, the styles, the language switch.
    static func isOpen(_ path: String) -> Bool {
        path == "/console/login" || path == "/console/lang" || path.hasPrefix("/console/static/")
    }

    static func isConsole(_ path: String) -> Bool { path == "/console" || path.hasPrefix("/console/") }

    /// The session secret from the cookie, if it looks like one (TokenSecret's alphabet and size).
    static func secret(_ request: Request) -> String? {
        guard let value = request.cookies[cookie]?.value, (16...200).contains(value.utf8.count),
              value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ";") }) else { return nil }
        return value
    }

    /// The form token of a session: not the secret itself, and useless without the cookie.
    static func csrfToken(for secret: String) -> String {
        let digest = SHA256.hash(data: Data(("pledgematch-console-form\u{0}" + secret).utf8))
        return digest.prefix(20).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares in time independent of where the first difference lies.
    static func csrfMatches(_ given: String?, secret: String) -> Bool {
        let expected = Array(csrfToken(for: secret).utf8)
        guard let given, given.utf8.count == expected.count else { return false }
        var diff: UInt8 = 0
        for (a, b) in zip(given.utf8, expected) { diff |= a ^ b }
        return diff == 0
    }

    /// `Secure` when the request came over TLS (a proxy in front says so) or the operator asks for it.
    static func secure(_ request: Request) -> Bool {
        request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
            || ProcessInfo.processInfo.environment["PLEDGEMATCH_SECURE_COOKIES"] == "1"
    }

    static func setCookie(secret: String, maxAge: Int, request: Request) -> String {
        "\(cookie)=\(secret); Path=/console; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)" + (secure(request) ? "; Secure" : "")
    }

    static func clearCookie(request: Request) -> String {
        "\(cookie)=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0" + (secure(request) ? "; Secure" : "")
    }

    /// The once-per-form key a console form carries (`_key`), used as its Idempotency-Key: a second
    /// click on the same form replays the first answer. Anything not shaped like a key is ignored.
    static func formKey(_ body: String) -> String? {
        guard let key = ConsoleForm(body)["_key"], (1...255).contains(key.utf8.count),
              key.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x21 && $0.value < 0x7F }) else { return nil }
        return key
    }

    static func lang(_ request: Request) -> Lang {
        request.cookies[langCookie].flatMap { Lang(rawValue: $0.value) } ?? .zh
    }

    /// A local console path to go back to after sign-in or a language switch; anything else is home.
    static func localTarget(_ value: String?) -> String {
        guard let value, value.hasPrefix("/console"), !value.hasPrefix("//"), !value.contains("\\"),
              value.utf8.count <= 500, !value.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return "/console" }
        return value
    }
}
