import PledgeAPI
import PledgeCore
import PledgeStore
import Testing
@testable import PledgeServer

/// Every core enum the API carries has the same codes as its twin generated from openapi.yaml, so
/// converting between them (CoreEnum) never fails; and a code in a row that no Swift case has is an
/// error naming the table, never a default.
@Suite("Core enums equal their counterparts in openapi.yaml")
struct EnumParityTests {
    static func codes<E: CaseIterable & RawRepresentable>(_: E.Type) -> Set<String> where E.RawValue == String {
        Set(E.allCases.map(\.rawValue))
    }

    @Test func sameCodes() {
        typealias S = Components.Schemas
        #expect(Self.codes(ApplicationState.self) == Self.codes(S.ApplicationState.self))
        #expect(Self.codes(IPType.self) == Self.codes(S.IPType.self))
        #expect(Self.codes(LegalStatus.self) == Self.codes(S.LegalStatus.self))
        #expect(Self.codes(FirmSize.self) == Self.codes(S.FirmSize.self))
        #expect(Self.codes(ValuationMethod.self) == Self.codes(S.ValuationMethod.self))
        #expect(Self.codes(Role.self) == Self.codes(S.Role.self))
        #expect(Self.codes(ReportDimension.self) == Self.codes(S.ReportDimension.self))
        #expect(Self.codes(ProgressStatus.self) == Self.codes(S.ProgressStatus.self))
        #expect(Self.codes(ScoreFactorCode.self) == Self.codes(S.ScoreFactor.CodePayload.self))
        #expect(Self.codes(LedgerEntry.Kind.self) == Self.codes(S.LoanEntry.KindPayload.self))
        #expect(Self.codes(LedgerEntry.Kind.self) == Self.codes(S.LoanEntryInput.KindPayload.self))
        #expect(Self.codes(LoanFigures.Status.self) == Self.codes(S.Loan.StatusPayload.self))
        #expect(Self.codes(AlertRecord.Kind.self) == Self.codes(S.Alert.KindPayload.self))
    }

    /// A client asks for the moves people make; disbursing, settling, defaulting and renewing have
    /// operations of their own.
    @Test func askableActions() {
        let own: Set<ApplicationAction> = [.disburse, .settle, .markDefault, .renew]
        let askable = Set(ApplicationAction.allCases.filter { !own.contains($0) }.map(\.rawValue))
        #expect(askable == Self.codes(Components.Schemas.TransitionInput.ActionPayload.self))
    }

    @Test func mappingNeverTraps() throws {
        for state in ApplicationState.allCases {
            let api: Components.Schemas.ApplicationState = try CoreEnum.api(state)
            #expect(try CoreEnum.of(api, ApplicationState.self) == state)
        }
        #expect(throws: CoreEnum.Mismatch.self) { let _: Components.Schemas.FirmSize = try CoreEnum.api("huge") }
    }
}
