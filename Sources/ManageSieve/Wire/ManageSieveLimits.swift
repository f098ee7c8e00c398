import Sieve

/// Every size limit of the ManageSieve wire layer and session, each with its reason.
public enum ManageSieveLimits {
    /// The longest physical command line, in octets, including its line end. A literal's
    /// octets are not part of any line: each literal header ends one line, and the octets
    /// after the literal start the next.
    ///
    /// A DoS protection mechanism: a client cannot make the server buffer more than this
    /// outside literals. The longest legitimate line is a command with two quoted strings
    /// of ``quotedStringLength`` octets, each character possibly escaped; 4 KiB holds that
    /// with room for spaces.
    public static let commandLineLength = 4_096

    /// The most octets between the double quotes of a quoted string, escapes included.
    /// - SeeAlso: RFC 5804 §4 (`quoted`: "limited to 1024 octets between the <">s")
    public static let quotedStringLength = 1_024

    /// The largest literal accepted before login, in octets.
    ///
    /// Before authentication the only legitimate literal is a SASL response (RFC 5804 §2.1
    /// shows a GSSAPI token sent as one), so an unauthenticated client cannot make the
    /// server buffer a script-sized literal only to be told to log in first.
    public static let unauthenticatedLiteralLength = 12_288

    /// The largest literal in a client's SASL response, in octets: base64 of the largest
    /// response `SASLLimits.maximumResponseByteCount` lets through, with room for
    /// Kerberos-sized tokens, as POP3 allows for its response lines.
    public static let saslResponseLength = 12_288

    /// The largest script PUTSCRIPT and CHECKSCRIPT accept unless the configuration says
    /// less: what the Sieve compiler itself accepts.
    public static let scriptSize = SieveLimits.maximumScriptSize

    /// The longest script name, in Unicode scalars. RFC 5804 §1.6 requires servers to allow
    /// 128 characters and forbids truncating a longer name, so a longer one is refused;
    /// 128 scalars are at most 512 octets of UTF-8.
    /// - SeeAlso: RFC 5804 §1.6
    public static let scriptNameLength = 128

    /// The largest number a command carries (HAVESPACE's size).
    /// - SeeAlso: RFC 5804 §4 (`number`: "a 32-bit unsigned number")
    public static let largestNumber = Int(UInt32.max)

    /// The most digits a literal length may have; `UInt32.max` has ten.
    static let literalLengthDigits = 10

    /// The longest atom argument: the only one is HAVESPACE's number, and `UInt32.max` has
    /// ten digits. Refused as soon as it is longer, so no atom is scanned twice at length.
    static let atomLength = 10

    /// The most octets of an unknown keyword reported back in
    /// ``ManageSieveParseError/unknownCommand(_:)``: the longest keyword, UNAUTHENTICATE,
    /// has 14, so anything longer is noise that should not reach a log in full.
    public static let reportedKeywordLength = 16

    /// Invalid commands in a row after which the session says BYE and closes: a client
    /// that sends nothing valid for this long is not a ManageSieve client.
    public static let invalidCommandsInARow = 10

    /// Failed AUTHENTICATE commands after which the session says BYE and closes, as
    /// RFC 5804 §2.1's example shows, to slow down password guessing.
    public static let authenticationFailures = 3
}
