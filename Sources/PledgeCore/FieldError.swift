/// One thing wrong with one field of an input: a stable `code` for programs, a message in
/// Chinese and in English for people, and the JSON path of the offending field.
public struct FieldError: Error, Equatable, Sendable {
    public let code: String
    public let field: String
    public let zh: String
    public let en: String

    public init(_ code: String, field: String, zh: String, en: String) {
        self.code = code
        self.field = field
        self.zh = zh
        self.en = en
    }
}

/// All the problems found in one input; an input with any is rejected whole, so nothing is written.
public struct ValidationFailure: Error, Equatable, Sendable {
    public let errors: [FieldError]
    public init(_ errors: [FieldError]) { self.errors = errors }
}

/// Collects field errors while an input is checked, so a client sees every problem at once.
public struct Checker: Sendable {
    public private(set) var errors: [FieldError] = []
    public init() {}

    public mutating func add(_ error: FieldError) { errors.append(error) }

    public mutating func require(_ ok: Bool, _ error: @autoclosure () -> FieldError) {
        if !ok { errors.append(error()) }
    }

    public func finish() throws(ValidationFailure) {
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }

    /// Text a person typed: trimmed, not empty, bounded, no control characters (PostgreSQL refuses NUL).
    /// The bound counts Unicode scalars, as PostgreSQL's length() and the spec's maxLength do: "é"
    /// written as e + U+0301 is one Character for Swift but two for them.
    public mutating func text(_ value: String, field: String, label: Label, max: Int) -> String {
        let trimmed = String(value.trimmingSpaces())
        if trimmed.isEmpty {
            add(.init("required", field: field, zh: "\(label.zh)不能为空", en: "\(label.en) must not be empty"))
        } else if trimmed.unicodeScalars.count > max {
            add(.init("too_long", field: field, zh: "\(label.zh)不能超过 \(max) 个字符",
                      en: "\(label.en) must be at most \(max) characters"))
        } else if trimmed.unicodeScalars.contains(where: \.isControl) {
            add(.init("control_character", field: field, zh: "\(label.zh)含有控制字符",
                      en: "\(label.en) contains control characters"))
        }
        return trimmed
    }

    /// A code people type in either case (a bank's or a product's): checked, then upper-cased. Only
    /// ASCII is upper-cased, so the length checked is the length stored ("ß" would become "SS").
    public mutating func code(_ value: String, field: String, label: Label, max: Int) -> String {
        let trimmed = text(value, field: field, label: label, max: max)
        guard trimmed.unicodeScalars.allSatisfy({ $0.isASCII }) else {
            add(.init("code_format", field: field, zh: "\(label.zh)只能包含英文字母、数字和符号",
                      en: "\(label.en) may hold only ASCII letters, digits and symbols"))
            return trimmed
        }
        return trimmed.uppercased()
    }

    public mutating func optionalText(_ value: String?, field: String, label: Label, max: Int) -> String? {
        guard let value else { return nil }
        let trimmed = String(value.trimmingSpaces())
        return trimmed.isEmpty ? nil : text(trimmed, field: field, label: label, max: max)
    }

    public mutating func date(_ value: String, field: String, label: Label) -> CivilDate? {
        guard let date = CivilDate(iso: value) else {
            add(.init("invalid_date", field: field, zh: "\(label.zh)必须是 YYYY-MM-DD 格式的有效日期",
                      en: "\(label.en) must be a valid date in YYYY-MM-DD form"))
            return nil
        }
        // Dates outside these years are typing errors; refusing them here also keeps every later
        // date computation (terms of 20 years, loans of 30) far inside CivilDate's range.
        guard (1900...2200).contains(date.year) else {
            add(.init("date_out_of_range", field: field, zh: "\(label.zh)必须在 1900 至 2200 年之间",
                      en: "\(label.en) must be between the years 1900 and 2200"))
            return nil
        }
        return date
    }

    /// A moment (date-time) in the years people record, 1900–2200 like the dates.
    @discardableResult
    public mutating func moment(_ value: Timestamp, field: String, label: Label) -> Bool {
        guard value.isAccepted else {
            add(.init("date_out_of_range", field: field, zh: "\(label.zh)必须在 1900 至 2200 年之间",
                      en: "\(label.en) must be between the years 1900 and 2200"))
            return false
        }
        return true
    }

    public mutating func optionalDate(_ value: String?, field: String, label: Label) -> CivilDate? {
        value.flatMap { date($0, field: field, label: label) }
    }

    public mutating func range<T: BinaryInteger>(_ value: T, _ bounds: ClosedRange<T>, field: String, label: Label) {
        require(bounds.contains(value), .init(
            "out_of_range", field: field,
            zh: "\(label.zh)必须在 \(bounds.lowerBound) 到 \(bounds.upperBound) 之间",
            en: "\(label.en) must be between \(bounds.lowerBound) and \(bounds.upperBound)"))
    }

    public mutating func amount(_ value: Fen, field: String, label: Label, allowZero: Bool = false) {
        let low: Fen = allowZero ? 0 : 1
        require((low...Money.maxAmount).contains(value), .init(
            allowZero ? "amount_negative_or_too_large" : "amount_not_positive", field: field,
            zh: "\(label.zh)必须\(allowZero ? "不小于 0" : "大于 0")且不超过 \(Money.yuanText(Money.maxAmount))（单位：分）",
            en: "\(label.en) must be \(allowZero ? "at least 0" : "positive") and at most \(Money.yuanText(Money.maxAmount)) (in fen)"))
    }

    public mutating func ordered(_ earlier: CivilDate?, _ later: CivilDate?, field: String,
                                 earlierLabel: Label, laterLabel: Label, allowEqual: Bool = true) {
        guard let earlier, let later else { return }
        let ok = allowEqual ? earlier <= later : earlier < later
        require(ok, .init("dates_out_of_order", field: field,
                          zh: "\(laterLabel.zh)（\(later)）不能早于\(earlierLabel.zh)（\(earlier)）",
                          en: "\(laterLabel.en) (\(later)) must not be before \(earlierLabel.en) (\(earlier))"))
    }

    /// A date that may not lie in the future: on or before `today`.
    public mutating func notAfter(today: CivilDate, _ date: CivilDate?, field: String, label: Label) {
        ordered(date, today, field: field, earlierLabel: label, laterLabel: Label("今天", "today"))
    }
}

/// A field's name as people read it, in both languages.
public struct Label: Sendable {
    public let zh: String
    public let en: String
    public init(_ zh: String, _ en: String) { self.zh = zh; self.en = en }
}

/// A category with a name for people in both languages: the one home of that name, which the
/// console, the exports and the messages all read.
public protocol Labelled {
    var label: Label { get }
}

extension Unicode.Scalar {
    /// General category Cc (control), spelt out: U+0000–U+001F and U+007F–U+009F. Unicode's
    /// stability policy fixes this set; the property lookup cost a table search per character checked.
    @inlinable public var isControl: Bool { value < 0x20 || (0x7F...0x9F).contains(value) }
}
