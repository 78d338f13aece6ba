import Foundation
import PledgeCore

/// An asset row: the validated fields, with the owner resolved.
public struct AssetRow: Sendable, Equatable {
    public var fields: AssetFields
}

/// A valuation row: the asset it appraises (by type and number), and the validated fields.
public struct ValuationRow: Sendable, Equatable {
    public var assetType: IPType
    public var assetNumber: String
    public var fields: ValuationFields
}

/// A GI licence row: the licensee resolved, the mark by its registration number.
public struct LicenceRow: Sendable, Equatable {
    public var markNumber: String
    public var fields: LicenceFields
}

/// A historical loan: its contract number (the natural key), the firm resolved, bank and product by
/// code, the terms as the disbursement check passed them, the pledged assets by number, and the
/// principal repaid up to a date.
public struct LoanRow: Sendable, Equatable {
    public var contractNumber: String
    public var firmId: Int64
    public var bankCode: String
    public var productCode: String
    public var principalFen: Fen
    public var terms: DisbursementInput.Valid
    public var pledgedNumbers: [String]
    public var repaidFen: Fen
    public var repaidOn: CivilDate?
}

/// Turns a sheet into rows of one kind, checked by the core validators (the API's own rules).
public enum FileParser {
    /// The column a rejects file adds, and that an import of it ignores.
    public static let reasonHeader = "错误原因 Reasons"
    static let ignoredHeaderKeys: Set<String> = [Normalize.headerKey(reasonHeader), "错误原因", "reasons", "序号", "no.", "#"]

    /// The file's header settled and its rows ready to be checked, block by block, by `body`.
    static func rows<V: Sendable>(_ table: SheetTable, kind: ImportKind, required: [String],
                                  key: @escaping @Sendable (V) -> String, _ body: @escaping @Sendable (inout RowReader) -> V?) -> RowCheck<V> {
        var file = ParsedFile<V>(sheet: table.name, header: [], headerLine: 0, rows: [], issues: [], ignoredHeaders: [], rejected: [])
        guard let (headerIndex, map) = HeaderMap.find(in: table.rows, kind: kind, sheet: table.name) else {
            let names = kind.fields.prefix(6).map(\.label.zh).joined(separator: "、")
            file.issues.append(ImportIssue(sheet: table.name, line: nil, column: nil, header: nil, value: "", code: "no_header",
                                           zh: "找不到标题行：前 15 行中没有一行含两个以上可识别的列名（如 \(names)）",
                                           en: "No header row: none of the first 15 rows names two or more known columns"))
            return RowCheck(head: file, map: nil, dataRows: [], key: key, body: body)
        }
        let headerRow = table.rows[headerIndex]
        file.header = headerRow.cells
        file.headerLine = headerRow.line
        file.columns = Set(map.columns.keys)
        file.issues = map.issues.map { var i = $0; i.line = nil; return i }
        file.ignoredHeaders = map.ignored.filter { !ignoredHeaderKeys.contains(Normalize.headerKey($0)) }
        for k in required where map[k] == nil {
            let spec = kind.fields.first { $0.key == k }!
            file.issues.append(ImportIssue(sheet: table.name, line: nil, column: nil, header: nil, value: "", code: "column_missing",
                                           zh: "缺少必需的列「\(spec.header)」", en: "The required column \(spec.label.en) (\(spec.header)) is missing"))
        }
        let dataRows = table.rows[(headerIndex + 1)...].filter { !$0.isBlank }
        return RowCheck(head: file, map: map, dataRows: dataRows, key: key, body: body)
    }

    /// The problems that stop a whole file (no header row, a required column missing, an amount column
    /// without its unit, two columns for one field), found by the kind's own parser on the file's
    /// first rows alone, so a door can refuse such a file before it accepts the upload.
    public static func fileIssues(_ table: SheetTable, kind: ImportKind, today: CivilDate) -> [ImportIssue] {
        let head = SheetTable(name: table.name, rows: Array(table.rows.prefix(16)))
        let ref = ImportReference(today: today, industries: [])
        switch kind {
        case .firms: return firmRows(head, reference: ref).head.fileIssues
        case .assets: return assetRows(head, reference: ref).head.fileIssues
        case .valuations: return valuationRows(head, reference: ref).head.fileIssues
        case .licences: return licenceRows(head, reference: ref).head.fileIssues
        case .loans: return loanRows(head, reference: ref).head.fileIssues
        }
    }

    // MARK: Firms

    public static func firms(_ table: SheetTable, reference ref: ImportReference) -> ParsedFile<FirmFields> {
        var rows = firmRows(table, reference: ref)
        return rows.all()
    }

