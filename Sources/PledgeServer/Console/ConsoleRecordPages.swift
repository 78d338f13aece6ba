import Foundation
import Hummingbird
import PledgeAPI
import PledgeCore

/// Operations staff's forms: a firm (new and edited), its IP assets, their valuations and the firm's
/// consent to share with banks. Each calls the API's own handler; a refusal comes back beside its field.
struct ConsoleRecordPages: Sendable {
    let service: PledgeService
    typealias F = ConsoleFields.Field

    func register(_ console: ConsoleRoutes, on router: Router<AppRequestContext>) {
        router.get("/console/firms/new", use: console.page("createFirm") { _, _, r in firmForm(r, id: nil, values: [:], problems: []) })
        router.post("/console/firms/new", use: console.form("createFirm") { request, _, r in try await saveFirm(nil, request, r) })
        router.get("/console/firms/{id}/edit", use: console.page("updateFirm") { _, context, r in
            let id = try ConsoleFirmPages.id(context)
            let firm = try await service.getFirm(.init(path: .init(firmId: id))).ok.body.json
            return firmForm(r, id: id, values: Self.values(firm), problems: [])
        })
        router.post("/console/firms/{id}/edit", use: console.form("updateFirm") { request, context, r in
            try await saveFirm(try ConsoleFirmPages.id(context), request, r)
        })
        router.get("/console/firms/{id}/assets/new", use: console.page("createAsset") { _, context, r in
            assetForm(r, firmId: try ConsoleFirmPages.id(context), values: ["legalStatus": "in_force"], problems: [])
        })
        router.post("/console/firms/{id}/assets/new", use: console.form("createAsset") { request, context, r in
            try await saveAsset(try ConsoleFirmPages.id(context), request, r)
        })
        router.get("/console/assets/{id}/valuations/new", use: console.page("createValuation") { _, context, r in
            valuationForm(r, assetId: try ConsoleFirmPages.id(context), values: ["method": "income"], problems: [])
        })
        router.post("/console/assets/{id}/valuations/new", use: console.form("createValuation") { request, context, r in
            try await saveValuation(try ConsoleFirmPages.id(context), request, r)
        })
        router.post("/console/firms/{id}/consents", use: console.form("recordConsent") { request, context, r in
            try await recordConsent(try ConsoleFirmPages.id(context), request, r)
        })
    }

    // MARK: Firms

    static var firmFields: [F] {
        [F(name: "creditCode", zh: "统一社会信用代码", en: "Unified social credit code", kind: .text(max: 40), required: true),
         F(name: "name", zh: "企业名称", en: "Name", kind: .text(max: 100), required: true),
         F(name: "industryCode", zh: "行业", en: "Industry", kind: .choice(IndustryNames.labels.keys.sorted().map { ($0, IndustryNames.label($0).zh, IndustryNames.label($0).en) }), required: true),
         F(name: "town", zh: "乡镇街道", en: "Town", kind: .text(max: 50), required: true),
         F(name: "size", zh: "企业规模", en: "Size", kind: .choice([("micro", "微型", "Micro"), ("small", "小型", "Small"), ("medium", "中型", "Medium"), ("large", "大型", "Large")]), required: true),
         F(name: "foundedOn", zh: "成立日期", en: "Founded on", kind: .date, required: true),
         F(name: "annualRevenueFen", zh: "上年营业收入（元）", en: "Last year's revenue (yuan)", kind: .yuan),
         F(name: "rdExpenseFen", zh: "研发费用（元）", en: "R&D expense (yuan)", kind: .yuan),
         F(name: "totalAssetsFen", zh: "资产总额（元）", en: "Total assets (yuan)", kind: .yuan),
         F(name: "totalLiabilitiesFen", zh: "负债总额（元）", en: "Total liabilities (yuan)", kind: .yuan),
         F(name: "employees", zh: "从业人数", en: "Employees", kind: .whole(0...10_000_000)),
         F(name: "highTech", zh: "高新技术企业", en: "High-tech enterprise", kind: .check),
         F(name: "specialized", zh: "专精特新企业", en: "Specialised SME", kind: .check),
         F(name: "ipDemonstration", zh: "知识产权示范/优势企业", en: "IP demonstration firm", kind: .check),
         F(name: "badCredit", zh: "有失信记录", en: "Has a bad-credit record", kind: .check)]
    }

    static func yuanText(_ fen: Int64?) -> String? { fen.map { ConsoleFormat.decimal(UInt64(max(0, $0)), unit: 100).replacingOccurrences(of: ",", with: "") } }

