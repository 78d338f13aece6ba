import Testing
@testable import PledgeCore

@Suite("Access rules")
struct AccessRuleTests {
    @Test func decisionsFollowTheTable() {
        let officer = Principal(actor: "b", role: .bankOfficer, bankId: 3)
        #expect(OperationAccess.decide(operationId: "getHealth", principal: nil) == .allow)
        #expect(OperationAccess.decide(operationId: "listFirms", principal: nil) == .unauthenticated)
        #expect(OperationAccess.decide(operationId: "listFirms", principal: officer) == .forbidden)
        #expect(OperationAccess.decide(operationId: "listCandidates", principal: officer) == .allow)
        #expect(OperationAccess.decide(operationId: "createUser", principal: Principal(actor: "o", role: .operations)) == .forbidden)
        #expect(OperationAccess.decide(operationId: "createUser", principal: Principal(actor: "a", role: .administrator)) == .allow)
        #expect(officer.canReach(bankId: 3) && !officer.canReach(bankId: 4))
    }

    @Test func analystsNeverReachFirmLevelOperations() {
        let firmLevel = ["listFirms", "getFirm", "listAssets", "getAsset", "listValuations", "listFirmMatches", "getMatch",
                         "whatIf", "listCandidates", "exportCandidates", "getBatchCredit", "listLicences", "listConsents"]
        for op in firmLevel {
            #expect(OperationAccess.decide(operationId: op, principal: Principal(actor: "n", role: .analyst)) == .forbidden, "\(op)")
        }
    }

    @Test func throttleCountsAccountThenAddress() {
        let t = LoginThrottle(maxFailuresPerAccount: 5, maxFailuresPerAddress: 30)
        #expect(t.blocked(accountFailures: 4, addressFailures: 29) == nil)
        #expect(t.blocked(accountFailures: 5, addressFailures: 0) == .account)
        #expect(t.blocked(accountFailures: 0, addressFailures: 30) == .address)
        #expect(t.windowSeconds == 900)
    }
}
