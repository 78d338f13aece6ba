import PledgeAPI
import PledgeStore
import PostgresNIO

extension PledgeService {
    func listIndustries(_ input: Operations.ListIndustries.Input) async throws -> Operations.ListIndustries.Output {
        let all = try await industries.all()
        return .ok(.init(body: .json(.init(items: all.map {
            .init(code: $0.code, nameZh: $0.nameZh, nameEn: $0.nameEn, priority: $0.priority)
        }))))
    }

    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .json(.init(status: "ok"))))
    }

    /// Ready only while a connection is had within the lease timeout and answers; a probe learns
    /// of an outage as quickly as a request does.
    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        let ok = (try? await database.withLease { conn in
            _ = try await conn.run("SELECT 1", logger: logger).collect()
            return true
        }) ?? false
        let index: Components.Schemas.Health.MatchIndexPayload = await matchIndex.isWarm ? .ready : .warming
        return ok ? .ok(.init(body: .json(.init(status: "ready", database: "ok", matchIndex: index))))
                  : .serviceUnavailable(.init(body: .json(.init(status: "not_ready", database: "unreachable"))))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        var buffer: [UInt8] = []
        metrics.emit(into: &buffer)
        return .ok(.init(body: .plainText(.init(buffer))))
    }
}
