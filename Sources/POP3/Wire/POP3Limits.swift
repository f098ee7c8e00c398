/// Every size limit of the POP3 wire layer, each with its reason.
///
/// There is deliberately no per-argument limit. RFC 1939 §3 allowed 40 characters per
/// argument, but RFC 2449 §4 lifts "the length restrictions on commands and parameters"
/// to a 255-octet command line, and real user names (whole addresses) and passphrases
/// exceed 40. An argument is therefore bounded only by the line that carries it.
public enum POP3Limits {
    /// The longest command line, in octets, including its CRLF.
    ///
    /// A DoS protection mechanism: a client cannot make the server buffer more than this
    /// for one command. Servers that offer CAPA must accept commands up to this length.
    /// - SeeAlso: RFC 2449 §4
    public static let commandLineLength = 255

    /// The longest client response line in a SASL exchange, in octets, including its CRLF.
    ///
    /// RFC 5034 §4 exempts these base64 lines from the command length limit and asks the
    /// server to handle the largest response of each mechanism it offers. PLAIN, the
    /// largest of the password mechanisms, needs at most 1,024 octets of base64 (three
    /// fields of up to 255 octets, RFC 4616 §2); 12 KiB leaves room for Kerberos-sized
    /// GSSAPI tokens while still bounding what one session can make the server buffer.
    /// - SeeAlso: RFC 5034 §4
    public static let saslResponseLineLength = 12_288

    /// The longest status line the server sends, in octets, including its CRLF. The
    /// encoder truncates longer text so that no reply breaks a conforming client.
    /// - SeeAlso: RFC 2449 §4
    public static let responseLineLength = 512

    /// The most octets of an unknown keyword reported back in
    /// ``POP3ParseError/unknownCommand(_:)``; keywords are 3 or 4 characters (RFC 2449 §3),
    /// so anything longer is noise that should not reach a log in full.
    public static let reportedKeywordLength = 8

    /// The largest message number or line count a command may carry: RFC 1939 sets no
    /// bound, and no maildrop or message comes near it, so anything larger is refused
    /// rather than risk overflow in the session's arithmetic.
    public static let largestNumber = Int(Int32.max)
}
