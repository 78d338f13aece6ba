import Foundation
import Hummingbird
import PledgeCore
import PledgeStore

/// The language of the console: Chinese unless the person switched to English (cookie `pm_lang`).
enum Lang: String, Sendable {
    case zh, en
    var code: String { self == .zh ? "zh-CN" : "en" }
}

/// What every console page needs to know about the request it answers.
struct ConsoleRequest: Sendable {
    var lang: Lang
    var principal: Principal?
    /// The form token of this session (ConsoleSession.csrfToken); nil when signed out.
    var csrf: String?
    var path: String
    var displayName: String?

    /// Chinese or English, as the person reads.
    func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }

    func t(_ label: Label) -> String { t(label.zh, label.en) }

    /// A generated value's name for people, from its core twin (the name's one home); the code
    /// itself if the two ever disagree, which EnumParityTests rules out.
    func name<API: RawRepresentable, Core: RawRepresentable & Labelled>(_ value: API, _: Core.Type) -> String
    where API.RawValue == String, Core.RawValue == String {
        Core(rawValue: value.rawValue).map { t($0.label) } ?? value.rawValue
    }

    /// May the person use this operation of openapi.yaml? The console shows and serves what the role
    /// table (OperationAccess) lets the role call, and nothing else.
    func may(_ operationId: String) -> Bool {
        OperationAccess.decide(operationId: operationId, principal: principal) == .allow
    }

    /// The hidden fields every form of the console carries: the session's form token and a fresh key,
    /// so a second click replays the first answer instead of acting twice.
    var formGuard: HTML {
        "<input type=\"hidden\" name=\"_csrf\" value=\"\(csrf ?? "")\"><input type=\"hidden\" name=\"_key\" value=\"\(UUID().uuidString)\">"
    }
}
