/// A lending bank (合作银行).
public struct BankInput: Sendable {
    public var code: String
    public var name: String

    public init(code: String, name: String) { self.code = code; self.name = name }

    public func validated() throws(ValidationFailure) -> BankInput {
        var c = Checker()
        let code = c.code(code, field: "code", label: Label("银行代码", "Bank code"), max: 16)
        c.require(code.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") } && code.count >= 2,
                  .init("code_format", field: "code", zh: "银行代码为 2–16 位字母、数字或下划线",
                        en: "A bank code is 2 to 16 letters, digits or underscores"))
        let name = c.text(name, field: "name", label: Label("银行名称", "Bank name"), max: 200)
        try c.finish()
        return BankInput(code: code, name: name)
    }
}
