import Foundation
import PledgeCore

/// A form's fields, drawn with their labels and, after a refusal, each problem beside its field and
/// everything typed kept. Field names are the API's, so a problem's `field` finds its input.
struct ConsoleFields: Sendable {
    enum Kind: Sendable {
        case text(max: Int), date, yuan, whole(ClosedRange<Int64>), check
        case choice([(value: String, zh: String, en: String)])
    }
    /// A choice's options from the core category, with its names for people.
    static func choices<Core: CaseIterable & RawRepresentable & Labelled>(_: Core.Type) -> [(value: String, zh: String, en: String)]
    where Core.RawValue == String {
        Core.allCases.map { ($0.rawValue, $0.label.zh, $0.label.en) }
    }

    struct Field: Sendable {
        var name: String, zh: String, en: String, kind: Kind, required: Bool = false
    }

    var fields: [Field]
    var values: [String: String]
    var problems: [FieldError]

    init(_ fields: [Field], values: [String: String] = [:], problems: [FieldError] = []) {
        self.fields = fields; self.values = values; self.problems = problems
    }

    func render(_ r: ConsoleRequest, action: String, submit: String, hidden: [String: String] = [:]) -> HTML {
        let names = Set(fields.map(\.name))
        let unplaced: [HTML] = problems.filter { !names.contains($0.field) }.map { ConsoleLayout.problemBox(r, r.t($0.zh, $0.en)) }
        let hiddenInputs: [HTML] = hidden.sorted { $0.key < $1.key }.map { "<input type=\"hidden\" name=\"\($0.key)\" value=\"\($0.value)\">" }
        let inputs: [HTML] = fields.map { field($0, r) }
        return "\(unplaced)<form class=\"stack\" method=\"post\" action=\"\(action)\" novalidate>\(r.formGuard)\(hiddenInputs)\(inputs)<button type=\"submit\">\(submit)</button></form>"
    }

    private func field(_ f: Field, _ r: ConsoleRequest) -> HTML {
        let problem = problems.first { $0.field == f.name }
        let value = values[f.name] ?? ""
        var attributes = f.required ? " required" : ""
        if problem != nil { attributes += " aria-invalid=\"true\" aria-describedby=\"\(f.name)-error\"" }
        let label: HTML = "<label for=\"\(f.name)\">\(r.t(f.zh, f.en))\(f.required ? HTML(raw: " <span aria-hidden=\"true\">*</span>") : .empty)</label>"
        let input: HTML
        switch f.kind {
        case .text(let max):
            input = "<input id=\"\(f.name)\" name=\"\(f.name)\" value=\"\(value)\" maxlength=\"\(max)\"\(HTML(raw: attributes))>"
        case .date:
            input = "<input id=\"\(f.name)\" name=\"\(f.name)\" type=\"date\" min=\"1900-01-01\" max=\"2200-12-31\" value=\"\(value)\"\(HTML(raw: attributes))>"
        case .yuan:
            input = "<input id=\"\(f.name)\" name=\"\(f.name)\" inputmode=\"decimal\" maxlength=\"20\" value=\"\(value)\"\(HTML(raw: attributes))>"
        case .whole(let range):
            input = "<input id=\"\(f.name)\" name=\"\(f.name)\" type=\"number\" min=\"\(range.lowerBound)\" max=\"\(range.upperBound)\" value=\"\(value)\"\(HTML(raw: attributes))>"
        case .check:
            return "<div class=\"field\"><input id=\"\(f.name)\" name=\"\(f.name)\" type=\"checkbox\" value=\"true\"\(value == "true" ? HTML(raw: " checked") : .empty)> <label for=\"\(f.name)\" class=\"inline\">\(r.t(f.zh, f.en))</label></div>"
        case .choice(let options):
            let opts: [HTML] = options.map { o in "<option value=\"\(o.value)\"\(o.value == value ? HTML(raw: " selected") : .empty)>\(r.t(o.zh, o.en))</option>" }
            input = "<select id=\"\(f.name)\" name=\"\(f.name)\"\(HTML(raw: attributes))>\(opts)</select>"
        }
        let message: HTML = problem.map { "<div class=\"field-error\" id=\"\(f.name)-error\">\(r.t($0.zh, $0.en))</div>" } ?? .empty
        return "<div class=\"field\">\(label)\(input)\(message)</div>"
    }
}

/// Reads typed values out of a submitted form, noting each one that cannot be read.
struct ConsoleFormReader {
    let form: ConsoleForm
    private(set) var problems: [FieldError] = []

    init(_ form: ConsoleForm) { self.form = form }

    func text(_ name: String) -> String { form.text(name) ?? "" }
    func optionalText(_ name: String) -> String? { form.text(name) }
    func flag(_ name: String) -> Bool { form[name] == "true" }

    mutating func yuan(_ name: String) -> Int64? {
        guard let t = form.text(name) else { return nil }
        guard let fen = ConsoleFormat.fen(fromYuan: t) else {
            problems.append(FieldError("invalid_amount", field: name, zh: "请填写以元计的金额，最多两位小数", en: "Enter an amount in yuan with at most two decimals"))
            return nil
        }
        return fen
    }

    mutating func whole(_ name: String, _ range: ClosedRange<Int64>) -> Int64? {
        guard let t = form.text(name) else { return nil }
        guard t.count <= 19, let n = Int64(t), range.contains(n) else {
            problems.append(FieldError("invalid_number", field: name, zh: "请填写 \(range.lowerBound)–\(range.upperBound) 之间的整数",
                                       en: "Enter a whole number from \(range.lowerBound) to \(range.upperBound)"))
            return nil
        }
        return n
    }

    mutating func choice<T: RawRepresentable>(_ name: String, _ type: T.Type) -> T? where T.RawValue == String {
        guard let v = form.text(name).flatMap(T.init(rawValue:)) else {
            problems.append(FieldError("invalid_choice", field: name, zh: "请选择一项", en: "Choose one"))
            return nil
        }
        return v
    }

    /// The problems of a refusal, to show beside the form's fields; anything else (a missing record,
    /// a database outage, a fault) is thrown on, to be shown as a page of its own.
    static func problems(refusing error: any Error) throws -> [FieldError] {
        let problem = ProblemMiddleware<AppRequestContext>.problem(for: error)
        guard problem.status.kind == .clientError, problem.status != .notFound else { throw error }
        return problems(of: problem)
    }

    /// The problems a refused request names, for the fields they belong to.
    static func problems(of problem: APIProblem) -> [FieldError] {
        if !problem.errors.isEmpty { return problem.errors }
        return [FieldError(problem.code, field: problem.field ?? "", zh: problem.zh, en: problem.en)]
    }
}