    public static func firmRows(_ table: SheetTable, reference ref: ImportReference) -> RowCheck<FirmFields> {
        rows(table, kind: .firms, required: ["creditCode", "name", "industryCode", "town", "size", "foundedOn"],
            key: \.creditCode) { r in
            var industry = r.text("industryCode")
            if !industry.isEmpty {
                if let code = ref.industry(industry) { industry = code } else {
                    let names = ref.industries.map(\.zh).joined(separator: "、")
                    r.fail("industryCode", "unknown_industry", zh: "未知行业，可选：\(names)",
                           en: "Unknown industry; one of: \(ref.industries.map(\.en).joined(separator: ", "))")
                }
            }
            let input = FirmInput(
                creditCode: r.text("creditCode"), name: r.freeText("name"), industryCode: industry, town: r.freeText("town"),
                size: Vocabulary.firmSize(r.text("size")), foundedOn: r.requiredDate("foundedOn", label: Label("成立日期", "Founding date")),
                annualRevenueFen: r.money("annualRevenueFen"), rdExpenseFen: r.money("rdExpenseFen"),
                totalAssetsFen: r.money("totalAssetsFen"), totalLiabilitiesFen: r.money("totalLiabilitiesFen"),
                employees: r.integer("employees"), highTech: r.bool("highTech"), specialized: r.bool("specialized"),
                ipDemonstration: r.bool("ipDemonstration"), badCredit: r.bool("badCredit"))
            do { return try input.validated(today: ref.today) } catch { r.add(((error as? ValidationFailure)?.errors ?? [])); return nil }
        }
    }

    // MARK: Assets

    /// The owner by credit code, or by exact name (after full-width characters and spaces are
    /// normalised) when the file has no credit code, as the offices' exports have none.
    static func owner(_ r: inout RowReader, codeKey: String, nameKey: String?, ref: ImportReference) -> Int64? {
        let code = CreditCode.normalize(r.text(codeKey))
        if !code.isEmpty {
            if let id = ref.firmsByCode[code] { return id }
            r.fail(codeKey, "unknown_firm", zh: "没有该统一社会信用代码的企业，请先导入企业",
                   en: "No firm has this credit code; import the firm first")
            return nil
        }
        guard let nameKey, r.has(nameKey), !r.text(nameKey).isEmpty else {
            r.required(codeKey, label: Label("统一社会信用代码", "Credit code"))
            return nil
        }
        let names = Normalize.list(r.text(nameKey))
        if names.count > 1 {
            r.fail(nameKey, "co_owned", zh: "有多个权利人：共有知识产权需逐一登记共有人份额与质押同意，请通过接口录入",
                   en: "Several owners: a co-owned asset needs each co-owner's share and consent; enter it through the API")
            return nil
        }
        let matches = ref.firmsByName[Normalize.nameKey(names.first ?? "")] ?? []
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty {
            r.fail(nameKey, "unknown_firm_name", zh: "没有名称完全一致的已登记企业，请先导入企业或加一列统一社会信用代码",
                   en: "No registered firm has exactly this name; import the firm first or add a credit-code column")
        } else {
            r.fail(nameKey, "ambiguous_firm_name", zh: "有 \(matches.count) 家企业同名，请加一列统一社会信用代码",
                   en: "\(matches.count) firms have this name; add a credit-code column")
        }
        return nil
    }

    public static func assets(_ table: SheetTable, reference ref: ImportReference) -> ParsedFile<AssetRow> {
        var rows = assetRows(table, reference: ref)
        return rows.all()
    }

