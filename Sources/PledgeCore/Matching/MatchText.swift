/// Wording shared by the gate, score and summary texts, so numbers read the same everywhere.
enum MatchText {
    static func yuan(_ fen: Fen) -> String { Money.yuanText(fen) }

    /// 3000 bp → "30%", 3050 → "30.5%", 3055 → "30.55%": trailing zeros would only look like precision.
    static func percent(bp: Int) -> String {
        let sign = bp < 0 ? "-" : ""
        let m = bp.magnitude
        let whole = m / 100, frac = m % 100
        if frac == 0 { return "\(sign)\(whole)%" }
        if frac % 10 == 0 { return "\(sign)\(whole).\(frac / 10)%" }
        return "\(sign)\(whole).\(frac < 10 ? "0" : "")\(frac)%"
    }

    /// Hundredths of a point as "72.35", the form the API's centiPoints are read in.
    static func points(centi: Int) -> String {
        let sign = centi < 0 ? "-" : ""
        let m = centi.magnitude
        return "\(sign)\(m / 100).\(m % 100 < 10 ? "0" : "")\(m % 100)"
    }

    static func ids(_ ids: [Int64], zh: Bool) -> String {
        ids.map { "#\($0)" }.joined(separator: zh ? "、" : ", ")
    }

    static func status(_ s: LegalStatus) -> Label { s.label }

    /// "the invention patent #12": assets are named by type and id because MatchAsset carries no title.
    static func asset(_ a: MatchAsset) -> Label {
        Label("\(a.type.label.zh) #\(a.id)", "\(a.type.label.en) #\(a.id)")
    }
}
