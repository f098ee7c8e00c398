/// Why bytes from a server could not be read as an SMTP reply.
///
/// Every case has consumed the offending line and dropped the lines of the reply read so
/// far. The reply stream cannot be trusted after any of them (a client cannot tell where
/// the broken reply ends), so the session should end: the state machine treats each as a
/// protocol violation and closes the connection.
/// - SeeAlso: RFC 5321 §4.2
public enum SMTPReplyParseError: Error, Sendable, Equatable {
    /// The line does not start with a three-digit code from 200 to 599 followed by a
    /// space, a hyphen or the line end.
    case malformedCode
    /// A line of a multi-line reply carries a different code from the lines before it
    /// (RFC 5321 §4.2.1: every line of a reply has the same code).
    case inconsistentCodes
    /// The line is longer than ``SMTPClientLimits/replyLineLength``. Thrown as soon as that
    /// is known; the rest of the line is skipped, across as many calls as it takes.
    case lineTooLong
    /// The reply has more than ``SMTPClientLimits/replyLineCount`` lines.
    case tooManyLines
    /// The text holds a control character (NUL, a lone CR, ESC, DEL, …) or bytes that are
    /// not UTF-8.
    case invalidCharacter
}
