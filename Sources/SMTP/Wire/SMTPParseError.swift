/// Why a command line was refused, each with the reply RFC 5321 asks for.
public enum SMTPParseError: Error, Sendable, Equatable {
    /// The line passed ``SMTPLimits/commandLineLength``: `500 5.5.2`, and the rest of it is skipped.
    case lineTooLong
    /// Not a command this server knows: `500 5.5.1`. The verb, cut short, for the log.
    case unknownCommand(String)
    /// A known command with bad arguments: `501 5.5.4` (or `501 5.1.3` for a bad address).
    case syntax(String)
    /// Octets that are not text (controls, invalid UTF-8): `500 5.5.2`.
    case invalidOctets

    /// The reply to send for this error.
    public var reply: SMTPReply {
        switch self {
        case .lineTooLong: return SMTPReply(500, "5.5.2", "Line too long")
        case .unknownCommand: return SMTPReply(500, "5.5.1", "Command unrecognized")
        case .syntax(let why): return SMTPReply(501, "5.5.4", "Syntax error: \(why)")
        case .invalidOctets: return SMTPReply(500, "5.5.2", "Invalid characters in command")
        }
    }
}
