/// A programme target (目标): cumulative financing and beneficiary firms by a deadline, as submitted
/// (`ProgrammeTargetInput`, its dates as text) and as validated (`ProgrammeTargetFields`): one list of
/// fields, the dates' form aside.
public struct ProgrammeTarget<Day: Sendable>: Sendable {
    public var name: String
    public var baselineDate: Day
    public var deadline: Day
    public var amountFen: Fen
    public var firmCount: Int

    public init(name: String, baselineDate: Day, deadline: Day, amountFen: Fen, firmCount: Int) {
        self.name = name; self.baselineDate = baselineDate; self.deadline = deadline
        self.amountFen = amountFen; self.firmCount = firmCount
    }
}

extension ProgrammeTarget: Equatable where Day: Equatable {}

public typealias ProgrammeTargetInput = ProgrammeTarget<String>
public typealias ProgrammeTargetFields = ProgrammeTarget<CivilDate>

extension ProgrammeTargetInput {
    public func validated() throws(ValidationFailure) -> ProgrammeTargetFields {
        var c = Checker()
        let name = c.text(name, field: "name", label: Label("目标名称", "Target name"), max: 200)
        let baseline = c.date(baselineDate, field: "baselineDate", label: Label("起算日", "Baseline date"))
        let deadline = c.date(deadline, field: "deadline", label: Label("截止日", "Deadline"))
        c.ordered(baseline, deadline, field: "deadline", earlierLabel: Label("起算日", "the baseline date"),
                  laterLabel: Label("截止日", "The deadline"), allowEqual: false)
        c.amount(amountFen, field: "amountFen", label: Label("目标融资额", "Target amount"))
        c.range(firmCount, 1...10_000_000, field: "firmCount", label: Label("受益企业数", "Beneficiary firms"))
        try c.finish()
        return ProgrammeTargetFields(name: name, baselineDate: baseline!, deadline: deadline!,
                                     amountFen: amountFen, firmCount: firmCount)
    }
}
