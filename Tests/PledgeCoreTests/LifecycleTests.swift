import Testing
@testable import PledgeCore

@Suite("Application transitions and the ledger")
struct LifecycleTests {
    /// Written out by hand, independently of Transitions.table: (from, action, to, who).
    static let allowed: [(ApplicationState, ApplicationAction, ApplicationState, Set<Role>)] = [
        (.draft, .submit, .submitted, [.operations, .administrator]),
        (.submitted, .startReview, .underReview, [.bankOfficer]),
        (.underReview, .approve, .approved, [.bankOfficer]),
        (.underReview, .reject, .rejected, [.bankOfficer]),
        (.approved, .disburse, .disbursed, [.bankOfficer]),
        (.disbursed, .settle, .repaid, [.bankOfficer]),
        (.disbursed, .markDefault, .defaulted, [.bankOfficer]),
        (.disbursed, .renew, .disbursed, [.bankOfficer]),
        (.draft, .withdraw, .withdrawn, [.operations, .administrator, .bankOfficer]),
        (.submitted, .withdraw, .withdrawn, [.operations, .administrator, .bankOfficer]),
        (.underReview, .withdraw, .withdrawn, [.operations, .administrator, .bankOfficer]),
        (.approved, .withdraw, .withdrawn, [.operations, .administrator, .bankOfficer]),
    ]

    @Test func everyStateActionAndRoleIsDecidedAsWritten() {
        var checked = 0
        for state in ApplicationState.allCases {
            for action in ApplicationAction.allCases {
                let move = Self.allowed.first { $0.0 == state && $0.1 == action }
                for role in [Role?.none] + Role.allCases.map(Optional.some) {
                    let result = Transitions.next(from: state, action: action, by: role)
                    switch (move, result) {
                    case (nil, .failure(.illegal(let from, _))):
                        #expect(from == state)
                    case (let m?, .success(let to)):
                        #expect(to == m.2)
                        #expect(role.map(m.3.contains) == true, "\(state) \(action) by \(String(describing: role))")
                    case (let m?, .failure(.forbidden)):
                        #expect(role.map(m.3.contains) != true, "\(state) \(action) by \(String(describing: role))")
                    default:
                        Issue.record("\(state) \(action) by \(String(describing: role)): \(result)")
                    }
                    checked += 1
                }
            }
        }
        #expect(checked == ApplicationState.allCases.count * ApplicationAction.allCases.count * (Role.allCases.count + 1))
    }

    @Test func closedStatesAllowNothing() {
        for state in [ApplicationState.rejected, .repaid, .defaulted, .withdrawn] {
            for action in ApplicationAction.allCases {
                #expect(throws: Transitions.Refusal.self) { try Transitions.next(from: state, action: action, by: .administrator).get() }
            }
        }
    }

    static let day = CivilDate(year: 2026, month: 3, day: 1)!

    @Test func figuresAreSumsAndCorrectionsKeepOriginals() {
        let entries = [
            LedgerEntry(id: 1, kind: .disbursement, amountFen: 1_000_000, effectiveOn: Self.day),
            LedgerEntry(id: 2, kind: .repayment, amountFen: 300_000, effectiveOn: Self.day, interestFen: 5_000),
            LedgerEntry(id: 3, kind: .repayment, amountFen: -100_000, effectiveOn: Self.day, correctsId: 2, reason: "录错"),
        ]
        let f = LoanFigures(entries)
        #expect(f.principalFen == 1_000_000)
        #expect(f.repaidFen == 200_000)
        #expect(f.outstandingFen == 800_000)
        #expect(f.interestPaidFen == 5_000)
        #expect(f.status == .active)
        #expect(f.problem == nil)
        #expect(LoanFigures(entries + [.init(id: 4, kind: .repayment, amountFen: 800_000, effectiveOn: Self.day)]).status == .repaid)
        #expect(LoanFigures(entries + [.init(id: 4, kind: .default, amountFen: 800_000, effectiveOn: Self.day)]).status == .defaulted)
        #expect(LoanFigures(entries + [.init(id: 4, kind: .repayment, amountFen: 800_001, effectiveOn: Self.day)]).problem?.code == "overpaid")
        #expect(LoanFigures(entries + [.init(id: 4, kind: .disbursement, amountFen: -1_000_000, effectiveOn: Self.day,
                                             correctsId: 1, reason: "x")]).problem?.code == "principal_not_positive")
    }

    @Test func anEntryIsCheckedAgainstTheLoan() throws {
        let loan = [LedgerEntry(id: 1, kind: .disbursement, amountFen: 1_000_000, effectiveOn: Self.day)]
        let today = Self.day.adding(days: 30)
        func check(_ input: EntryInput) -> [String] {
            do { _ = try input.validated(against: loan, disbursedOn: Self.day, today: today); return [] }
            catch { return error.errors.map(\.code) }
        }
        #expect(check(EntryInput(kind: .repayment, amountFen: 400_000, effectiveOn: "2026-03-10")) == [])
        #expect(check(EntryInput(kind: .repayment, amountFen: 400_000, effectiveOn: "2026-02-27")) == ["dates_out_of_order"],
                "before the disbursement")
        #expect(check(EntryInput(kind: .repayment, amountFen: 400_000, effectiveOn: "2026-04-01")) == ["dates_out_of_order"],
                "in the future")
        #expect(check(EntryInput(kind: .repayment, amountFen: 0, effectiveOn: "2026-03-10")) == ["out_of_range"])
        #expect(check(EntryInput(kind: .repayment, amountFen: 1_000_001, effectiveOn: "2026-03-10")) == ["overpaid"])
        #expect(check(EntryInput(kind: .repayment, amountFen: -5, effectiveOn: "2026-03-10", correctsId: 1, reason: "x"))
                == ["correction_kind"])
        #expect(check(EntryInput(kind: .disbursement, amountFen: -5, effectiveOn: "2026-03-01", correctsId: 1)) == ["reason_required"])
        #expect(check(EntryInput(kind: .disbursement, amountFen: -5, effectiveOn: "2026-03-01", correctsId: 9, reason: "x"))
                == ["unknown_entry"])
    }

    @Test func aMomentsDayIsTheBeijingDay() {
        // 2026-10-31T16:30:00Z is 00:30 on 1 November in Beijing.
        #expect(Timestamp(secondsSinceEpoch: 1_793_464_200).beijingDate == CivilDate(year: 2026, month: 11, day: 1))
        #expect(Timestamp(secondsSinceEpoch: 1_793_464_199 - 1800).beijingDate == CivilDate(year: 2026, month: 10, day: 31))
        #expect(Timestamp(secondsSinceEpoch: -1).beijingDate == CivilDate(year: 1970, month: 1, day: 1))
        #expect(Timestamp(secondsSinceEpoch: -8 * 3600 - 1).beijingDate == CivilDate(year: 1969, month: 12, day: 31))
    }
}