    static func values(_ f: Components.Schemas.Firm) -> [String: String] {
        var v: [String: String] = ["creditCode": f.creditCode, "name": f.name, "industryCode": f.industryCode, "town": f.town,
                                   "size": f.size.rawValue, "foundedOn": f.foundedOn, "version": String(f.version)]
        v["annualRevenueFen"] = yuanText(f.annualRevenueFen); v["rdExpenseFen"] = yuanText(f.rdExpenseFen)
        v["totalAssetsFen"] = yuanText(f.totalAssetsFen); v["totalLiabilitiesFen"] = yuanText(f.totalLiabilitiesFen)
        v["employees"] = f.employees.map(String.init)
        for (k, b) in [("highTech", f.highTech), ("specialized", f.specialized), ("ipDemonstration", f.ipDemonstration), ("badCredit", f.badCredit)] where b {
            v[k] = "true"
        }
        return v
    }

    func firmForm(_ r: ConsoleRequest, id: Int64?, values: [String: String], problems: [FieldError]) -> Response {
        let action = id.map { "/console/firms/\($0)/edit" } ?? "/console/firms/new"
        let hidden = id == nil ? [:] : ["version": values["version"] ?? ""]
        let title = id == nil ? r.t("新建企业", "New firm") : r.t("修改企业信息", "Edit the firm")
        return Self.formPage(r, title: title, ConsoleFields(Self.firmFields, values: values, problems: problems), action: action, hidden: hidden)
    }

    /// A record's form as a page of its own: what was typed kept, each problem beside its field.
    static func formPage(_ r: ConsoleRequest, title: String, _ fields: ConsoleFields, action: String,
                         hidden: [String: String] = [:]) -> Response {
        ConsoleLayout.response(ConsoleLayout.page(r, title: title, fields.render(r, action: action, submit: r.t("保存", "Save"), hidden: hidden)))
    }

    func saveFirm(_ id: Int64?, _ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let form = try await ConsoleForm.read(request)
        var read = ConsoleFormReader(form)
        let size = read.choice("size", Components.Schemas.FirmSize.self)
        let input = Components.Schemas.FirmInput(
            creditCode: read.text("creditCode"), name: read.text("name"), industryCode: read.text("industryCode"), town: read.text("town"),
            size: size ?? .small, foundedOn: read.text("foundedOn"), annualRevenueFen: read.yuan("annualRevenueFen"),
            rdExpenseFen: read.yuan("rdExpenseFen"), totalAssetsFen: read.yuan("totalAssetsFen"), totalLiabilitiesFen: read.yuan("totalLiabilitiesFen"),
            employees: read.whole("employees", 0...10_000_000).map(Int.init), highTech: read.flag("highTech"), specialized: read.flag("specialized"),
            ipDemonstration: read.flag("ipDemonstration"), badCredit: read.flag("badCredit"))
        let values = form.values
        guard read.problems.isEmpty else { return firmForm(r, id: id, values: values, problems: read.problems) }
        do {
            let saved: Components.Schemas.Firm
            if let id {
                saved = try await service.updateFirm(.init(path: .init(firmId: id), headers: .init(ifMatch: ConsoleLifecyclePages.ifMatch(form)),
                                                           body: .json(input))).ok.body.json
            } else {
                saved = try await service.createFirm(.init(headers: .init(idempotencyKey: form["_key"]), body: .json(input))).created.body.json
            }
            return ConsoleLayout.redirect("/console/firms/\(saved.id)")
        } catch {
            return firmForm(r, id: id, values: values, problems: try ConsoleFormReader.problems(refusing: error))
        }
    }

    // MARK: Assets

    static var assetFields: [F] {
        [F(name: "type", zh: "类型", en: "Type", kind: .choice(ConsoleFields.choices(IPType.self)), required: true),
         F(name: "number", zh: "专利号 / 注册号", en: "Patent or registration number", kind: .text(max: 40), required: true),
         F(name: "title", zh: "名称", en: "Title", kind: .text(max: 200), required: true),
         F(name: "legalStatus", zh: "法律状态", en: "Legal status", kind: .choice(ConsoleFields.choices(LegalStatus.self)), required: true),
         F(name: "filingDate", zh: "申请日", en: "Filed on", kind: .date), F(name: "grantDate", zh: "授权公告日", en: "Granted on", kind: .date),
         F(name: "registrationDate", zh: "注册日（商标）", en: "Registered on (marks)", kind: .date),
         F(name: "expiryDate", zh: "到期日", en: "Expires on", kind: .date)]
    }

