/// Every size limit of the SMTP client, each with its reason.
public enum SMTPClientLimits {
    /// The longest reply line read from a server, in octets, counting a two-octet line end.
    ///
    /// RFC 5321 §4.5.3.1.5 caps a reply line at 512 octets, but §4.5.3.1 also asks
    /// implementations to be liberal in what they accept, and servers that print long
    /// policy URLs or EHLO lists exceed 512. Eight times the RFC's figure accepts those and
    /// still bounds what one reply line can make the client buffer: a DoS protection
    /// mechanism against a hostile or broken server.
    /// - SeeAlso: RFC 5321 §4.5.3.1.5
    public static let replyLineLength = 4096

    /// The most lines one multi-line reply may have.
    ///
    /// The longest replies in practice are EHLO's capability lists, about twenty lines;
    /// one hundred leaves ample room and, with ``replyLineLength``, bounds one reply to
    /// 400 KiB, so a server cannot make the client buffer without end.
    /// - SeeAlso: RFC 5321 §4.2.1
    public static let replyLineCount = 100

    /// The longest mailbox in a reverse or forward path, in octets, without the angle
    /// brackets: a path is at most 256 octets with them.
    /// - SeeAlso: RFC 5321 §4.5.3.1.3
    public static let pathLength = 254

    /// The longest `ENVID` value, in octets, after xtext encoding.
    /// - SeeAlso: RFC 3461 §4.4
    public static let envelopeIDLength = 100

    /// The longest `ORCPT` value (`rfc822;` and the xtext-encoded address), in octets.
    /// - SeeAlso: RFC 3461 §4.2
    public static let originalRecipientLength = 500

    /// The longest name the client gives itself in EHLO or HELO: a domain is at most 255
    /// octets.
    /// - SeeAlso: RFC 5321 §4.5.3.1.2
    public static let heloNameLength = 255
}
