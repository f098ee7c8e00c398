/// Why a client line could not be read as a command or SASL response. Every case consumes
/// the offending line, so the session answers `-ERR` and parsing carries on with the next.
public enum POP3ParseError: Error, Sendable, Equatable {
    /// The line is longer than the limit. Thrown as soon as that is known; the rest of the
    /// line, up to and including its line end, is then skipped, across as many calls as it
    /// takes.
    case lineTooLong
    /// The keyword is not a command this parser knows: at most
    /// ``POP3Limits/reportedKeywordLength`` octets of it as sent, with anything but printable
    /// ASCII replaced by `?`, so it is safe to log. Empty for an empty line.
    case unknownCommand(String)
    /// A known keyword (upper-case) with the wrong number or kind of arguments.
    case invalidArguments(String)
    /// An `AUTH` initial response or a SASL response line that is not canonical base64.
    case invalidBase64
    /// A control character (NUL, TAB, a lone CR, DEL, …) or bytes that are not UTF-8.
    case invalidEncoding
}
