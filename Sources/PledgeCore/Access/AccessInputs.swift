/// A new user as an administrator or the command line gives it.
public struct UserInput: Sendable, Equatable {
    public var login: String
    public var displayName: String
    public var role: Role
    public var bankId: Int64?
    public var password: String?

    public init(login: String, displayName: String, role: Role, bankId: Int64?, password: String?) {
        self.login = login; self.displayName = displayName; self.role = role; self.bankId = bankId; self.password = password
    }

    public static let minimumPasswordLength = 12
    /// bcrypt reads at most 72 bytes: a longer password would be silently cut, so it is refused.
    public static let maximumPasswordBytes = 72

    public func validated() throws(ValidationFailure) -> UserInput {
        var c = Checker()
        let login = self.login.lowercased()
        c.require((2...63).contains(login.count) && login.first.map { $0.isASCII && ($0.isLetter || $0.isNumber) } == true
                  && login.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || ".-_".contains($0)) },
                  .init("invalid_login", field: "login", zh: "登录名须为 2–63 个小写字母、数字或 . _ -，以字母或数字开头",
                        en: "The login must be 2–63 lower-case letters, digits or . _ -, starting with a letter or digit"))
        let name = c.text(displayName, field: "displayName", label: Label("姓名", "Display name"), max: 100)
        c.require((role == .bankOfficer) == (bankId != nil),
                  .init("bank_role_mismatch", field: "bankId", zh: "银行客户经理必须绑定一家银行，其他角色不能绑定银行",
                        en: "A bank officer needs a bank; other roles have none"))
        if let password {
            c.require(password.count >= Self.minimumPasswordLength && password.utf8.count <= Self.maximumPasswordBytes,
                      .init("weak_password", field: "password",
                            zh: "密码须至少 \(Self.minimumPasswordLength) 个字符，且不超过 \(Self.maximumPasswordBytes) 字节",
                            en: "The password needs at least \(Self.minimumPasswordLength) characters and at most \(Self.maximumPasswordBytes) bytes"))
            c.require(!password.unicodeScalars.contains { $0.value == 0 },
                      .init("control_character", field: "password", zh: "密码含有空字符", en: "The password contains a NUL character"))
        }
        try c.finish()
        return UserInput(login: login, displayName: name, role: role, bankId: bankId, password: password)
    }
}

/// An API token request.
public struct TokenInput: Sendable, Equatable {
    public var name: String
    public var expiresInDays: Int

    public init(name: String, expiresInDays: Int?) { self.name = name; self.expiresInDays = expiresInDays ?? 90 }

    public func validated() throws(ValidationFailure) -> TokenInput {
        var c = Checker()
        let name = c.text(name, field: "name", label: Label("令牌名称", "Token name"), max: 100)
        c.range(expiresInDays, 1...366, field: "expiresInDays", label: Label("有效天数", "Days valid"))
        try c.finish()
        return TokenInput(name: name, expiresInDays: expiresInDays)
    }
}

/// A firm's consent to share its data with banks, as recorded by the operations centre.
public struct ConsentInput: Sendable, Equatable {
    public var grantedOn: String
    public var bankId: Int64?
    public var evidence: String?

    public init(grantedOn: String, bankId: Int64?, evidence: String?) {
        self.grantedOn = grantedOn; self.bankId = bankId; self.evidence = evidence
    }

    /// The checked consent: the day it was signed (not after `today`) and its evidence.
    public func validated(today: CivilDate) throws(ValidationFailure) -> (grantedOn: CivilDate, bankId: Int64?, evidence: String?) {
        var c = Checker()
        let day = c.date(grantedOn, field: "grantedOn", label: Label("授权日期", "Consent date"))
        if let day {
            c.require(day <= today, .init("future_date", field: "grantedOn", zh: "授权日期不能晚于今天", en: "grantedOn cannot be in the future"))
        }
        let evidence = c.optionalText(evidence, field: "evidence", label: Label("授权凭证", "Evidence"), max: 200)
        try c.finish()
        return (day!, bankId, evidence)
    }
}
