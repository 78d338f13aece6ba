/// An appraisal of one asset (评估报告), before validation.
public struct ValuationInput: Sendable {
    public var assetId: Int64
    public var appraiser: String
    public var method: String
    public var valueFen: Fen
    public var valuationDate: String
    public var validUntil: String
    public var reportNumber: String

    public init(assetId: Int64, appraiser: String, method: String, valueFen: Fen, valuationDate: String,
                validUntil: String, reportNumber: String) {
        self.assetId = assetId; self.appraiser = appraiser; self.method = method; self.valueFen = valueFen
        self.valuationDate = valuationDate; self.validUntil = validUntil; self.reportNumber = reportNumber
    }

    public func validated(today: CivilDate) throws(ValidationFailure) -> ValuationFields {
        var c = Checker()
        let appraiser = c.text(appraiser, field: "appraiser", label: Label("评估机构", "Appraiser"), max: 200)
        let method = ValuationMethod.parse(method, field: "method", label: Label("评估方法", "Valuation method"), into: &c)
        c.amount(valueFen, field: "valueFen", label: Label("评估价值", "Appraised value"))
        let date = c.date(valuationDate, field: "valuationDate", label: Label("评估基准日", "Valuation date"))
        let until = c.date(validUntil, field: "validUntil", label: Label("有效期截止日", "Valid-until date"))
        c.notAfter(today: today, date, field: "valuationDate", label: Label("评估基准日", "The valuation date"))
        c.ordered(date, until, field: "validUntil", earlierLabel: Label("评估基准日", "the valuation date"),
                  laterLabel: Label("有效期截止日", "The valid-until date"), allowEqual: false)
        let report = c.text(reportNumber, field: "reportNumber", label: Label("报告编号", "Report number"), max: 80)
        try c.finish()
        return ValuationFields(assetId: assetId, appraiser: appraiser, method: method!, valueFen: valueFen,
                               valuationDate: date!, validUntil: until!, reportNumber: report)
    }
}

public struct ValuationFields: Sendable, Equatable {
    public var assetId: Int64
    public var appraiser: String
    public var method: ValuationMethod
    public var valueFen: Fen
    public var valuationDate: CivilDate
    public var validUntil: CivilDate
    public var reportNumber: String

    public init(assetId: Int64, appraiser: String, method: ValuationMethod, valueFen: Fen, valuationDate: CivilDate, validUntil: CivilDate, reportNumber: String) {
        self.assetId = assetId
        self.appraiser = appraiser
        self.method = method
        self.valueFen = valueFen
        self.valuationDate = valuationDate
        self.validUntil = validUntil
        self.reportNumber = reportNumber
    }
}
