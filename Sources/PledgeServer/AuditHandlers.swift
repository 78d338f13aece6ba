import Foundation
import OpenAPIRuntime
import PledgeAPI
import PledgeCore
import PledgeStore

/// The audit trail of an entity, and the alerts that need someone's attention.
extension PledgeService {
    func getHistory(_ input: Operations.GetHistory.Input) async throws -> Operations.GetHistory.Output {
        guard let id = try QueryCheck.id(input.path.entityId, "entityId") else { throw StoreError.notFound(entity: "record", id: 0) }
        let page = try await auditTrail.history(entity: input.path.entity.rawValue, id: id,
                                           page: Paging.request(cursor: input.query.cursor, limit: input.query.limit, includeArchived: nil))
        let decoder = JSONDecoder()
        let items = page.items.map { h in
            Components.Schemas.HistoryEntry(
                id: h.id, at: h.at.apiTimestamp, actor: h.actor, requestId: h.requestId, action: h.action, table: h.table,
                before: h.before.flatMap { try? decoder.decode(Components.Schemas.HistoryEntry.BeforePayload.self, from: Data($0.utf8)) },
                after: h.after.flatMap { try? decoder.decode(Components.Schemas.HistoryEntry.AfterPayload.self, from: Data($0.utf8)) })
        }
        return .ok(.init(body: .json(.init(items: items, nextCursor: Paging.cursor(page.nextCursor)))))
    }

    func listAlerts(_ input: Operations.ListAlerts.Input) async throws -> Operations.ListAlerts.Output {
        var day = today()
        if let text = input.query.asOf {
            guard let parsed = CivilDate(iso: text), (1900...2200).contains(parsed.year) else {
                throw APIProblem.badParameter("asOf", zh: "asOf 应为 YYYY-MM-DD 格式的日期", en: "asOf must be a date as YYYY-MM-DD")
            }
            day = parsed
        }
        let alerts = try await auditTrail.alerts(asOf: day, bankId: boundary.scope)
        return .ok(.init(body: .json(.init(asOf: day.api, items: try alerts.map { try Self.alert($0, asOf: day) }))))
    }

    static func alert(_ a: AlertRecord, asOf day: CivilDate) throws -> Components.Schemas.Alert {
        let left = day.days(until: a.due)
        let (zh, en): (String, String) = switch a.kind {
        case .valuationExpiring:
            ("\(a.firmName) 资产 #\(a.assetId ?? 0) 的评估报告将于 \(a.due) 到期（剩 \(left) 天），请安排重新评估",
             "The valuation of asset #\(a.assetId ?? 0) of \(a.firmName) expires on \(a.due) (\(left) days); arrange a new appraisal")
        case .loanMaturing:
            ("\(a.firmName) 的贷款 #\(a.loanId ?? 0) 将于 \(a.due) 到期（剩 \(left) 天）",
             "Loan #\(a.loanId ?? 0) of \(a.firmName) matures on \(a.due) (\(left) days)")
        case .pledgeOutlivesAsset:
            ("\(a.firmName) 质押的资产 #\(a.assetId ?? 0) 保护期于 \(a.due) 届满，早于贷款 #\(a.loanId ?? 0) 的到期日",
             "Pledged asset #\(a.assetId ?? 0) of \(a.firmName) expires on \(a.due), before loan #\(a.loanId ?? 0) matures")
        }
        return .init(kind: try CoreEnum.api(a.kind), due: a.due.api, daysLeft: left, firmId: a.firmId, assetId: a.assetId,
                     valuationId: a.valuationId, loanId: a.loanId, messageZh: zh, messageEn: en)
    }
}
