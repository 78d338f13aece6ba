import Foundation
import PledgeCore

/// A firm under every product, explained and ranked: eligible first, then higher score, then lower
/// product id. Building the explanations is most of the cost, so the products are split across the
/// machine's cores, and each part words a gate shared by several products once (`GateMemo`).
public func evaluateAll(firm: MatchFirm, assets: [MatchAsset], products: [MatchProduct],
                        request: LoanRequest) async -> [MatchResult] {
    let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, products.count / 4))
    let size = (products.count + chunks - 1) / max(chunks, 1)
    let results = await withTaskGroup(of: [MatchResult].self) { group in
        for start in stride(from: 0, to: products.count, by: max(size, 1)) {
            let slice = Array(products[start..<min(start + size, products.count)])
            group.addTask {
                let memo = GateMemo()
                return slice.map { MatchEngine.evaluate(firm: firm, assets: assets, product: $0, request: request, memo: memo) }
            }
        }
        var all: [MatchResult] = []
        for await part in group { all += part }
        return all
    }
    return results.sorted(by: productOrder)
}

func productOrder(_ a: MatchResult, _ b: MatchResult) -> Bool {
    if a.eligible != b.eligible { return a.eligible }
    if a.score.centiPoints != b.score.centiPoints { return a.score.centiPoints > b.score.centiPoints }
    return a.productId < b.productId
}
