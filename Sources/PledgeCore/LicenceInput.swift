/// A licence to use a GI collective mark (地理标志集体商标使用许可), as submitted (`LicenceInput`, its
/// dates as text) and as validated (`LicenceFields`): one list of fields, the dates' form aside.
public struct GILicence<Day: Sendable>: Sendable {
    public var firmId: Int64
    public var markAssetId: Int64
    public var licenceNumber: String
    public var validFrom: Day
    public var validUntil: Day

    public init(firmId: Int64, markAssetId: Int64, licenceNumber: String, validFrom: Day, validUntil: Day) {
        self.firmId = firmId; self.markAssetId = markAssetId; self.licenceNumber = licenceNumber
        self.validFrom = validFrom; self.validUntil = validUntil
    }
}

extension GILicence: Equatable where Day: Equatable {}

public typealias LicenceInput = GILicence<String>
public typealias LicenceFields = GILicence<CivilDate>

extension LicenceInput {
    public func validated() throws(ValidationFailure) -> LicenceFields {
        var c = Checker()
        let number = c.text(licenceNumber, field: "licenceNumber", label: Label("许可编号", "Licence number"), max: 80)
        let from = c.date(validFrom, field: "validFrom", label: Label("许可起始日", "Licence start"))
        let until = c.date(validUntil, field: "validUntil", label: Label("许可截止日", "Licence end"))
        c.ordered(from, until, field: "validUntil", earlierLabel: Label("许可起始日", "the licence start"),
                  laterLabel: Label("许可截止日", "The licence end"), allowEqual: false)
        try c.finish()
        return LicenceFields(firmId: firmId, markAssetId: markAssetId, licenceNumber: number, validFrom: from!, validUntil: until!)
    }
}
