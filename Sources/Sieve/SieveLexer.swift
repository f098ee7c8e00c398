/// Turns the bytes of a Sieve script into tokens, skipping white space and comments.
///
/// Line ends may be CRLF (as RFC 5228 writes them) or a bare LF (as scripts edited on Unix
/// usually are); a CR that is not followed by LF is an error. The value of a multi-line
/// string always uses CRLF line ends, whatever the script used.
/// - SeeAlso: RFC 5228 §2.2–§2.4, §8.1
struct SieveLexer {
    private let bytes: [UInt8]
    private var offset = 0
    private var line = 1
    private var column = 1
    /// Errors found so far; the lexer goes on after each one, so that a script's author
    /// sees every mistake at once.
    private(set) var errors: [SieveError] = []

    init(_ source: String) {
        bytes = Array(source.utf8)
    }

    /// All tokens of the script, ending with `.endOfScript`; throws the first error.
    static func tokens(of source: String) throws(SieveError) -> [SieveToken] {
        let (tokens, errors) = scan(source)
        if let first = errors.first { throw first }
        return tokens
    }

    /// All tokens of the script and every lexical error. After an error the lexer goes on:
    /// a run of characters that cannot start a token becomes one `.invalid` token, a number
    /// too large becomes the largest number, an unterminated string or comment ends the script.
    static func scan(_ source: String) -> (tokens: [SieveToken], errors: [SieveError]) {
        var lexer = SieveLexer(source)
        var tokens: [SieveToken] = []
        while true {
            let token = lexer.next()
            tokens.append(token)
            if token.kind == .endOfScript { return (tokens, lexer.errors) }
        }
    }

    mutating func next() -> SieveToken {
        do {
            return try token()
        } catch {
            errors.append(error)
            offset = bytes.count
            return SieveToken(kind: .endOfScript, location: location)
        }
    }

    /// The next token; an error thrown here cannot be recovered from and ends the script.
    private mutating func token() throws(SieveError) -> SieveToken {
        try skipWhiteSpaceAndComments()
        let start = location
        guard let byte = peek() else { return SieveToken(kind: .endOfScript, location: start) }
        let punctuation: [UInt8: SieveToken.Kind] = [
            UInt8(ascii: "["): .leftBracket, UInt8(ascii: "]"): .rightBracket,
            UInt8(ascii: "{"): .leftBrace, UInt8(ascii: "}"): .rightBrace,
            UInt8(ascii: "("): .leftParenthesis, UInt8(ascii: ")"): .rightParenthesis,
            UInt8(ascii: ","): .comma, UInt8(ascii: ";"): .semicolon,
        ]
        if let kind = punctuation[byte] {
            advance()
            return SieveToken(kind: kind, location: start)
        }
        switch byte {
        case UInt8(ascii: "\""):
            return SieveToken(kind: .string(try quotedString()), location: start)
        case UInt8(ascii: ":"):
            advance()
            guard let next = peek(), Self.isIdentifierStart(next) else {
                errors.append(SieveError(location: start, message: "expected a tag name after ':'"))
                return SieveToken(kind: .invalid, location: start)
            }
            return SieveToken(kind: .tag(identifier()), location: start)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return SieveToken(kind: .number(number()), location: start)
        case _ where Self.isIdentifierStart(byte):
            let name = identifier()
            if name.lowercased() == "text", peek() == UInt8(ascii: ":") {
                advance()
                return SieveToken(kind: .string(try multiLineString(start: start)), location: start)
            }
            return SieveToken(kind: .identifier(name), location: start)
        default:
            let first = offset
            advance()
            while let next = peek(), !Self.canStartToken(next) {
                advance()
            }
            let run = bytes[first..<offset]
            let message =
                run.count == 1
                ? "unexpected character \(Self.describe(byte))" : "unexpected characters '\(String(decoding: run, as: UTF8.self))'"
            errors.append(SieveError(location: start, message: message))
            return SieveToken(kind: .invalid, location: start)
        }
    }

