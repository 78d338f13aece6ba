/// An asset's own value score, 0–100, in the spirit of GB/T 42748-2023 (legal, technical and economic
/// value). Integer parts with floor division, so SQL can compute the same number; a missing indicator
/// earns nothing except litigation, where "none recorded" is the usual and unpenalised case.
public enum AssetValue {
    public static func points(_ asset: MatchAsset, asOf: CivilDate) -> Int {
        Parts(asset, asOf: asOf).total
    }

    /// Every part of the score, kept so the best asset's points can be explained.
    struct Parts {
        var remainingMonths = 0
        var statutoryMonths = 0
        /// Legal: remaining life (patents 40, copyrights 60).
        var life = 0
        var claims = 0
        var citations = 0
        var family = 0
        var licences = 0
        var noLitigation = 0
        /// Marks: whole years since registration, and the points for it.
        var ageYears = 0
        var age = 0
        var renewals = 0
        var classes = 0
        var useYears = 0
        var use = 0
        var total = 0

        init(_ a: MatchAsset, asOf d: CivilDate) {
            let ind = a.indicators
            let clean = (ind.litigations ?? 0) == 0
            switch a.type {
            case .invention, .utilityModel, .design:
                statutoryMonths = AssetValue.statutoryMonths(a)
                remainingMonths = AssetValue.remainingMonths(a, asOf: d)
                life = 40 * min(remainingMonths, statutoryMonths) / statutoryMonths
                claims = min(max(ind.claims ?? 0, 0), 20) * 15 / 20
                citations = min(max(ind.forwardCitations ?? 0, 0), 20)
                family = min(max(ind.familySize ?? 0, 0), 5) * 2
                licences = min(max(ind.licences ?? 0, 0), 5) * 2
                noLitigation = clean ? 5 : 0
                total = life + claims + citations + family + licences + noLitigation
            case .trademark, .giCollectiveMark:
                ageYears = a.registrationDate.map { AssetValue.wholeYears(from: $0, to: d) } ?? 0
                age = min(ageYears, 20) * 2
                renewals = min(max(a.renewalCount, 0), 3) * 5
                classes = min(max(a.niceClassCount, 0), 10) * 2
                useYears = GateRule.useStart(a).map { AssetValue.wholeYears(from: $0, to: d) } ?? 0
                use = min(useYears, 10) * 2
                noLitigation = clean ? 5 : 0
                total = age + renewals + classes + use + noLitigation
            case .copyright:
                statutoryMonths = 600
                remainingMonths = AssetValue.remainingMonths(a, asOf: d)
                life = 60 * min(remainingMonths, statutoryMonths) / statutoryMonths
                licences = min(max(ind.licences ?? 0, 0), 5) * 6
                noLitigation = clean ? 10 : 0
                total = life + licences + noLitigation
            }
        }
    }

    /// The full term the remaining life is measured against. A design's term depends on its filing
    /// date (2021-06-01 rule); with no filing date the shorter term is assumed.
    static func statutoryMonths(_ a: MatchAsset) -> Int {
        switch a.type {
        case .invention: return 240
        case .utilityModel: return 120
        case .design:
            if let filing = a.filingDate, filing >= ProtectionTerm.designFifteenYearsFrom { return 180 }
            return 120
        case .trademark, .giCollectiveMark: return 120
        case .copyright: return 600
        }
    }

    /// Whole months from D to expiry; 0 when expired or unknown.
    static func remainingMonths(_ a: MatchAsset, asOf d: CivilDate) -> Int {
        guard let expiry = a.expiryDate, expiry >= d else { return 0 }
        return d.wholeMonths(until: expiry)
    }

    /// Whole years y with `from + y years ≤ to` (month-end clamped), 0 when `to` is earlier.
    static func wholeYears(from start: CivilDate, to end: CivilDate) -> Int {
        guard end >= start else { return 0 }
        return start.wholeMonths(until: end) / 12
    }

    static func explain(_ a: MatchAsset, asOf d: CivilDate) -> Label {
        let p = Parts(a, asOf: d)
        switch a.type {
        case .invention, .utilityModel, .design:
            return Label(
                "剩余保护期 \(p.remainingMonths)/\(p.statutoryMonths) 个月 \(p.life) 分，权利要求 \(p.claims) 分，被引 \(p.citations) 分，同族 \(p.family) 分，许可 \(p.licences) 分，无诉讼 \(p.noLitigation) 分",
                "remaining life \(p.remainingMonths)/\(p.statutoryMonths) months \(p.life), claims \(p.claims), citations \(p.citations), family \(p.family), licences \(p.licences), no litigation \(p.noLitigation)")
        case .trademark, .giCollectiveMark:
            return Label(
                "注册 \(p.ageYears) 年 \(p.age) 分，续展 \(p.renewals) 分，类别 \(p.classes) 分，使用 \(p.useYears) 年 \(p.use) 分，无诉讼 \(p.noLitigation) 分",
                "registered \(p.ageYears) years \(p.age), renewals \(p.renewals), classes \(p.classes), in use \(p.useYears) years \(p.use), no litigation \(p.noLitigation)")
        case .copyright:
            return Label(
                "剩余保护期 \(p.remainingMonths)/600 个月 \(p.life) 分，许可 \(p.licences) 分，无诉讼 \(p.noLitigation) 分",
                "remaining life \(p.remainingMonths)/600 months \(p.life), licences \(p.licences), no litigation \(p.noLitigation)")
        }
    }
}
