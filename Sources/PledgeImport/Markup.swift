/// Text made safe inside XML or HTML markup: the one place that decides which characters become
/// entities, for the workbooks this module writes and the console's pages.
public enum Markup {
    /// `&`, `<`, `>` and `"` as entities; `'` too with `apostrophe` (an HTML attribute may be
    /// single-quoted). With `dropControls`, control characters other than tab, line feed and carriage
    /// return are dropped: XML 1.0 cannot carry them.
    public static func escape(_ s: String, apostrophe: Bool, dropControls: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'" where apostrophe: out += "&#39;"
            case _ where dropControls && ch.value < 32 && ch != "\n" && ch != "\t" && ch != "\r": continue
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
