/// Header fields of the messages Sieve sends (vacation responses, rejections): folded to
/// 78 characters, and with non-ASCII text in RFC 2047 encoded words, so that the
/// messages are plain RFC 5322 whatever the script wrote.
/// - SeeAlso: RFC 5322 §2.1.1, §2.2.3; RFC 2047 §2, §5
enum SieveHeaderWriter {
    /// An encoded word may be 75 characters (RFC 2047 §2), and a folded line 78; 42
    /// octets make 56 base64 characters, a 68-character word that fits after "Subject: ".
    private static let encodedWordOctets = 42

    /// One field, folded before white space so that lines stay within 78 characters where
    /// the words allow; ends with CRLF.
    static func field(_ name: String, _ value: String) -> String {
        var output = ""
        var line = name + ":"
        var wordsOnLine = 0
        for word in clean(value).split(separator: " ", omittingEmptySubsequences: false) {
            let piece = " " + word
            if wordsOnLine > 0, !word.isEmpty, line.utf8.count + piece.utf8.count > 78 {
                output += line + "\r\n"
                line = piece
                wordsOnLine = 1
            } else {
                line += piece
                wordsOnLine += 1
            }
        }
        return output + line + "\r\n"
    }

    /// Unstructured text (a Subject): ASCII words as they are, each run of other words
    /// as encoded words, so that the whole decodes to exactly `text` (RFC 2047 §5 (1):
    /// the space between a plain word and an encoded one is kept, RFC 2047 §6.2).
    static func unstructured(_ text: String) -> String {
        var output: [String] = []
        var run: [Substring] = []
        func flush() {
            if !run.isEmpty { output.append(encodedWords(run.joined(separator: " "))) }
            run = []
        }
        for word in clean(text).split(separator: " ", omittingEmptySubsequences: false) {
            if word.unicodeScalars.allSatisfy(\.isASCII) {
                flush()
                output.append(String(word))
            } else {
                run.append(word)
            }
        }
        flush()
        return output.joined(separator: " ")
    }

    /// A mailbox for From or To: `phrase <address>`, the phrase encoded when it is not
    /// ASCII (RFC 2047 §5 (3)), or `<address>` alone.
    static func mailbox(phrase: String, address: String) -> String {
        let phrase = clean(phrase).trimmingWhiteSpace()
        guard !phrase.isEmpty else { return "<\(address)>" }
        guard !phrase.unicodeScalars.allSatisfy(\.isASCII) else { return "\(phrase) <\(address)>" }
        return "\(encodedWords(SieveAddressList.unquote(Substring(phrase)))) <\(address)>"
    }

    /// B-encoded UTF-8 words, never splitting a character, separated by spaces (which
    /// decoders drop between encoded words, RFC 2047 §6.2).
    static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let octets = Array(String(scalar).utf8)
            if chunk.count + octets.count > encodedWordOctets {
                words.append("=?utf-8?b?\(SieveTransferEncoding.base64Encoded(chunk))?=")
                chunk = []
            }
            chunk += octets
        }
        if !chunk.isEmpty { words.append("=?utf-8?b?\(SieveTransferEncoding.base64Encoded(chunk))?=") }
        return words.joined(separator: " ")
    }

    /// Text fit for one header line: line breaks and other controls become spaces.
    static func clean(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }
}
