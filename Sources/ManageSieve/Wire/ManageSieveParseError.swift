/// Why the client's input could not be read as a command or a SASL response.
///
/// Every case has consumed the offending command, or will have: when the error is found
/// before the command's end (a literal too large, a line too long), the parser throws at
/// once and throws away the rest of the command, literals included, across as many calls
/// as it takes. The session answers `NO` and parsing carries on with the next command.
public enum ManageSieveParseError: Error, Sendable, Equatable {
    /// A line (outside literals) is longer than ``ManageSieveCommandParser/maximumLineLength``.
    case lineTooLong
    /// A literal announces more octets than the parser accepts now. The keyword of the
    /// command that carried it (upper-case, empty in a SASL response), so that a script
    /// too large for PUTSCRIPT can be answered with `QUOTA/MAXSIZE`.
    case literalTooLarge(String)
    /// The command with all its literals would be longer than the parser accepts.
    case commandTooLarge
    /// A quoted string holds more than ``ManageSieveLimits/quotedStringLength`` octets.
    case quotedStringTooLong
    /// A quoted string is broken: a control character, CR or LF inside it, a backslash
    /// before anything but `"` or `\`, or no closing quote before the line ends.
    case invalidQuotedString
    /// A literal header that is not `{number}` or `{number+}` followed by a line end.
    case invalidLiteral
    /// The keyword is not a ManageSieve command: at most
    /// ``ManageSieveLimits/reportedKeywordLength`` octets of it as sent, anything but
    /// printable ASCII replaced by `?`, so it is safe to log. Empty for an empty line.
    case unknownCommand(String)
    /// A known keyword (upper-case) with the wrong number or kind of arguments, or
    /// arguments not separated by spaces.
    case invalidArguments(String)
    /// A script name that RFC 5804 §1.6 does not allow: empty, longer than
    /// ``ManageSieveLimits/scriptNameLength`` characters, or holding a control character.
    case invalidScriptName
    /// A SASL response that is not one string (quoted or literal) on its line.
    case invalidSASLResponse
    /// An initial response or SASL response that is not canonical base64.
    case invalidBase64
    /// A string that must be text (a name, a script, a tag) is not UTF-8.
    case invalidEncoding
}
