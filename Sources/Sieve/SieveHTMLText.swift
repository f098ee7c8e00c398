/// The readable text of an HTML part, for `body :text` (RFC 5173 §5.1 lets an
/// implementation strip mark-up): tags, comments and the contents of `script` and
/// `style` elements removed, the common character references decoded.
enum SieveHTMLText {
    static func plainText(_ html: String) -> String {
        var output = ""
        var scalars = Array(html.unicodeScalars)[...]
        while let first = scalars.first {
            if first == "<" {
                let rest = String(String.UnicodeScalarView(scalars.prefix(10))).lowercased()
                if rest.hasPrefix("<!--") {
                    scalars = skip(scalars, past: "-->")
                } else if rest.hasPrefix("<script") || rest.hasPrefix("<style") {
                    scalars = skip(scalars, past: rest.hasPrefix("<script") ? "</script>" : "</style>")
                } else {
                    scalars = skip(scalars, past: ">")
                }
                continue
            }
            if first == "&", let semicolon = scalars.prefix(10).firstIndex(of: ";"),
                let decoded = reference(String(String.UnicodeScalarView(scalars[scalars.index(after: scalars.startIndex)..<semicolon])))
            {
                output.unicodeScalars.append(decoded)
                scalars = scalars[scalars.index(after: semicolon)...]
                continue
            }
            output.unicodeScalars.append(first)
            scalars = scalars.dropFirst()
        }
        return output
    }

    /// The text after the first `end` (compared without case), or nothing when it is missing.
    private static func skip(_ scalars: ArraySlice<Unicode.Scalar>, past end: String) -> ArraySlice<Unicode.Scalar> {
        let pattern = Array(end.unicodeScalars)
        var index = scalars.startIndex
        while index + pattern.count <= scalars.endIndex {
            if zip(scalars[index..<(index + pattern.count)], pattern).allSatisfy({ $0.properties.lowercaseMapping == String($1) }) {
                return scalars[(index + pattern.count)...]
            }
            index += 1
        }
        return scalars[scalars.endIndex...]
    }

    /// `amp`, `lt`, `gt`, `quot`, `apos`, `nbsp`, `#NNN` and `#xHHH`.
    private static func reference(_ name: String) -> Unicode.Scalar? {
        switch name.lowercased() {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return " "
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value = digits.lowercased().hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            return value.flatMap(Unicode.Scalar.init)
        }
    }
}
