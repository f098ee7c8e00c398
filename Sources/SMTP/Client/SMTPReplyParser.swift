import NIOCore

/// Reads server replies from the front of a byte stream. Pure: no I/O, no session state
/// beyond the lines of the reply being read.
///
/// Framing (RFC 5321 §4.2): a reply is one or more lines with the same code; every line
/// but the last has a hyphen after the code, the last a space or nothing. Lines end with
/// CRLF; a bare LF is accepted too, as servers on Unix have been seen to send it and
/// nothing else can be meant. A CR on its own is not a line end. The length limit counts
/// the line's content plus two octets for its end, whichever end was sent.
///
/// Text (RFC 5321 §4.2 `textstring`): HT and printable ASCII, and UTF-8, which servers
/// that offer SMTPUTF8 may send (RFC 6531). Any other control character, or bytes
/// that are not UTF-8, make the reply invalid.
///
/// Enhanced status codes (RFC 3463, RFC 2034 §4): when the first line's text starts with
/// `class.subject.detail` and a space (or ends there), that code becomes the reply's
/// ``SMTPReply/enhancedCode`` and is removed from the front of every line that repeats
/// it. A code whose class is not the reply's first digit stays in the text.
///
/// The parser keeps state between calls (the lines read so far, a too-long line being
/// skipped, how far it has looked for a line end), so each call must be given the same
/// stream: what the last call left unread followed by what arrived since, as NIO's
/// `ByteToMessageDecoder` does.
public struct SMTPReplyParser: Sendable {
    /// The longest line accepted, counting a two-octet line end.
    public let maximumLineLength: Int
    /// The most lines one reply may have.
    public let maximumLineCount: Int

    /// The code, first-line enhanced code and texts of the reply being read.
    private var code: Int?
    private var enhancedCode: String?
    private var lines: [String] = []
    /// True while the rest of a too-long line is being thrown away.
    private var isSkippingLine = false
    /// How many octets at the front of the stream are known to hold no LF.
    private var scannedOctets = 0

    public init(
        maximumLineLength: Int = SMTPClientLimits.replyLineLength,
        maximumLineCount: Int = SMTPClientLimits.replyLineCount
    ) {
        precondition(maximumLineLength >= 5, "a limit must leave room for a code and a line end")
        precondition(maximumLineCount >= 1, "a reply has at least one line")
        self.maximumLineLength = maximumLineLength
        self.maximumLineCount = maximumLineCount
    }

    // Reply-line = *( Reply-code "-" [ textstring ] CRLF )
    //              Reply-code [ SP textstring ] CRLF
    /// Parses one whole reply from the front of `buffer`, consuming it, or returns nil when
    /// more data is needed (consuming the lines it has read, which it keeps). A thrown
    /// error has consumed the bad line.
    /// - SeeAlso: RFC 5321 §4.2
    public mutating func parse(from buffer: inout ByteBuffer) throws(SMTPReplyParseError) -> SMTPReply? {
        while let line = try nextLine(from: &buffer) {
            do {
                if let reply = try append(line) { return reply }
            } catch {
                reset()
                throw error
            }
        }
        return nil
    }

    /// Forgets every partial line and reply, for when the caller throws its buffered bytes
    /// away. After STARTTLS's 220 nothing the server sent in plain text may be read as a
    /// reply once TLS is up, or a man in the middle could inject replies into the
    /// protected session.
    /// - SeeAlso: RFC 3207 §4.2
    public mutating func reset() {
        code = nil
        enhancedCode = nil
        lines = []
        isSkippingLine = false
        scannedOctets = 0
    }
}

// MARK: - Lines

