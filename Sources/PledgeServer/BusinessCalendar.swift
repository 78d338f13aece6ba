import Foundation
import PledgeCore

/// The programme's calendar: dates are kept in Asia/Shanghai.
public enum BusinessCalendar {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!

    /// The calendar date in Beijing time at the given instant.
    public static func today(at instant: Date = Date()) -> CivilDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        return CivilDate(year: c.year!, month: c.month!, day: c.day!)!
    }
}