    func assetForm(_ r: ConsoleRequest, firmId: Int64, values: [String: String], problems: [FieldError]) -> Response {
        Self.formPage(r, title: r.t("登记知识产权", "Add an IP asset"), ConsoleFields(Self.assetFields, values: values, problems: problems),
                      action: "/console/firms/\(firmId)/assets/new")
    }

    func saveAsset(_ firmId: Int64, _ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let form = try await ConsoleForm.read(request)
        var read = ConsoleFormReader(form)
        let type = read.choice("type", Components.Schemas.IPType.self), status = read.choice("legalStatus", Components.Schemas.LegalStatus.self)
        guard read.problems.isEmpty, let type, let status else { return assetForm(r, firmId: firmId, values: form.values, problems: read.problems) }
        let input = Components.Schemas.AssetInput(firmId: firmId, _type: type, number: read.text("number"), title: read.text("title"),
                                                  filingDate: read.optionalText("filingDate"), grantDate: read.optionalText("grantDate"),
                                                  registrationDate: read.optionalText("registrationDate"), expiryDate: read.optionalText("expiryDate"),
                                                  legalStatus: status)
        do {
            _ = try await service.createAsset(.init(headers: .init(idempotencyKey: form["_key"]), body: .json(input))).created
            return ConsoleLayout.redirect("/console/firms/\(firmId)")
        } catch {
            let problems = try ConsoleFormReader.problems(refusing: error).map { $0.field == "_type" ? FieldError($0.code, field: "type", zh: $0.zh, en: $0.en) : $0 }
            return assetForm(r, firmId: firmId, values: form.values, problems: problems)
        }
    }

    // MARK: Valuations

    static var valuationFields: [F] {
        [F(name: "appraiser", zh: "评估机构", en: "Appraiser", kind: .text(max: 100), required: true),
         F(name: "reportNumber", zh: "评估报告编号", en: "Report number", kind: .text(max: 64), required: true),
         F(name: "method", zh: "评估方法", en: "Method", kind: .choice(ConsoleFields.choices(ValuationMethod.self)), required: true),
         F(name: "valueFen", zh: "评估价值（元）", en: "Value (yuan)", kind: .yuan, required: true),
         F(name: "valuationDate", zh: "评估基准日", en: "Valuation date", kind: .date, required: true),
         F(name: "validUntil", zh: "有效期至", en: "Valid until", kind: .date, required: true)]
    }

    func valuationForm(_ r: ConsoleRequest, assetId: Int64, values: [String: String], problems: [FieldError]) -> Response {
        Self.formPage(r, title: r.t("登记评估结果", "Add a valuation"), ConsoleFields(Self.valuationFields, values: values, problems: problems),
                      action: "/console/assets/\(assetId)/valuations/new")
    }

    func saveValuation(_ assetId: Int64, _ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let form = try await ConsoleForm.read(request)
        var read = ConsoleFormReader(form)
        let method = read.choice("method", Components.Schemas.ValuationMethod.self), value = read.yuan("valueFen")
        if value == nil && read.problems.isEmpty {
            return valuationForm(r, assetId: assetId, values: form.values,
                                 problems: [FieldError("required", field: "valueFen", zh: "请填写评估价值", en: "Enter the value")])
        }
        guard read.problems.isEmpty, let method, let value else { return valuationForm(r, assetId: assetId, values: form.values, problems: read.problems) }
        do {
            _ = try await service.createValuation(.init(headers: .init(idempotencyKey: form["_key"]),
                                                        body: .json(.init(assetId: assetId, appraiser: read.text("appraiser"), method: method, valueFen: value,
                                                                          valuationDate: read.text("valuationDate"), validUntil: read.text("validUntil"),
                                                                          reportNumber: read.text("reportNumber"))))).created
            let asset = try await service.getAsset(.init(path: .init(assetId: assetId))).ok.body.json
            return ConsoleLayout.redirect("/console/firms/\(asset.firmId)")
        } catch {
            return valuationForm(r, assetId: assetId, values: form.values, problems: try ConsoleFormReader.problems(refusing: error))
        }
    }

    // MARK: Consents

    func recordConsent(_ firmId: Int64, _ request: Request, _ r: ConsoleRequest) async throws -> Response {
        let form = try await ConsoleForm.read(request)
        let bankId = form.text("bankId").flatMap { $0.count <= 19 ? Int64($0) : nil }
        _ = try await service.recordConsent(.init(path: .init(firmId: firmId), headers: .init(idempotencyKey: form["_key"] ?? UUID().uuidString),
                                                  body: .json(.init(grantedOn: form.text("grantedOn") ?? "", bankId: bankId, evidence: form.text("evidence"))))).created
        return ConsoleLayout.redirect("/console/firms/\(firmId)")
    }
}
