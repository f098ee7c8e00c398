/// A header field value as tests compare it: unfolded, trimmed, and with RFC 2047
/// encoded words decoded.
/// - SeeAlso: RFC 5228 §2.7.2, RFC 5322 §2.2.3, RFC 2047
enum SieveHeaderValue {
    static func comparable(_ raw: String) -> String {
        decodeEncodedWords(unfold(raw))
    }

    /// Removes the line breaks of folding, keeping the white space after them, and trims.
    static func unfold(_ raw: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars where scalar != "\r" && scalar != "\n" {
            scalars.append(scalar)
        }
        return String(scalars).trimmingWhiteSpace()
    }

    // encoded-word = "=?" charset "?" encoding "?" encoded-text "?="
    // White space between two adjacent encoded words is dropped (RFC 2047 §6.2).
    static func decodeEncodedWords(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        var output = ""
        var previousWasEncoded = false
        var rest = Substring(text)
        while !rest.isEmpty {
            let space = rest.prefix { $0 == " " || $0 == "\t" }
            rest = rest.dropFirst(space.count)
            let word = rest.prefix { $0 != " " && $0 != "\t" }
            rest = rest.dropFirst(word.count)
            if let decoded = decodeWord(word) {
                output += previousWasEncoded ? "" : String(space)
                output += decoded
                previousWasEncoded = true
            } else {
                output += String(space) + word
                previousWasEncoded = false
            }
        }
        return output
    }

    private static func decodeWord(_ word: Substring) -> String? {
        guard word.hasPrefix("=?"), word.hasSuffix("?="), word.count >= 8 else { return nil }
        let inner = word.dropFirst(2).dropLast(2)
        let parts = inner.split(separator: "?", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        // RFC 2231 §5: "charset*language".
        let charset = parts[0].split(separator: "*").first.map { $0.lowercased() } ?? ""
        let bytes: [UInt8]
        switch parts[1].lowercased() {
        case "b": bytes = SieveTransferEncoding.base64(Array(parts[2].utf8))
        case "q": bytes = SieveTransferEncoding.quotedPrintable(Array(parts[2].utf8), underscoreIsSpace: true)
        default: return nil
        }
        return SieveCharset.decode(bytes, charset: charset)
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line ends.
    func trimmingWhiteSpace() -> String {
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
