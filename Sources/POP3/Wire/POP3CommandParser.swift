import NIOCore
import SASL

/// Reads client lines from the front of a byte stream: commands, and the client's side of
/// a SASL exchange. Pure: no I/O, no session state beyond the framing of lines.
///
/// Framing (RFC 1939 §3): a line ends with CRLF. A bare LF is accepted too, because
/// hand-typed sessions and some clients on Unix send it and nothing else can be meant; a CR
/// on its own is not a line end, and inside a line it is refused like any control
/// character. The length limits count the line's content plus two octets for its end,
/// whichever end was sent, so both forms are cut at the same place.
///
/// Tokens (RFC 1939 §3 asks for single spaces): runs of spaces between arguments and
/// trailing spaces are tolerated, as clients have been seen to send both; leading spaces
/// are not, the keyword starts the line. `PASS` keeps everything after its first space
/// exactly, trailing spaces included (RFC 1939 §7).
///
/// Octets (RFC 1939 §3 says printable ASCII): no control characters anywhere. UTF-8 is
/// accepted in the string arguments of `USER`, `PASS` and `APOP`, because a server that
/// advertises `UTF8 USER` must take UTF-8 names and passwords before any `UTF8` command
/// (RFC 6856); whether this session allows it, and SASLprep, are the session's business.
/// Bytes that are not UTF-8 are refused everywhere.
///
/// The parser carries state from one call to the next (a too-long line being skipped, how
/// far it has already looked for a line end), so each call must be given the same stream:
/// what the last call left unread followed by what arrived since, as NIO's
/// `ByteToMessageDecoder` does.
public struct POP3CommandParser: Sendable {
    /// The longest command line accepted, CRLF included.
    public let maximumLineLength: Int
    /// The longest SASL response line accepted, CRLF included.
    public let maximumSASLResponseLineLength: Int

    /// True while the rest of a too-long line is being thrown away.
    private var isSkippingLine = false
    /// How many octets at the front of the stream are known to hold no LF.
    private var scannedOctets = 0

    public init(
        maximumLineLength: Int = POP3Limits.commandLineLength,
        maximumSASLResponseLineLength: Int = POP3Limits.saslResponseLineLength
    ) {
        precondition(maximumLineLength >= 3 && maximumSASLResponseLineLength >= 3, "a limit must leave room for a line end")
        self.maximumLineLength = maximumLineLength
        self.maximumSASLResponseLineLength = maximumSASLResponseLineLength
    }

    /// Parses one command line from the front of `buffer`, consuming it, if a whole line is
    /// there; returns nil when more data is needed. A thrown error has consumed the bad line
    /// (or, for ``POP3ParseError/lineTooLong``, all of it seen so far), so the caller answers
    /// `-ERR` and calls again.
    public mutating func parseCommand(from buffer: inout ByteBuffer) throws(POP3ParseError) -> POP3Command? {
        guard let line = try nextLine(from: &buffer, limit: maximumLineLength) else { return nil }
        return try Self.command(from: line)
    }

    /// Parses one client response of a SASL exchange, which is not a command: base64, or
    /// `*` to cancel (RFC 5034 §4). Its lines may be longer than commands, up to
    /// ``maximumSASLResponseLineLength``.
    public mutating func parseSASLResponse(from buffer: inout ByteBuffer) throws(POP3ParseError) -> SASLClientResponse? {
        guard let line = try nextLine(from: &buffer, limit: maximumSASLResponseLineLength) else { return nil }
        return try Self.saslResponse(from: line)
    }

    /// Forgets any partial line, for when the caller throws its buffered bytes away. After
    /// `STLS` (RFC 2595 §4) nothing the client sent in plain text may be read as a command
    /// once TLS is up, or an attacker could inject commands into the protected session
    /// (the STARTTLS injection flaw, CVE-2011-0411).
    public mutating func reset() {
        isSkippingLine = false
        scannedOctets = 0
    }
}