    public static func assetRows(_ table: SheetTable, reference ref: ImportReference) -> RowCheck<AssetRow> {
        // A trademark office export has no type column; its columns say what it is.
        let markColumns = ["term", "niceClasses"]
        return rows(table, kind: .assets, required: ["number", "title"], key: { "\($0.fields.type.rawValue) \($0.fields.number)" }) { r in
            let firmId = owner(&r, codeKey: "ownerCreditCode", nameKey: "ownerName", ref: ref)
            let number = r.text("number")
            var type: IPType? = nil
            let typeText = r.text("type")
            if !typeText.isEmpty {
                type = Vocabulary.ipType(typeText)
                if type == nil {
                    r.fail("type", "unknown_value", zh: "知识产权类型无效，可写 发明、实用新型、外观设计、商标、地理标志集体商标、著作权",
                           en: "Unknown IP type; write invention, utility model, design, trademark, GI collective mark or copyright")
                }
            } else if let t = Vocabulary.ipType(fromNumber: number) {
                type = t
            } else if markColumns.contains(where: { r.has($0) }) || r.map["number"].map({ Normalize.headerKey($0.header).contains("注册号") }) == true {
                type = .trademark
            } else {
                r.required("type", label: Label("知识产权类型", "IP type"))
            }
            var registration = r.date("registrationDate")
            var expiry = r.date("expiryDate")
            var renewals = r.integer("renewalCount") ?? 0
            let termText = r.text("term")
            if !termText.isEmpty {
                if let (start, end) = Normalize.dateRange(termText) {
                    if registration == nil { registration = start.description }
                    // The renewals that make the term end on its last day; otherwise the core compares it.
                    if r.integer("renewalCount") == nil,
                       let k = (0...20).first(where: { ProtectionTerm.expiry(type: .trademark, filing: nil, registration: start, renewals: $0) == end }) {
                        renewals = k
                    } else if expiry == nil { expiry = end.description }
                } else {
                    r.fail("term", "invalid_date", zh: "专用权期限应写作「2015年03月14日至2025年03月13日」",
                           en: "The exclusive term is written like 2015年03月14日至2025年03月13日")
                }
            }
            let filing = r.date("filingDate")
            let grant = r.date("grantDate")
            var status: LegalStatus? = nil
            let statusText = r.text("legalStatus")
            switch statusText.isEmpty ? nil : Vocabulary.legalStatus(statusText) {
            case .known(let s): status = s
            case .notInForce:
                let end = type.flatMap { t in
                    ProtectionTerm.expiry(type: t, filing: filing.flatMap(CivilDate.init(iso:)),
                                          registration: registration.flatMap(CivilDate.init(iso:)), renewals: renewals)
                } ?? expiry.flatMap(CivilDate.init(iso:))
                status = end.map { $0 < ref.today ? .expired : .lapsed } ?? .lapsed
            case nil:
                if statusText.isEmpty { r.required("legalStatus", label: Label("法律状态", "Legal status")) } else {
                    r.fail("legalStatus", "unknown_value", zh: "法律状态无法识别，可写 有效、审中、失效、期限届满、未缴年费终止、无效、冻结、权属纠纷",
                           en: "Unknown legal status; write in force, pending, expired, lapsed, invalidated, frozen or disputed")
                }
            }
            var ipc = Normalize.list(r.text("ipcClasses"))
            var niceTexts = Normalize.list(r.text("niceClasses"))
            let classes = Normalize.list(r.text("classes"))
            if !classes.isEmpty { if type?.isMark == true { niceTexts += classes } else { ipc += classes } }
            var nice: [Int] = []
            for t in niceTexts {
                if let n = Vocabulary.niceClass(t) { nice.append(n) } else {
                    r.fail(r.has("niceClasses") ? "niceClasses" : "classes", "nice_class_format",
                           zh: "尼斯分类应为 1–45 的数字，如 30 或 第30类", en: "A Nice class is a number 1–45, e.g. 30")
                }
            }
            let input = AssetInput(
                firmId: firmId ?? 0, type: type?.rawValue ?? "", number: number, title: r.freeText("title"),
                filingDate: filing, grantDate: grant, registrationDate: registration, firstUseDate: r.date("firstUseDate"),
                expiryDate: expiry, renewalCount: renewals, legalStatus: status?.rawValue ?? "",
                ipcClasses: ipc.map { $0.uppercased() }, niceClasses: nice,
                indicators: ValueIndicators(claims: r.integer("claims"), forwardCitations: r.integer("forwardCitations"),
                                            familySize: r.integer("familySize"), licences: r.integer("licences"),
                                            litigations: r.integer("litigations")))
            do {
                let fields = try input.validated(today: ref.today)
                guard firmId != nil, type != nil, status != nil else { return nil }
                return AssetRow(fields: fields)
            } catch {
                // Fields already reported (type, status) are not reported again by the core.
                var errors = ((error as? ValidationFailure)?.errors ?? [])
                if type == nil { errors.removeAll { $0.field == "type" } }
                if status == nil { errors.removeAll { $0.field == "legalStatus" } }
                let rename = ["registrationDate": r.has("registrationDate") ? "registrationDate" : "term",
                              "expiryDate": r.has("expiryDate") ? "expiryDate" : "term",
                              "niceClasses": r.has("niceClasses") ? "niceClasses" : "classes",
                              "ipcClasses": r.has("ipcClasses") ? "ipcClasses" : "classes"]
                r.add(errors, rename: rename)
                return nil
            }
        }
    }

    // MARK: Valuations

