/// When an asset's protection ends, from its type and dates (专利法 第42条; 商标法 第39–40条;
/// 著作权法 第23条). The last protected day is the day before the anniversary.
public enum ProtectionTerm {
    /// Design patents filed from this day get 15 years (专利法 2020 年修正, 施行日 2021-06-01).
    public static let designFifteenYearsFrom = CivilDate(year: 2021, month: 6, day: 1)!

    public static func expiry(type: IPType, filing: CivilDate?, registration: CivilDate?, renewals: Int) -> CivilDate? {
        switch type {
        case .invention: return filing.map { lastDay(from: $0, years: 20) }
        case .utilityModel: return filing.map { lastDay(from: $0, years: 10) }
        case .design:
            return filing.map { lastDay(from: $0, years: $0 >= designFifteenYearsFrom ? 15 : 10) }
        case .trademark, .giCollectiveMark:
            // Each renewal (续展) adds ten years to the registration's term.
            // The count is clamped first: a validator refuses more than 20 renewals but still asks
            // for the expiry, and ten years times an absurd count must not overflow.
            return registration.map { lastDay(from: $0, years: 10 * (1 + min(max(0, renewals), 1_000))) }
        case .copyright:
            // A legal person's work: 50 years, ending on 31 December of the fiftieth year after creation.
            // Past year 9999 the calendar ends: a creation date that late is refused by the validator,
            // which still asks for the expiry.
            return filing.map { CivilDate(year: $0.year + 50, month: 12, day: 31) ?? .latest }
        }
    }

    static func lastDay(from start: CivilDate, years: Int) -> CivilDate {
        start.adding(years: years).adding(days: -1)
    }
}
