import PledgeCore
import PostgresNIO

/// What a store operation can refuse, in terms the API maps to one status each.
public enum StoreError: Error, Equatable, Sendable {
    case notFound(entity: String, id: Int64)
    /// The client's version is not the stored one (optimistic concurrency): 412.
    case stale(entity: String, id: Int64, current: Int)
    case archived(entity: String, id: Int64)
    /// A unique constraint refused the write: 409.
    case conflict(FieldError)
    /// A reference or check constraint refused the write: 422.
    case invalid(FieldError)

    /// Known constraint names, mapped to the field a client must change. Unknown ones stay errors.
    static let constraints: [String: (conflict: Bool, error: FieldError)] = [
        "firms_credit_code_key": (true, .init("duplicate_credit_code", field: "creditCode",
            zh: "该统一社会信用代码已登记", en: "A firm with this unified social credit code already exists")),
        "ip_assets_type_number_key": (true, .init("duplicate_asset_number", field: "number",
            zh: "该类型下此编号已登记", en: "An asset of this type with this number already exists")),
        "valuations_appraiser_report_number_key": (true, .init("duplicate_report_number", field: "reportNumber",
            zh: "该评估机构的此报告编号已登记", en: "This appraiser's report number is already recorded")),
        "banks_code_key": (true, .init("duplicate_bank_code", field: "code", zh: "银行代码已存在", en: "The bank code is taken")),
        "banks_name_key": (true, .init("duplicate_bank_name", field: "name", zh: "银行名称已存在", en: "The bank name is taken")),
        "loan_products_code_key": (true, .init("duplicate_product_code", field: "code",
            zh: "产品代码已存在", en: "The product code is taken")),
        "programme_targets_name_key": (true, .init("duplicate_target_name", field: "name",
            zh: "目标名称已存在", en: "A target with this name exists")),
        "firms_industry_code_fkey": (false, .init("unknown_industry", field: "industryCode",
            zh: "行业代码不存在（见 GET /industries）", en: "Unknown industry code (see GET /industries)")),
        "ip_assets_firm_id_fkey": (false, .init("unknown_firm", field: "firmId", zh: "企业不存在", en: "No such firm")),
        "gi_licences_mark_asset_id_licence_number_key": (true, .init("duplicate_licence_number", field: "licenceNumber",
            zh: "该商标下此许可编号已登记", en: "This licence number is already recorded for the mark")),
        "gi_licences_firm_id_fkey": (false, .init("unknown_firm", field: "firmId", zh: "被许可企业不存在", en: "No such licensee firm")),
        "gi_licences_not_own_mark": (false, .init("own_mark", field: "firmId", zh: "商标权利人不能作为被许可人",
            en: "The mark's owner cannot be its own licensee")),
        "loan_products_weights_sum": (false, .init("weights_sum", field: "scoreWeights", zh: "评分权重合计必须为 100",
            en: "Score weights must sum to 100")),
        "loan_products_bank_id_fkey": (false, .init("unknown_bank", field: "bankId", zh: "银行不存在", en: "No such bank")),
    ]

    /// Turns a constraint violation into a `StoreError`; anything else passes through unchanged.
    public static func map(_ error: any Error) -> any Error {
        // withTransaction wraps whatever its body threw; look inside.
        var error = error
        if let wrapped = error as? PostgresTransactionError, let inner = wrapped.closureError ?? wrapped.commitError {
            error = inner
        }
        if error is StoreError { return error }
        guard let psql = error as? PSQLError, let info = psql.serverInfo else { return error }
        return violation(sqlState: info[.sqlState] ?? "", constraint: info[.constraintName], table: info[.tableName],
                         column: info[.columnName]) ?? error
    }

    /// A refused write as the client's error: a known constraint by its entry in `constraints`; any
    /// other integrity violation (SQLSTATE class 23) by the column its name carries, so no constraint,
    /// however new, reaches a client as a 500. Nil for errors that are no violation.
    public static func violation(sqlState: String, constraint: String?, table: String?, column: String?) -> StoreError? {
        if let constraint, let known = constraints[constraint] ?? UserRepository.constraints[constraint] {
            return known.conflict ? .conflict(known.error) : .invalid(known.error)
        }
        guard sqlState.hasPrefix("23") else { return nil }
        let field = column.map(apiName) ?? constraint.map { fieldOf(constraint: $0, table: table) } ?? "body"
        switch sqlState {
        case "23505", "23P01":
            return .conflict(.init("duplicate", field: field, zh: "与已有记录重复（\(field)）", en: "Duplicates an existing record (\(field))"))
        case "23503":
            return .invalid(.init("unknown_reference", field: field, zh: "引用的记录不存在（\(field)）", en: "The referenced record does not exist (\(field))"))
        case "23502":
            return .invalid(.init("required", field: field, zh: "缺少必填项（\(field)）", en: "A required value is missing (\(field))"))
        default:
            return .invalid(.init("constraint_violated", field: field, zh: "取值不符合规则（\(field)）", en: "The value breaks a rule (\(field))"))
        }
    }

    /// `firms_name_check` on table firms → `name`; `loan_products_bank_id_fkey` → `bankId`.
    static func fieldOf(constraint: String, table: String?) -> String {
        var name = Substring(constraint)
        if let table, name.hasPrefix(table + "_") { name = name.dropFirst(table.count + 1) }
        for suffix in ["_check", "_fkey", "_key", "_excl", "_pkey"] where name.hasSuffix(suffix) {
            name = name.dropLast(suffix.count)
            break
        }
        return name.isEmpty ? "body" : apiName(String(name))
    }

    /// snake_case column → the camelCase the API uses.
    static func apiName(_ column: String) -> String {
        let parts = column.split(separator: "_")
        guard let first = parts.first else { return column }
        return String(first) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}

/// Runs a store operation, translating constraint violations.
func mapped<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch { throw StoreError.map(error) }
}

/// A database error as an operator can act on it. PSQLError's own description hides the server's
/// message (it may hold data); a command-line user running against their own database needs it.
public struct DatabaseErrorText: Error, CustomStringConvertible {
    public let description: String

    /// The server's code, message and detail when `error` is (or wraps) a PostgreSQL error.
    public static func readable(_ error: any Error) -> any Error {
        guard let psql = PSQLError.within(error) else { return error }
        guard let info = psql.serverInfo else {
            return DatabaseErrorText(description: "database connection error: \(psql.code)")
        }
        var text = "database error \(info[.sqlState] ?? "?"): \(info[.message] ?? "")"
        if let detail = info[.detail] { text += " (\(detail))" }
        return DatabaseErrorText(description: text)
    }
}