// MARK: - Lines

extension POP3CommandParser {
    /// Takes the next line's content (without its line end) from `buffer`, or returns nil
    /// if no whole line is there yet.
    private mutating func nextLine(from buffer: inout ByteBuffer, limit: Int) throws(POP3ParseError) -> [UInt8]? {
        if isSkippingLine {
            guard skipRestOfLine(in: &buffer) else { return nil }
        }
        let view = buffer.readableBytesView
        let searchEnd = view.startIndex + min(view.count, limit)
        let searchStart = view.startIndex + min(scannedOctets, searchEnd - view.startIndex)
        if let lineFeed = view[searchStart..<searchEnd].firstIndex(of: ASCII.lineFeed) {
            scannedOctets = 0
            var content = view[view.startIndex..<lineFeed]
            if content.last == ASCII.carriageReturn {
                content = content.dropLast()
            }
            let line = Array(content)
            buffer.moveReaderIndex(forwardBy: lineFeed - view.startIndex + 1)
            // Only a bare LF right at the limit gets here with too much content.
            guard line.count <= limit - 2 else { throw .lineTooLong }
            return line
        }
        guard view.count >= limit else {
            scannedOctets = view.count
            return nil
        }
        scannedOctets = 0
        if let lineFeed = view[searchEnd...].firstIndex(of: ASCII.lineFeed) {
            buffer.moveReaderIndex(forwardBy: lineFeed - view.startIndex + 1)
        } else {
            buffer.moveReaderIndex(forwardBy: view.count)
            isSkippingLine = true
        }
        throw .lineTooLong
    }

    /// Drops octets up to and including the next LF; true once that LF has been found.
    private mutating func skipRestOfLine(in buffer: inout ByteBuffer) -> Bool {
        let view = buffer.readableBytesView
        guard let lineFeed = view.firstIndex(of: ASCII.lineFeed) else {
            buffer.moveReaderIndex(forwardBy: view.count)
            return false
        }
        buffer.moveReaderIndex(forwardBy: lineFeed - view.startIndex + 1)
        isSkippingLine = false
        return true
    }
}

// MARK: - Commands

extension POP3CommandParser {
    // command = keyword *(SP param) CRLF    ; RFC 2449 §3, 255 octets maximum
    // keyword = 3*4VCHAR
    // param   = 1*VCHAR
    /// Reads one command line, its line end already removed.
    static func command(from line: [UInt8]) throws(POP3ParseError) -> POP3Command {
        try checkEncoding(line)
        let keywordEnd = line.firstIndex(of: ASCII.space) ?? line.endIndex
        let keywordBytes = line[..<keywordEnd]
        let rest = line[keywordEnd...]
        guard keywordBytes.count <= 4, let keyword = uppercasedASCII(keywordBytes) else {
            throw .unknownCommand(reported(keywordBytes))
        }
        let arguments = Arguments(keyword: keyword, values: rest.split(separator: ASCII.space))
        switch keyword {
        case "USER":
            return .user(try arguments.one().string)
        case "PASS":
            return .pass(try password(from: rest))
        case "APOP":
            let (name, digest) = try arguments.two()
            return .apop(name: name.string, digest: try arguments.check(hexDigest(digest)))
        case "STAT":
            try arguments.none()
            return .stat
        case "NOOP":
            try arguments.none()
            return .noop
        case "RSET":
            try arguments.none()
            return .rset
        case "QUIT":
            try arguments.none()
            return .quit
        case "CAPA":
            try arguments.none()
            return .capa
        case "STLS":
            try arguments.none()
            return .stls
        case "UTF8":
            try arguments.none()
            return .utf8
        case "LIST":
            return .list(try arguments.optional().map { value throws(POP3ParseError) in try arguments.check(messageNumber(value)) })
        case "UIDL":
            return .uidl(try arguments.optional().map { value throws(POP3ParseError) in try arguments.check(messageNumber(value)) })
        case "RETR":
            return .retr(try arguments.check(messageNumber(arguments.one())))
        case "DELE":
            return .dele(try arguments.check(messageNumber(arguments.one())))
        case "TOP":
            let (message, lines) = try arguments.two()
            return .top(try arguments.check(messageNumber(message)), lines: try arguments.check(number(lines)))
        case "AUTH":
            return try authenticate(arguments)
        case "LANG":
            return .lang(try arguments.optional().map { value throws(POP3ParseError) in try arguments.check(languageRange(value)) })
        default:
            throw .unknownCommand(reported(keywordBytes))
        }
    }