    /// Whether a token, white space or a comment can begin with `byte`.
    private static func canStartToken(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte) || Array("[]{}(),;\":#/ \t\r\n".utf8).contains(byte)
    }

    // MARK: - White space and comments

    // white-space = 1*(SP / CRLF / HTAB) / comment
    // comment = bracket-comment / hash-comment
    private mutating func skipWhiteSpaceAndComments() throws(SieveError) {
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                advance()
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                lineEnd()
            case UInt8(ascii: "#"):
                hashComment()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                try bracketComment()
            default:
                return
            }
        }
    }

    // hash-comment = "#" *octet-not-crlf CRLF
    // A comment on the last line may end at the end of the script.
    private mutating func hashComment() {
        while let byte = peek(), byte != UInt8(ascii: "\r"), byte != UInt8(ascii: "\n") {
            advance()
        }
        if peek() != nil { lineEnd() }
    }

    // bracket-comment = "/*" *not-star 1*STAR *(not-star-slash *not-star 1*STAR) "/"
    private mutating func bracketComment() throws(SieveError) {
        let start = location
        advance(2)
        while let byte = peek() {
            if byte == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                advance(2)
                return
            }
            if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                lineEnd()
            } else {
                advance()
            }
        }
        throw SieveError(location: start, message: "unterminated comment")
    }

    /// Consumes CRLF or LF at the current position.
    private mutating func lineEnd() {
        if peek() == UInt8(ascii: "\r") {
            if peek(1) == UInt8(ascii: "\n") {
                offset += 1
            } else {
                errors.append(SieveError(location: location, message: "CR not followed by LF"))
            }
        }
        offset += 1
        line += 1
        column = 1
    }

    // MARK: - Identifiers and numbers

    private mutating func identifier() -> String {
        let start = offset
        while let byte = peek(), Self.isIdentifierStart(byte) || Self.isDigit(byte) {
            advance()
        }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    // number = 1*DIGIT [ QUANTIFIER ]
    // QUANTIFIER = "K" / "M" / "G"
    /// A number too large is reported and read as `SieveLimits.maximumNumber`.
    private mutating func number() -> UInt64 {
        let start = location
        var value: UInt64 = 0
        var overflow = false
        while let byte = peek(), Self.isDigit(byte) {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            overflow = overflow || o1 || o2
            value = sum
            advance()
        }
        let shift: UInt64
        switch peek() {
        case UInt8(ascii: "K"), UInt8(ascii: "k"): shift = 10
        case UInt8(ascii: "M"), UInt8(ascii: "m"): shift = 20
        case UInt8(ascii: "G"), UInt8(ascii: "g"): shift = 30
        default: shift = 0
        }
        if shift > 0 {
            advance()
            overflow = overflow || value > (SieveLimits.maximumNumber >> shift)
            value <<= shift
        }
        if let next = peek(), Self.isIdentifierStart(next) {
            errors.append(SieveError(location: location, message: "unexpected character \(Self.describe(next)) after number"))
        }
        guard !overflow, value <= SieveLimits.maximumNumber else {
            errors.append(SieveError(location: start, message: "number is larger than \(SieveLimits.maximumNumber)"))
            return SieveLimits.maximumNumber
        }
        return value
    }

    // MARK: - Strings

    // quoted-string = DQUOTE quoted-text DQUOTE
    // quoted-text = *(quoted-safe / quoted-special / quoted-other)
    // A backslash takes the next character literally: "\a" is "a" (RFC 5228 §2.4.2).
    private mutating func quotedString() throws(SieveError) -> String {
        let start = location
        advance()
        var value: [UInt8] = []
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                return String(decoding: value, as: UTF8.self)
            case UInt8(ascii: "\\"):
                advance()
                guard let escaped = peek() else { break }
                if escaped == UInt8(ascii: "\r") || escaped == UInt8(ascii: "\n") {
                    appendLineEnd(to: &value)
                } else {
                    value.append(escaped)
                    advance()
                }
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                appendLineEnd(to: &value)
            default:
                value.append(byte)
                advance()
            }
        }
        throw SieveError(location: start, message: "unterminated string")
    }

    private mutating func appendLineEnd(to value: inout [UInt8]) {
        lineEnd()
        value.append(contentsOf: [0x0D, 0x0A])
    }

    // multi-line = "text:" *(SP / HTAB) (hash-comment / CRLF)
    //              *(multiline-literal / multiline-dotstart) "." CRLF
    private mutating func multiLineString(start: SourceLocation) throws(SieveError) -> String {
        while peek() == UInt8(ascii: " ") || peek() == UInt8(ascii: "\t") {
            advance()
        }
        switch peek() {
        case UInt8(ascii: "#"):
            hashComment()
        case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
            lineEnd()
        default:
            throw SieveError(location: location, message: "expected end of line after 'text:'")
        }
        var value: [UInt8] = []
        while peek() != nil {
            let lineStart = offset
            while let byte = peek(), byte != UInt8(ascii: "\r"), byte != UInt8(ascii: "\n") {
                advance()
            }
            let content = bytes[lineStart..<offset]
            guard peek() != nil else { break }
            lineEnd()
            if content.count == 1, content.first == UInt8(ascii: ".") {
                return String(decoding: value, as: UTF8.self)
            }
            // A line beginning ".." was dot-stuffed and loses one "."; a single leading "."
            // is kept as it stands (RFC 5228 §2.4.2).
            let stuffed = content.count >= 2 && content.first == UInt8(ascii: ".") && content.dropFirst().first == UInt8(ascii: ".")
            value.append(contentsOf: stuffed ? content.dropFirst() : content)
            value.append(contentsOf: [0x0D, 0x0A])
        }
        throw SieveError(location: start, message: "unterminated multi-line string (missing '.' line)")
    }

    // MARK: - Reading

    private var location: SourceLocation { SourceLocation(line: line, column: column) }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        offset + ahead < bytes.count ? bytes[offset + ahead] : nil
    }

    /// Moves past bytes that are not line ends; columns count scalars, not UTF-8 continuation bytes.
    private mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where offset < bytes.count {
            if bytes[offset] & 0xC0 != 0x80 { column += 1 }
            offset += 1
        }
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_")
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func describe(_ byte: UInt8) -> String {
        byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "0x\(String(byte, radix: 16, uppercase: true))"
    }
}
