import NIOCore

/// One token of a command, located by offsets from the buffer's reader index.
struct ScannedToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case atom
        case quoted
        case literal
    }

    var kind: Kind
    /// The token's content: the atom, what stands between the quotes (still escaped), or
    /// the literal's octets.
    var range: Range<Int>
}

/// Scans the command (or SASL response) at the front of a byte stream token by token
/// without consuming anything, and remembers how far it got, so that input arriving a
/// few octets at a time is not scanned again from the start. A literal's octets are
/// never scanned: its header says how many to wait for.
///
/// Tokens are separated by runs of spaces (RFC 5804 §4 asks for one; clients have been
/// seen to send more) and the command ends with CRLF, or a bare LF, which cannot mean
/// anything else; outside a literal, a CR must be followed by LF.
struct CommandScanner: Sendable {
    enum Mode: Sendable, Equatable {
        /// A keyword, then its arguments.
        case command
        /// A single string: the client's answer to a SASL challenge.
        case saslResponse
    }

    struct Limits: Sendable {
        var lineLength: Int
        var literalLength: Int
        var commandLength: Int
    }

    enum Outcome: Sendable, Equatable {
        /// Nothing is consumed; call again with more input.
        case needMoreData
        /// The whole command is there and is `length` octets long, line end included.
        case complete(tokens: [ScannedToken], length: Int)
        /// The whole command, `length` octets, is there but is unacceptable as a whole.
        case rejected(ManageSieveParseError, length: Int)
        /// The command was refused before its end; the octets before `resumeAt` belong to
        /// it, and so does everything up to its real end, which a ``CommandSkipper`` finds.
        case failed(ManageSieveParseError, resumeAt: Int)
    }

    let mode: Mode
    /// The upper-case keyword once read (command mode).
    private(set) var keyword = ""
    private var tokens: [ScannedToken] = []
    /// The first octet after the last complete token.
    private var offset = 0
    /// Where the current physical line starts: 0, or just after a literal's octets.
    private var lineStart = 0
    /// How many tokens this command may have; known once the keyword is read.
    private var maximumTokens = 1
    /// Whether spaces were passed since the last token.
    private var separated = false

    init(mode: Mode) {
        self.mode = mode
    }

    /// Scans on from where the last call stopped. `view` must start with the same octets
    /// as last time.
    mutating func scan(_ view: ByteBufferView, limits: Limits) -> Outcome {
        let base = view.startIndex
        let count = view.count
        func byte(_ index: Int) -> UInt8 { view[base + index] }

        /// Waits for more input unless the line can no longer end within the limit.
        func pending() -> Outcome {
            count - lineStart >= limits.lineLength ? .failed(.lineTooLong, resumeAt: offset) : .needMoreData
        }

        while true {
            var index = offset
            while index < count, byte(index) == ASCII.space { index += 1 }
            if index > offset {
                // Spaces are passed once, however slowly they arrive.
                offset = index
                separated = true
            }
            guard index < count else { return pending() }
            let first = byte(index)

            // command = ... CRLF
            if first == ASCII.carriageReturn || first == ASCII.lineFeed {
                var end = index + 1
                if first == ASCII.carriageReturn {
                    guard end < count else { return pending() }
                    guard byte(end) == ASCII.lineFeed else { return .failed(separatorError, resumeAt: offset) }
                    end += 1
                }
                if index - lineStart + 2 > limits.lineLength { return .rejected(.lineTooLong, length: end) }
                if tokens.isEmpty {
                    return .rejected(mode == .command ? .unknownCommand("") : .invalidSASLResponse, length: end)
                }
                return .complete(tokens: tokens, length: end)
            }

            if tokens.isEmpty, separated, mode == .command { return .failed(.unknownCommand(""), resumeAt: offset) }
            if !tokens.isEmpty, !separated { return .failed(separatorError, resumeAt: offset) }
            if tokens.count >= maximumTokens { return .failed(separatorError, resumeAt: offset) }

            let tokenStart = offset
            let step: TokenStep
            if tokens.isEmpty, mode == .command {
                step = scanKeyword(from: index, count: count, byte: byte)
            } else if first == UInt8(ascii: "\"") {
                step = scanQuoted(from: index, count: count, byte: byte)
            } else if first == UInt8(ascii: "{") {
                step = scanLiteral(from: index, count: count, limits: limits, byte: byte)
            } else if mode == .command {
                step = scanAtom(from: index, count: count, byte: byte)
            } else {
                step = .failed(.invalidSASLResponse)
            }
            switch step {
            case .read:
                separated = false
                if offset - lineStart > limits.lineLength - 2 { return .failed(.lineTooLong, resumeAt: tokenStart) }
            case .needMoreData:
                return pending()
            case .waitingForLiteral:
                return .needMoreData
            case .failed(let error):
                return .failed(error, resumeAt: tokenStart)
            }
        }
    }

    /// How reading one token went. A failure resumes at the token's start: the skipper
    /// then reads the token itself, so it knows whether a quote or a literal is open.
    private enum TokenStep {
        case read
        case needMoreData
        /// A literal's header is read and its octets are still arriving: no line is growing,
        /// so no line limit applies.
        case waitingForLiteral
        case failed(ManageSieveParseError)
    }

    /// The error for arguments that are not where the grammar puts them.
    private var separatorError: ManageSieveParseError {
        mode == .command ? .invalidArguments(keyword) : .invalidSASLResponse
    }

