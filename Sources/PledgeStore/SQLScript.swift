/// Splits a SQL file into single statements, because PostgresNIO's extended protocol sends one
/// statement per query. Understands comments, quoted strings and identifiers, and dollar quoting.
public enum SQLScript {
    public static func statements(in sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var chars = Array(sql)[...]
        while let ch = chars.first {
            if ch == "-", chars.dropFirst().first == "-" {        // line comment
                let end = chars.firstIndex(of: "\n") ?? chars.endIndex
                chars = chars[end...]
                continue
            }
            if ch == "/", chars.dropFirst().first == "*" {        // block comment
                var rest = chars.dropFirst(2)
                while !rest.isEmpty, !(rest.first == "*" && rest.dropFirst().first == "/") { rest = rest.dropFirst() }
                chars = rest.dropFirst(2)
                continue
            }
            if ch == "'" || ch == "\"" {                          // quoted literal or identifier
                var end = chars.index(after: chars.startIndex)
                while end < chars.endIndex, chars[end] != ch { end += 1 }
                end = min(end + 1, chars.endIndex)
                current += String(chars[chars.startIndex..<end])
                chars = chars[end...]
                continue
            }
            if ch == "$", let tag = dollarTag(chars) {            // $tag$ … $tag$
                let body = chars.dropFirst(tag.count)
                let close = findSequence(Array(tag), in: body) ?? chars.endIndex
                let end = min(close + tag.count, chars.endIndex)
                current += String(chars[chars.startIndex..<end])
                chars = chars[end...]
                continue
            }
            chars = chars.dropFirst()
            if ch == ";" {
                append(&statements, current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        append(&statements, current)
        return statements
    }

    private static func append(_ statements: inout [String], _ text: String) {
        let blank: Set<Character> = [" ", "\t", "\n", "\r"]
        guard let start = text.firstIndex(where: { !blank.contains($0) }),
              let end = text.lastIndex(where: { !blank.contains($0) }) else { return }
        statements.append(String(text[start...end]))
    }

    private static func dollarTag(_ chars: ArraySlice<Character>) -> String? {
        var tag = "$"
        for ch in chars.dropFirst() {
            if ch == "$" { return tag + "$" }
            guard ch.isLetter || ch.isNumber || ch == "_" else { return nil }
            tag.append(ch)
        }
        return nil
    }

    private static func findSequence(_ needle: [Character], in haystack: ArraySlice<Character>) -> Int? {
        var i = haystack.startIndex
        while i + needle.count <= haystack.endIndex {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}

