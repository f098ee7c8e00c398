import NIOCore

/// Reads SMTP/LMTP command lines from the front of a byte stream. Pure: no I/O, no session
/// state beyond the framing of lines.
///
/// Framing: a line ends with CRLF; a bare LF is accepted too (RFC 5321 §2.3.8 asks
/// for CRLF, but nothing else can be meant, and Postfix's own server accepts it). A line
/// longer than ``maximumLineLength`` is refused once and the rest of it skipped, however
/// many reads it spans, so the client stays in step.
///
/// Verbs are case-insensitive (RFC 5321 §2.4); addresses and parameter values are kept as
/// sent. UTF-8 is accepted in arguments (SMTPUTF8, RFC 6531); controls are not.
///
/// Each call must be given the same stream: what the last call left unread followed by
/// what arrived since.
public struct SMTPCommandParser: Sendable {
    public let maximumLineLength: Int
    private var isSkippingLine = false
    private var scannedOctets = 0

    public init(maximumLineLength: Int = SMTPLimits.commandLineLength) {
        precondition(maximumLineLength >= 3, "a limit must leave room for a line end")
        self.maximumLineLength = maximumLineLength
    }

    /// Parses one command from the front of `buffer`, consuming its line; nil when no whole
    /// line is there yet. A thrown error has consumed the bad line (for `lineTooLong`, all
    /// of it seen so far), so the caller replies with ``SMTPParseError/reply`` and calls again.
    public mutating func parseCommand(from buffer: inout ByteBuffer) throws(SMTPParseError) -> SMTPCommand? {
        guard let line = try nextLine(from: &buffer) else { return nil }
        return try Self.command(from: line)
    }

    /// Forgets a partial line, for when the caller throws buffered bytes away.
    public mutating func reset() {
        isSkippingLine = false
        scannedOctets = 0
    }

    private mutating func nextLine(from buffer: inout ByteBuffer) throws(SMTPParseError) -> [UInt8]? {
        while true {
            let view = buffer.readableBytesView
            let start = view.startIndex + min(scannedOctets, view.count)
            guard let lf = view[start...].firstIndex(of: 0x0A) else {
                scannedOctets = view.count
                if isSkippingLine {
                    buffer.moveReaderIndex(forwardBy: view.count)
                    scannedOctets = 0
                    return nil
                }
                if view.count > maximumLineLength - 1 {
                    buffer.moveReaderIndex(forwardBy: view.count)
                    scannedOctets = 0
                    isSkippingLine = true
                    throw .lineTooLong
                }
                return nil
            }
            let length = lf - view.startIndex
            scannedOctets = 0
            if isSkippingLine {
                buffer.moveReaderIndex(forwardBy: length + 1)
                isSkippingLine = false
                continue
            }
            var content = Array(view[view.startIndex..<lf])
            buffer.moveReaderIndex(forwardBy: length + 1)
            if content.last == 0x0D { content.removeLast() }
            guard content.count + 2 <= maximumLineLength else { throw .lineTooLong }
            return content
        }
    }
}

// MARK: - Commands

