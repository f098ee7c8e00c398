import NIOCore

/// Reads client commands, and the client's side of a SASL exchange, from the front of a
/// byte stream. Pure: no I/O, no session state beyond the framing of commands.
///
/// Framing (RFC 5804 §4): a command is a keyword, then arguments separated by spaces,
/// then CRLF; a string argument is quoted or a literal, and a literal's octets may hold
/// anything, line ends included, so a command can span many lines. A bare LF is accepted
/// as a line end, as nothing else can be meant; a CR outside a literal must precede LF.
///
/// Literals: RFC 5804 §4 lets clients send only non-synchronizing literals (`{n+}`) and
/// has no continuation response, so the octets follow the header at once. `{n}` is
/// accepted and read the same way: a client that sends it either sends the octets at once
/// too (and works) or waits for a continuation that never comes (and times out), while
/// refusing it would have the octets that follow read as commands.
///
/// Limits: the keyword decides how many arguments may follow, and a command is refused as
/// soon as one more starts; lines, quoted strings, literals and the whole command (one
/// literal's worth plus one line's) are bounded (``ManageSieveLimits``). A command refused before its end is thrown at once and
/// the rest of it, literals included, is thrown away as it arrives.
///
/// The parser carries state from one call to the next (how far it has scanned, the rest of
/// a refused command still to skip), so each call must be given the same stream: what the
/// last call left unread followed by what arrived since, as NIO's `ByteToMessageDecoder`
/// does.
public struct ManageSieveCommandParser: Sendable {
    /// The longest line outside literals, line end included.
    public let maximumLineLength: Int
    /// The largest literal accepted in a command. The session raises it after login
    /// (``ManageSieveSessionStateMachine/maximumLiteralLength``); set it between commands.
    public var maximumLiteralLength: Int
    /// The largest literal accepted in a SASL response.
    public let maximumSASLResponseLength: Int

    private var scanner: CommandScanner?
    private var skipper: CommandSkipper?

    public init(
        maximumLineLength: Int = ManageSieveLimits.commandLineLength,
        maximumLiteralLength: Int = ManageSieveLimits.unauthenticatedLiteralLength,
        maximumSASLResponseLength: Int = ManageSieveLimits.saslResponseLength
    ) {
        precondition(maximumLineLength >= 16, "a line limit must leave room for a keyword and its line end")
        self.maximumLineLength = maximumLineLength
        self.maximumLiteralLength = maximumLiteralLength
        self.maximumSASLResponseLength = maximumSASLResponseLength
    }

    /// Parses one command from the front of `buffer`, consuming it, if all of it is there;
    /// returns nil when more data is needed. After a thrown error the caller answers `NO`
    /// and calls again: the bad command has been consumed, or will be skipped as it arrives.
    public mutating func parseCommand(from buffer: inout ByteBuffer) throws(ManageSieveParseError) -> ManageSieveCommand? {
        guard let (keyword, arguments) = try next(.command, from: &buffer, literalLength: maximumLiteralLength) else {
            return nil
        }
        return try Self.command(keyword: keyword, arguments: arguments)
    }

    /// Parses one client response of an AUTHENTICATE exchange: a string holding base64,
    /// or `"*"` to cancel (RFC 5804 §2.1).
    public mutating func parseSASLResponse(from buffer: inout ByteBuffer) throws(ManageSieveParseError) -> ManageSieveSASLResponse? {
        guard let (_, arguments) = try next(.saslResponse, from: &buffer, literalLength: maximumSASLResponseLength) else {
            return nil
        }
        guard arguments.count == 1, case .string(let bytes) = arguments[0] else { throw .invalidSASLResponse }
        return try Self.saslResponse(from: bytes)
    }

    /// Forgets any partial command, for when the caller throws its buffered bytes away.
    /// After STARTTLS nothing the client sent in plain text may be read once TLS is up, or
    /// an attacker could inject commands into the protected session (CVE-2011-0411).
    public mutating func reset() {
        scanner = nil
        skipper = nil
    }

    /// The keyword and arguments of the next whole command, consumed from `buffer`.
    private mutating func next(
        _ mode: CommandScanner.Mode, from buffer: inout ByteBuffer, literalLength: Int
    ) throws(ManageSieveParseError) -> (String, [Argument])? {
        if var skipper {
            let finished = skipper.skip(&buffer)
            self.skipper = finished ? nil : skipper
            guard finished else { return nil }
        }
        var scanner = self.scanner.flatMap { $0.mode == mode ? $0 : nil } ?? CommandScanner(mode: mode)
        let limits = CommandScanner.Limits(
            lineLength: maximumLineLength, literalLength: literalLength,
            commandLength: literalLength + maximumLineLength)
        let view = buffer.readableBytesView
        switch scanner.scan(view, limits: limits) {
        case .needMoreData:
            self.scanner = scanner
            return nil
        case .complete(let tokens, let length):
            self.scanner = nil
            let arguments = tokens.dropFirst(mode == .command ? 1 : 0).map { Argument($0, in: view) }
            buffer.moveReaderIndex(forwardBy: length)
            return (scanner.keyword, arguments)
        case .rejected(let error, let length):
            self.scanner = nil
            buffer.moveReaderIndex(forwardBy: length)
            throw error
        case .failed(let error, let resumeAt):
            self.scanner = nil
            buffer.moveReaderIndex(forwardBy: resumeAt)
            var skipper = CommandSkipper()
            if !skipper.skip(&buffer) { self.skipper = skipper }
            throw error
        }
    }
}

// MARK: - Arguments

extension ManageSieveCommandParser {
    /// One argument as read: an atom (only a number is one), or a string's content.
    enum Argument: Sendable, Equatable {
        case atom([UInt8])
        case string([UInt8])

        init(_ token: ScannedToken, in view: ByteBufferView) {
            let bytes = view[(view.startIndex + token.range.lowerBound)..<(view.startIndex + token.range.upperBound)]
            switch token.kind {
            case .atom:
                self = .atom(Array(bytes))
            case .literal:
                self = .string(Array(bytes))
            case .quoted:
                var content: [UInt8] = []
                content.reserveCapacity(bytes.count)
                var escaped = false
                for byte in bytes {
                    if !escaped, byte == UInt8(ascii: "\\") {
                        escaped = true
                        continue
                    }
                    escaped = false
                    content.append(byte)
                }
                self = .string(content)
            }
        }
    }
}
