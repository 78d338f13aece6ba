import PledgeCore

/// A firm's explained products: what `GET /firms/{firmId}/matches` answers.
struct FirmMatches: Sendable {
    var firmId: Int64
    var asOf: CivilDate
    /// Each product's evaluation, in the engine's order, with the product's bank.
    var items: [(result: MatchResult, bankId: Int64)]
}

/// The MatchList schema of openapi.yaml written as JSON without the generated encoder: every
/// product's gates and explanations in two languages come to about 1 KB, 191 KB for a firm of the
/// demo data, and encoding them through the generated types took three fifths of the machine under
/// a stream of fresh answers. The same bytes as the encoder's (FirmMatchesJSONTests); each object's
/// keys are written in sorted order, as `.sortedKeys` puts them.
enum FirmMatchesJSON {
    static func bytes(_ matches: FirmMatches) -> [UInt8] {
        var out = JSONBytes(capacity: 1024 * (matches.items.count + 1))
        out.object { o in
            o.key("asOf"); o.string(matches.asOf.api)
            o.key("firmId"); o.int(matches.firmId)
            o.key("items"); o.array(matches.items) { o, item in match(&o, item.result, bankId: item.bankId) }
        }
        return out.bytes
    }

    static func match(_ o: inout JSONBytes, _ r: MatchResult, bankId: Int64) {
        o.object { o in
            o.key("amountFen"); o.int(r.amountFen)
            o.key("asOf"); o.string(r.request.asOf.api)
            o.key("assets"); o.array(r.assets) { o, asset in
                o.object { o in
                    o.key("assetId"); o.int(asset.assetId)
                    o.key("eligible"); o.bool(asset.eligible)
                    o.key("gates"); o.array(asset.gates, gate)
                    o.key("lendableFen"); o.int(asset.lendableFen)
                    o.key("type"); o.string(asset.type.rawValue)
                    o.key("valuePoints"); o.int(asset.valuePoints)
                }
            }
            o.key("bankId"); o.int(bankId)
            o.key("capacityFen"); o.int(r.capacityFen)
            o.key("eligible"); o.bool(r.eligible)
            o.key("firmGates"); o.array(r.firmGates, gate)
            o.key("firmId"); o.int(r.firmId)
            if let package = r.package {
                o.key("package"); o.object { o in
                    o.key("assetIds"); o.array(package.assetIds) { o, id in o.int(id) }
                    o.key("lendableFen"); o.int(package.lendableFen)
                    o.key("pledgedValueFen"); o.int(package.pledgedValueFen)
                }
            }
            o.key("productId"); o.int(r.productId)
            o.key("score"); o.object { o in
                o.key("centiPoints"); o.int(r.score.centiPoints)
                o.key("factors"); o.array(r.score.factors) { o, factor in
                    o.object { o in
                        o.key("centiPoints"); o.int(factor.centiPoints)
                        o.key("code"); o.string(factor.code.rawValue)
                        o.key("messageEn"); o.string(factor.en)
                        o.key("messageZh"); o.string(factor.zh)
                        o.key("points"); o.points(centi: factor.centiPoints)
                        o.key("weight"); o.int(factor.weight)
                    }
                }
                o.key("total"); o.points(centi: r.score.centiPoints)
            }
            o.key("shortfallFen"); o.int(r.shortfallFen)
            o.key("summaryEn"); o.string(r.summaryEn)
            o.key("summaryZh"); o.string(r.summaryZh)
            o.key("termMonths"); o.int(r.termMonths)
        }
    }

    static func gate(_ o: inout JSONBytes, _ g: GateResult) {
        o.object { o in
            o.key("code"); o.string(g.code.rawValue)
            o.key("messageEn"); o.string(g.en)
            o.key("messageZh"); o.string(g.zh)
            o.key("passed"); o.bool(g.passed)
        }
    }
}