    static func assetKey(_ r: inout RowReader, typeKey: String, numberKey: String) -> (IPType, String)? {
        let number = r.text(numberKey)
        if number.isEmpty { r.required(numberKey, label: Label("申请号/注册号", "Asset number")); return nil }
        let typeText = r.text(typeKey)
        var type: IPType?
        if !typeText.isEmpty {
            type = Vocabulary.ipType(typeText)
            if type == nil {
                r.fail(typeKey, "unknown_value", zh: "知识产权类型无效", en: "Unknown IP type")
                return nil
            }
        } else {
            type = Vocabulary.ipType(fromNumber: number)
            if type == nil { r.required(typeKey, label: Label("知识产权类型", "IP type")); return nil }
        }
        if type!.isPatent, case .failure = PatentNumber.parse(Normalize.halfWidth(number)) {
            r.fail(numberKey, "patent_number_format", zh: "专利申请号格式或校验位错误", en: "Not a valid patent application number")
            return nil
        }
        return (type!, Vocabulary.canonicalNumber(number, type: type))
    }

    public static func valuations(_ table: SheetTable, reference ref: ImportReference) -> ParsedFile<ValuationRow> {
        var rows = valuationRows(table, reference: ref)
        return rows.all()
    }

    public static func valuationRows(_ table: SheetTable, reference ref: ImportReference) -> RowCheck<ValuationRow> {
        rows(table, kind: .valuations, required: ["assetNumber", "appraiser", "method", "valueFen", "valuationDate", "validUntil", "reportNumber"],
            key: { "\($0.fields.appraiser) \($0.fields.reportNumber)" }) { r in
            let asset = assetKey(&r, typeKey: "assetType", numberKey: "assetNumber")
            let value = r.money("valueFen")
            if value == nil, !r.failed.contains("valueFen") { r.required("valueFen", label: Label("评估价值", "Appraised value")) }
            let input = ValuationInput(assetId: 0, appraiser: r.freeText("appraiser"), method: Vocabulary.valuationMethod(r.text("method")),
                                       valueFen: value ?? 1, valuationDate: r.requiredDate("valuationDate", label: Label("评估基准日", "Valuation date")),
                                       validUntil: r.requiredDate("validUntil", label: Label("有效期至", "Valid until")),
                                       reportNumber: r.freeText("reportNumber"))
            do {
                let fields = try input.validated(today: ref.today)
                guard let asset, value != nil else { return nil }
                return ValuationRow(assetType: asset.0, assetNumber: asset.1, fields: fields)
            } catch { r.add(((error as? ValidationFailure)?.errors ?? [])); return nil }
        }
    }

    // MARK: Licences

    public static func licences(_ table: SheetTable, reference ref: ImportReference) -> ParsedFile<LicenceRow> {
        var rows = licenceRows(table, reference: ref)
        return rows.all()
    }

    public static func licenceRows(_ table: SheetTable, reference ref: ImportReference) -> RowCheck<LicenceRow> {
        rows(table, kind: .licences, required: ["creditCode", "markNumber", "licenceNumber", "validFrom", "validUntil"],
            key: { "\($0.markNumber) \($0.fields.licenceNumber)" }) { r in
            let firmId = owner(&r, codeKey: "creditCode", nameKey: nil, ref: ref)
            let mark = Vocabulary.canonicalNumber(r.text("markNumber"), type: .giCollectiveMark)
            if mark.isEmpty { r.required("markNumber", label: Label("地理标志注册号", "Mark number")) }
            let input = LicenceInput(firmId: firmId ?? 0, markAssetId: 0, licenceNumber: r.freeText("licenceNumber"),
                                     validFrom: r.requiredDate("validFrom", label: Label("许可起始日", "Licence start")),
                                     validUntil: r.requiredDate("validUntil", label: Label("许可截止日", "Licence end")))
            do {
                let fields = try input.validated()
                guard firmId != nil, !mark.isEmpty else { return nil }
                return LicenceRow(markNumber: mark, fields: fields)
            } catch { r.add(((error as? ValidationFailure)?.errors ?? [])); return nil }
        }
    }

    // MARK: Loans

    public static func loans(_ table: SheetTable, reference ref: ImportReference) -> ParsedFile<LoanRow> {
        var rows = loanRows(table, reference: ref)
        return rows.all()
    }