extension SMTPCommandParser {
    static func command(from line: [UInt8]) throws(SMTPParseError) -> SMTPCommand {
        guard line.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 }), let text = String(validating: line, as: UTF8.self) else {
            throw .invalidOctets
        }
        // Split on the space octet, not on Characters: a space followed by a combining
        // mark is one Character but still ends the verb on the wire (and octets are cheaper).
        let octets = text.utf8
        let verbEnd = octets.firstIndex(of: 0x20) ?? octets.endIndex
        let verb = text[..<verbEnd].uppercased()
        var first = verbEnd
        while first < octets.endIndex && octets[first] == 0x20 { first = octets.index(after: first) }
        var last = octets.endIndex
        while last > first && octets[octets.index(before: last)] == 0x20 { last = octets.index(before: last) }
        let argument = String(text[first..<last])
        switch verb {
        case "LHLO": return .lhlo(try domain(argument))
        case "HELO": return .helo(argument)
        case "EHLO": return .ehlo(argument)
        case "MAIL":
            let (path, parameters) = try pathAndParameters(argument, prefix: "FROM:")
            return .mail(reversePath: path, parameters: parameters)
        case "RCPT":
            let (path, parameters) = try pathAndParameters(argument, prefix: "TO:")
            guard !path.isEmpty else { throw .syntax("an empty recipient") }
            return .rcpt(forwardPath: path, parameters: parameters)
        case "DATA": return try bare(.data, argument)
        case "BDAT": return try bdat(argument)
        case "RSET": return try bare(.rset, argument)
        case "NOOP": return .noop  // RFC 5321 §4.1.1.9: a parameter is allowed and ignored.
        case "QUIT": return try bare(.quit, argument)
        case "VRFY":
            guard !argument.isEmpty else { throw .syntax("VRFY needs an argument") }
            return .vrfy(argument)
        case "HELP": return .help
        case "STARTTLS": return try bare(.starttls, argument)
        default: throw .unknownCommand(String(verb.prefix(SMTPLimits.reportedVerbLength)))
        }
    }

    private static func bare(_ command: SMTPCommand, _ argument: String) throws(SMTPParseError) -> SMTPCommand {
        guard argument.isEmpty else { throw .syntax("\(command.verb) takes no argument") }
        return command
    }

    private static func domain(_ argument: String) throws(SMTPParseError) -> String {
        guard !argument.isEmpty, !argument.contains(" ") else { throw .syntax("LHLO needs one domain") }
        return argument
    }

    // bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ] CRLF    ; RFC 3030 §2
    private static func bdat(_ argument: String) throws(SMTPParseError) -> SMTPCommand {
        let words = argument.split(separator: " ")
        guard (1...2).contains(words.count), words[0].allSatisfy(\.isASCIIDigit), words[0].count <= 18,
            let size = Int(words[0])
        else { throw .syntax("BDAT needs a chunk size") }
        if words.count == 2 {
            guard words[1].uppercased() == "LAST" else { throw .syntax("BDAT takes only LAST after the size") }
            return .bdat(size: size, last: true)
        }
        return .bdat(size: size, last: false)
    }

    /// `FROM:<path> params` or `TO:<path> params`. A space after the colon is tolerated,
    /// as many clients send one; a path without angle brackets is not.
    private static func pathAndParameters(_ argument: String, prefix: String) throws(SMTPParseError) -> (String, [SMTPParameter]) {
        guard argument.utf8.starts(with: prefix.utf8, by: { (0x61...0x7A ~= $0 ? $0 - 0x20 : $0) == $1 }) else {
            throw .syntax("expected \(prefix)<address>")
        }
        let afterPrefix = argument[argument.utf8.index(argument.startIndex, offsetBy: prefix.utf8.count)...].drop { $0 == " " }
        guard afterPrefix.first == "<" else { throw .syntax("the address must be in angle brackets") }
        // The path ends at the first '>' outside a quoted local part (all ASCII, so the
        // octets are scanned: no octet of a multi-octet UTF-8 sequence is ASCII).
        var inQuotes = false
        var escaped = false
        var end: Substring.Index?
        let octets = afterPrefix.utf8
        for index in octets.indices.dropFirst() {
            let octet = octets[index]
            if escaped {
                escaped = false
            } else if octet == UInt8(ascii: "\\") && inQuotes {
                escaped = true
            } else if octet == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if octet == UInt8(ascii: ">") && !inQuotes {
                end = index
                break
            }
        }
        guard let end else { throw .syntax("unterminated address") }
        var path = String(afterPrefix[afterPrefix.index(after: afterPrefix.startIndex)..<end])
        guard path.utf8.count <= SMTPLimits.pathLength else { throw .syntax("address too long") }
        // A source route (`@a,@b:user@domain`, RFC 5321 §4.1.2) is accepted and ignored.
        if path.hasPrefix("@"), let colon = path.firstIndex(of: ":") { path = String(path[path.index(after: colon)...]) }
        guard !path.contains(" ") || path.hasPrefix("\"") else { throw .syntax("spaces in the address") }
        if !path.isEmpty {
            guard let at = path.lastIndex(of: "@"), at != path.startIndex, path.index(after: at) != path.endIndex else {
                throw .syntax("the address must be local-part@domain")
            }
        }
        var parameters: [SMTPParameter] = []
        for word in afterPrefix[afterPrefix.index(after: end)...].split(separator: " ") {
            let keyword: Substring
            var value: String?
            if let equals = word.firstIndex(of: "=") {
                keyword = word[..<equals]
                value = String(word[word.index(after: equals)...])
            } else {
                keyword = word
            }
            // esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")    ; RFC 5321 §4.1.2
            guard let first = keyword.first, first.isASCIILetterOrDigit, keyword.allSatisfy({ $0.isASCIILetterOrDigit || $0 == "-" })
            else { throw .syntax("bad parameter") }
            parameters.append(SMTPParameter(keyword.uppercased(), value))
        }
        return (path, parameters)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
    var isASCIILetterOrDigit: Bool { isASCIIDigit || ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
