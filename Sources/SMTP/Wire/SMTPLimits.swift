/// Every size limit of the SMTP/LMTP wire layer, each with its reason.
public enum SMTPLimits {
    /// The longest command line accepted, CRLF included.
    ///
    /// RFC 5321 §4.5.3.1.4 sets 512 octets and lets extensions add to it: SIZE (RFC 1870
    /// §3, 26 octets), DSN's ORCPT and ENVID (RFC 3461 §4, up to 500 octets of xtext
    /// each), SMTPUTF8 addresses (RFC 6531, up to 4 octets a character). 2,048 covers them
    /// all and still bounds what one client can make the server buffer per command; it
    /// is Postfix's own `line_length_limit`.
    public static let commandLineLength = 2048

    /// The longest path in MAIL and RCPT, in octets between the angle brackets. RFC 5321
    /// §4.5.3.1.3 counts 256 with the brackets; accepting two more harms nobody.
    public static let pathLength = 256

    /// The most octets of an unknown verb reported back and logged: verbs are short,
    /// anything longer is noise.
    public static let reportedVerbLength = 12
}