    /// Refuses control characters anywhere (a lone CR, NUL, TAB, DEL) and non-UTF-8 bytes.
    private static func checkEncoding(_ line: [UInt8]) throws(POP3ParseError) {
        var isASCII = true
        for byte in line {
            if byte < 0x20 || byte == 0x7F { throw .invalidEncoding }
            if byte >= 0x80 { isASCII = false }
        }
        if !isASCII, String(validating: line, as: UTF8.self) == nil {
            throw .invalidEncoding
        }
    }

    // PASS string    ; the rest of the line after one space (RFC 1939 §7)
    /// RFC 1939 §7 lets the server read spaces as part of the password, since `PASS` has
    /// exactly one argument. The argument is required (RFC 1939 §7), so an empty rest is an
    /// error: no account can have an empty password.
    private static func password(from rest: ArraySlice<UInt8>) throws(POP3ParseError) -> String {
        guard rest.first == ASCII.space, rest.count > 1 else { throw .invalidArguments("PASS") }
        return String(decoding: rest.dropFirst(), as: UTF8.self)
    }

    // auth-command     = "AUTH" SP sasl-mech [SP initial-response]    ; RFC 5034 §6
    // initial-response = base64 / "="
    /// A bare `AUTH` is accepted as the mechanism-list request that clients send (see
    /// ``POP3Command/auth(mechanism:initialResponse:)``).
    private static func authenticate(_ arguments: Arguments) throws(POP3ParseError) -> POP3Command {
        guard arguments.values.count <= 2 else { throw .invalidArguments(arguments.keyword) }
        guard let mechanismBytes = arguments.values.first else {
            return .auth(mechanism: nil, initialResponse: nil)
        }
        let mechanism = try arguments.check(saslMechanism(mechanismBytes))
        guard arguments.values.count == 2 else {
            return .auth(mechanism: mechanism, initialResponse: nil)
        }
        let response = arguments.values[1]
        if response.elementsEqual([UInt8(ascii: "=")]) {
            return .auth(mechanism: mechanism, initialResponse: .empty)
        }
        guard let bytes = SASLBase64.decode(response) else { throw .invalidBase64 }
        return .auth(mechanism: mechanism, initialResponse: .data(bytes))
    }

    // msg = 1*DIGIT    ; a message-number: positive, counted from 1 (RFC 1939 §5), no sign
    private static func messageNumber(_ bytes: ArraySlice<UInt8>) -> Int? {
        number(bytes).flatMap { $0 >= 1 ? $0 : nil }
    }

