/// A table read from a file: the sheet's name (a CSV's is its file name), and its rows with the
/// line (CSV) or row number (xlsx) each started on, as a person finds it in their program.
public struct SheetTable: Sendable {
    public var name: String
    public var rows: [SheetRow]
    public init(name: String, rows: [SheetRow]) { self.name = name; self.rows = rows }
}

public struct SheetRow: Sendable, Equatable {
    public var line: Int
    public var cells: [String]
    public init(line: Int, cells: [String]) { self.line = line; self.cells = cells }

    public subscript(_ i: Int) -> String { i < cells.count ? cells[i] : "" }
    public var isBlank: Bool { cells.allSatisfy { $0.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\u{3000}" } } }
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
public func columnLetter(_ index: Int) -> String {
    var n = index + 1
    var s: [Character] = []
    while n > 0 {
        let r = (n - 1) % 26
        s.insert(Character(Unicode.Scalar(UInt8(65 + r))), at: 0)
        n = (n - 1) / 26
    }
    return String(s)
}

/// Parses `AB12` into (column index 27, row 12).
func cellReference(_ ref: Substring) -> (column: Int, row: Int)? {
    var col = 0
    var row = 0
    var sawLetter = false, sawDigit = false
    for u in ref.utf8 {
        if u >= 65 && u <= 90, !sawDigit { col = col * 26 + Int(u - 64); sawLetter = true }
        else if u >= 97 && u <= 122, !sawDigit { col = col * 26 + Int(u - 96); sawLetter = true }
        else if u >= 48 && u <= 57 { row = row * 10 + Int(u - 48); sawDigit = true }
        else { return nil }
    }
    guard sawLetter else { return nil }
    return (col - 1, row)
}