    public static func loanRows(_ table: SheetTable, reference ref: ImportReference) -> RowCheck<LoanRow> {
        rows(table, kind: .loans, required: ["contractNumber", "creditCode", "bankCode", "productCode", "principalFen", "disbursedOn",
                                            "maturityOn", "rateBp", "pledgedAssets", "registrationNumber"],
            key: \.contractNumber) { r in
            var c = Checker()
            let contract = c.text(r.freeText("contractNumber"), field: "contractNumber", label: Label("借款合同编号", "Contract number"), max: 80)
            let firmId = owner(&r, codeKey: "creditCode", nameKey: nil, ref: ref)
            let bank = r.text("bankCode").uppercased(), product = r.text("productCode")
            if bank.isEmpty { r.required("bankCode", label: Label("银行代码", "Bank code")) }
            if product.isEmpty { r.required("productCode", label: Label("产品代码", "Product code")) }
            let principal = r.money("principalFen")
            if let principal {
                c.range(principal, 1...Money.maxLoanAmount, field: "principalFen", label: Label("放款金额（分）", "Principal (fen)"))
            } else if !r.failed.contains("principalFen") { r.required("principalFen", label: Label("放款金额", "Principal")) }
            let disbursedText = r.requiredDate("disbursedOn", label: Label("放款日期", "Disbursement date"))
            let day = CivilDate(iso: disbursedText)
            var rate: Int? = nil
            let rateText = r.text("rateBp")
            if !rateText.isEmpty {
                rate = Normalize.basisPoints(rateText, headerPercent: r.map["rateBp"]?.percent ?? true)
                if rate == nil { r.fail("rateBp", "not_a_rate", zh: "年利率应写作 3.45（%）或 345（基点），最多两位小数的百分数",
                                        en: "Write the rate as 3.45 (%) or 345 (bp); a percent has at most two decimals") }
            } else { r.required("rateBp", label: Label("年利率", "Annual rate")) }
            let repaid = r.money("repaidFen") ?? 0
            let repaidOnText = r.date("repaidOn")
            let repaidOn = repaidOnText.flatMap(CivilDate.init(iso:))
            c.amount(repaid, field: "repaidFen", label: Label("已还本金", "Repaid principal"), allowZero: true)
            if repaid > 0, repaidOn == nil, !r.failed.contains("repaidOn") {
                r.fail("repaidOn", "required", zh: "已还本金大于 0 时须填写最近还款日", en: "A repaid amount needs the date of the last repayment")
            }
            if let principal, repaid > principal {
                c.add(.init("overpaid", field: "repaidFen", zh: "已还本金超出放款金额", en: "More repaid than was lent"))
            }
            if let repaidOn, let day {
                c.ordered(day, repaidOn, field: "repaidOn", earlierLabel: Label("放款日期", "the disbursement date"),
                          laterLabel: Label("最近还款日", "The last repayment date"))
                c.ordered(repaidOn, ref.today, field: "repaidOn", earlierLabel: Label("最近还款日", "The last repayment date"),
                          laterLabel: Label("今天", "today"))
            }
            let pledged = Normalize.list(r.text("pledgedAssets")).map { Vocabulary.canonicalNumber($0, type: nil) }
            if pledged.isEmpty, !r.text("pledgedAssets").isEmpty || r.has("pledgedAssets") {
                r.required("pledgedAssets", label: Label("质押知识产权", "Pledged assets"))
            }
            // 10:00 Beijing time on the day, so the loan falls in that day and month.
            let at = Timestamp(secondsSinceEpoch: Int64((day ?? ref.today).daysSinceEpoch) * 86_400 + 2 * 3600)
            let registeredText = r.date("registeredOn") ?? (day?.description ?? "")
            let input = DisbursementInput(disbursedAt: at, maturityOn: r.requiredDate("maturityOn", label: Label("到期日", "Maturity date")),
                                          rateBp: rate ?? 0, registrationNumber: r.freeText("registrationNumber"),
                                          registeredOn: registeredText, securedAmountFen: principal)
            var errors = c.errors
            var terms: DisbursementInput.Valid? = nil
            do { terms = try input.validated(today: ref.today) } catch { errors += ((error as? ValidationFailure)?.errors ?? []) }
            if day == nil { errors.removeAll { $0.field == "disbursedAt" } }
            r.add(errors, rename: ["disbursedAt": "disbursedOn", "securedAmountFen": "principalFen", "registeredOn": r.has("registeredOn") ? "registeredOn" : "disbursedOn"])
            guard let terms, let firmId, let principal, rate != nil, !bank.isEmpty, !product.isEmpty, !pledged.isEmpty else { return nil }
            return LoanRow(contractNumber: contract, firmId: firmId, bankCode: bank, productCode: product, principalFen: principal,
                           terms: terms, pledgedNumbers: pledged, repaidFen: repaid, repaidOn: repaidOn)
        }
    }
}