    // n = 1*DIGIT    ; non-negative decimal, no sign, at most POP3Limits.largestNumber
    private static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var value = 0
        for byte in bytes {
            guard ASCII.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            guard value <= POP3Limits.largestNumber else { return nil }
        }
        return value
    }

    // digest = 32HEXDIG    ; RFC 1939 §7: MD5 in hexadecimal, lower case expected
    private static func hexDigest(_ bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.count == 32, bytes.allSatisfy(ASCII.isHexDigit) else { return nil }
        return String(decoding: bytes.map(ASCII.lowercased), as: UTF8.self)
    }

    // sasl-mech = 1*20mech-char    ; RFC 4422 §3.1
    // mech-char = UPPER-ALPHA / DIGIT / HYPHEN / UNDERSCORE
    /// Mechanism names are upper case; clients that send lower case are forgiven.
    private static func saslMechanism(_ bytes: ArraySlice<UInt8>) -> String? {
        let upper = bytes.map(ASCII.uppercased)
        guard (1...20).contains(upper.count) else { return nil }
        let isMechanismCharacter = { (byte: UInt8) in
            ASCII.isUpper(byte) || ASCII.isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        guard upper.allSatisfy(isMechanismCharacter) else { return nil }
        return String(decoding: upper, as: UTF8.self)
    }

    // language-range = (1*8ALPHA *("-" 1*8alphanum)) / "*"    ; RFC 4647 §2.1, as RFC 6856 LANG takes
    private static func languageRange(_ bytes: ArraySlice<UInt8>) -> String? {
        if bytes.elementsEqual([UInt8(ascii: "*")]) { return "*" }
        let subtags = bytes.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard let primary = subtags.first, (1...8).contains(primary.count), primary.allSatisfy(ASCII.isAlpha) else { return nil }
        for subtag in subtags.dropFirst() {
            guard (1...8).contains(subtag.count), subtag.allSatisfy({ ASCII.isAlpha($0) || ASCII.isDigit($0) }) else { return nil }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The keyword in upper case, or nil if it holds anything but ASCII letters and digits
    /// (or is empty), which no command keyword does.
    private static func uppercasedASCII(_ bytes: ArraySlice<UInt8>) -> String? {
        guard !bytes.isEmpty, bytes.allSatisfy({ ASCII.isAlpha($0) || ASCII.isDigit($0) }) else { return nil }
        return String(decoding: bytes.map(ASCII.uppercased), as: UTF8.self)
    }

    /// An unknown keyword cut short and reduced to printable ASCII, safe for replies and logs.
    private static func reported(_ keyword: ArraySlice<UInt8>) -> String {
        let printable = keyword.prefix(POP3Limits.reportedKeywordLength).map { (0x21...0x7E).contains($0) ? $0 : UInt8(ascii: "?") }
        return String(decoding: printable, as: UTF8.self)
    }
}

// MARK: - SASL responses

extension POP3CommandParser {
    // client-response = [base64] / cancel-response    ; RFC 5034 §6: *(CRLF [base64]) [CRLF cancel-response]
    // cancel-response = "*"
    static func saslResponse(from line: [UInt8]) throws(POP3ParseError) -> SASLClientResponse {
        if line == [UInt8(ascii: "*")] { return .cancel }
        guard let bytes = SASLBase64.decode(line) else { throw .invalidBase64 }
        return .data(bytes)
    }
}

// MARK: - Argument lists

/// The space-separated arguments of one command, with the checks every command needs.
private struct Arguments {
    let keyword: String
    let values: [ArraySlice<UInt8>]

    func none() throws(POP3ParseError) {
        guard values.isEmpty else { throw .invalidArguments(keyword) }
    }

    func one() throws(POP3ParseError) -> ArraySlice<UInt8> {
        guard values.count == 1 else { throw .invalidArguments(keyword) }
        return values[0]
    }

    func optional() throws(POP3ParseError) -> ArraySlice<UInt8>? {
        guard values.count <= 1 else { throw .invalidArguments(keyword) }
        return values.first
    }

    func two() throws(POP3ParseError) -> (ArraySlice<UInt8>, ArraySlice<UInt8>) {
        guard values.count == 2 else { throw .invalidArguments(keyword) }
        return (values[0], values[1])
    }

    /// Unwraps the result of an argument check, or fails the command.
    func check<Value>(_ value: Value?) throws(POP3ParseError) -> Value {
        guard let value else { throw .invalidArguments(keyword) }
        return value
    }
}

extension ArraySlice<UInt8> {
    /// The argument as text; the line was checked to be UTF-8 before it was split.
    fileprivate var string: String { String(decoding: self, as: UTF8.self) }
}