    // keyword = 1*ALPHA    ; case-insensitive (RFC 5804 §1.2)
    /// Reads the keyword and learns how many arguments may follow.
    private mutating func scanKeyword(from start: Int, count: Int, byte: (Int) -> UInt8) -> TokenStep {
        var end = start
        while end < count, !ASCII.endsToken(byte(end)) {
            // Refused at the first octet that cannot be part of a keyword, so that the
            // error and what it reports do not depend on how the input was split.
            guard ASCII.isAlpha(byte(end)), end - start < ManageSieveLimits.reportedKeywordLength else {
                return .failed(.unknownCommand(ASCII.reported((start...end).map(byte))))
            }
            end += 1
        }
        guard end < count else { return .needMoreData }
        let bytes = (start..<end).map(byte)
        let name = String(decoding: bytes.map(ASCII.uppercased), as: UTF8.self)
        guard let arguments = ManageSieveCommandParser.argumentLimit(for: name) else {
            return .failed(.unknownCommand(ASCII.reported(bytes)))
        }
        keyword = name
        maximumTokens = 1 + arguments
        tokens.append(ScannedToken(kind: .atom, range: start..<end))
        offset = end
        return .read
    }

    // atom = 1*ATOM-CHAR    ; only HAVESPACE's number is an atom argument, so at most 10 octets
    private mutating func scanAtom(from start: Int, count: Int, byte: (Int) -> UInt8) -> TokenStep {
        var end = start
        while end < count, !ASCII.endsToken(byte(end)) {
            guard ASCII.isAtomCharacter(byte(end)), end - start < ManageSieveLimits.atomLength else {
                return .failed(.invalidArguments(keyword))
            }
            end += 1
        }
        guard end < count else { return .needMoreData }
        tokens.append(ScannedToken(kind: .atom, range: start..<end))
        offset = end
        return .read
    }

    // quoted          = DQUOTE *QUOTED-CHAR DQUOTE    ; at most 1024 octets between the quotes
    // QUOTED-CHAR     = SAFE-UTF8-CHAR / "\" QUOTED-SPECIALS
    // QUOTED-SPECIALS = DQUOTE / "\"
    // SAFE-CHAR       = %x01-09 / %x0B-0C / %x0E-21 / %x23-5B / %x5D-7F
    /// UTF-8 is checked later, for the arguments that must be text.
    private mutating func scanQuoted(from start: Int, count: Int, byte: (Int) -> UInt8) -> TokenStep {
        var index = start + 1
        while true {
            guard index - start - 1 <= ManageSieveLimits.quotedStringLength else {
                return .failed(.quotedStringTooLong)
            }
            guard index < count else { return .needMoreData }
            switch byte(index) {
            case UInt8(ascii: "\""):
                tokens.append(ScannedToken(kind: .quoted, range: (start + 1)..<index))
                offset = index + 1
                return .read
            case UInt8(ascii: "\\"):
                guard index + 1 < count else { return .needMoreData }
                let escaped = byte(index + 1)
                guard escaped == UInt8(ascii: "\"") || escaped == UInt8(ascii: "\\") else {
                    return .failed(.invalidQuotedString)
                }
                index += 2
            case 0x00, ASCII.carriageReturn, ASCII.lineFeed:
                return .failed(.invalidQuotedString)
            default:
                index += 1
            }
        }
    }

    // literal-c2s = "{" number "+}" CRLF *OCTET    ; RFC 5804 §4
    // literal-s2c = "{" number "}" CRLF *OCTET     ; accepted from clients too, see ManageSieveCommandParser
    private mutating func scanLiteral(from start: Int, count: Int, limits: Limits, byte: (Int) -> UInt8) -> TokenStep {
        var index = start + 1
        var length = 0
        var digits = 0
        while index < count, ASCII.isDigit(byte(index)) {
            digits += 1
            guard digits <= ManageSieveLimits.literalLengthDigits else { return .failed(.invalidLiteral) }
            length = length * 10 + Int(byte(index) - UInt8(ascii: "0"))
            index += 1
        }
        guard index < count else { return .needMoreData }
        guard digits > 0 else { return .failed(.invalidLiteral) }
        if byte(index) == UInt8(ascii: "+") {
            index += 1
            guard index < count else { return .needMoreData }
        }
        guard byte(index) == UInt8(ascii: "}") else { return .failed(.invalidLiteral) }
        index += 1
        guard index < count else { return .needMoreData }
        if byte(index) == ASCII.carriageReturn {
            index += 1
            guard index < count else { return .needMoreData }
        }
        guard byte(index) == ASCII.lineFeed else { return .failed(.invalidLiteral) }
        let contentStart = index + 1
        if contentStart - lineStart > limits.lineLength { return .failed(.lineTooLong) }
        guard length <= limits.literalLength else {
            return .failed(.literalTooLarge(mode == .command ? keyword : ""))
        }
        guard contentStart + length <= limits.commandLength else { return .failed(.commandTooLarge) }
        // The octets follow at once: no continuation is sent (RFC 5804 has none).
        guard count >= contentStart + length else { return .waitingForLiteral }
        tokens.append(ScannedToken(kind: .literal, range: contentStart..<(contentStart + length)))
        offset = contentStart + length
        lineStart = offset
        return .read
    }
}