extension SMTPReplyParser {
    /// Takes the next line's content, without its line end, from `buffer`, or returns nil
    /// if no whole line is there yet.
    private mutating func nextLine(from buffer: inout ByteBuffer) throws(SMTPReplyParseError) -> [UInt8]? {
        if isSkippingLine {
            guard skipRestOfLine(in: &buffer) else { return nil }
        }
        let view = buffer.readableBytesView
        let searchEnd = view.startIndex + min(view.count, maximumLineLength)
        let searchStart = view.startIndex + min(scannedOctets, searchEnd - view.startIndex)
        if let lineFeed = view[searchStart..<searchEnd].firstIndex(of: SMTPClientASCII.lineFeed) {
            scannedOctets = 0
            var content = view[view.startIndex..<lineFeed]
            if content.last == SMTPClientASCII.carriageReturn { content = content.dropLast() }
            let line = Array(content)
            buffer.moveReaderIndex(forwardBy: lineFeed - view.startIndex + 1)
            // A bare LF as the limit's last octet leaves one octet too many of content.
            guard line.count + 2 <= maximumLineLength else {
                reset()
                throw .lineTooLong
            }
            return line
        }
        guard view.count >= maximumLineLength else {
            scannedOctets = view.count
            return nil
        }
        reset()
        if let lineFeed = view[searchEnd...].firstIndex(of: SMTPClientASCII.lineFeed) {
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
        guard let lineFeed = view.firstIndex(of: SMTPClientASCII.lineFeed) else {
            buffer.moveReaderIndex(forwardBy: view.count)
            return false
        }
        buffer.moveReaderIndex(forwardBy: lineFeed - view.startIndex + 1)
        isSkippingLine = false
        return true
    }

    /// Adds one line to the reply being read; returns the reply when the line was its last.
    private mutating func append(_ line: [UInt8]) throws(SMTPReplyParseError) -> SMTPReply? {
        let (lineCode, isLast, textBytes) = try Self.split(line)
        guard textBytes.allSatisfy({ $0 == SMTPClientASCII.tab || ($0 >= SMTPClientASCII.space && $0 != SMTPClientASCII.delete) }),
            var text = String(validating: textBytes, as: UTF8.self)
        else { throw .invalidCharacter }
        if let code, code != lineCode { throw .inconsistentCodes }
        if lines.isEmpty {
            code = lineCode
            enhancedCode = Self.enhancedCode(at: text, replyClass: lineCode / 100)
        }
        if let enhancedCode, text.hasPrefix(enhancedCode) {
            let rest = text.dropFirst(enhancedCode.count)
            if rest.isEmpty || rest.first == " " { text = String(rest.dropFirst()) }
        }
        lines.append(text)
        if isLast {
            let reply = SMTPReply(lineCode, enhancedCode, lines)
            reset()
            return reply
        }
        guard lines.count < maximumLineCount else { throw .tooManyLines }
        return nil
    }

    // Reply-code = %x32-35 %x30-35 %x30-39
    /// The code, whether the line is the reply's last, and the text after the separator.
    /// The second digit is taken as any digit, so that a reply from a newer extension is
    /// still read.
    private static func split(_ line: [UInt8]) throws(SMTPReplyParseError) -> (code: Int, isLast: Bool, text: ArraySlice<UInt8>) {
        guard line.count >= 3,
            (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(line[0]),
            SMTPClientASCII.isDigit(line[1]), SMTPClientASCII.isDigit(line[2])
        else { throw .malformedCode }
        let code = line[0...2].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard line.count > 3 else { return (code, true, []) }
        switch line[3] {
        case SMTPClientASCII.space: return (code, true, line[4...])
        case SMTPClientASCII.hyphen: return (code, false, line[4...])
        default: throw .malformedCode
        }
    }

    // status-code = class "." subject "." detail
    // class       = "2" / "4" / "5"
    // subject     = 1*3digit
    // detail      = 1*3digit
    /// The enhanced status code at the start of `text`, followed by a space or the end, if
    /// its class is the reply's.
    /// - SeeAlso: RFC 3463 §2, RFC 2034 §4
    private static func enhancedCode(at text: String, replyClass: Int) -> String? {
        let token = text.utf8.prefix { $0 != SMTPClientASCII.space }
        let parts = token.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 1, parts[0].first == UInt8(ascii: "0") + UInt8(replyClass),
            replyClass == 2 || replyClass == 4 || replyClass == 5,
            parts[1...].allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy(SMTPClientASCII.isDigit) })
        else { return nil }
        return String(decoding: token, as: UTF8.self)
    }
}
