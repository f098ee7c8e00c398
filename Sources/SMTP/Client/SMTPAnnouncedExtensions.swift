/// The service extensions a server announced in its EHLO reply, as far as this client
/// uses them. A HELO session has none.
///
/// Keywords are matched without regard to case; lines this client does not understand
/// are ignored, as RFC 5321 §4.1.1.1 allows.
/// - SeeAlso: RFC 5321 §4.1.1.1, §2.2.2
public struct SMTPAnnouncedExtensions: Sendable, Equatable {
    /// PIPELINING: MAIL, the RCPTs and DATA may go in one batch (RFC 2920 §3).
    public var pipelining = false
    /// STARTTLS (RFC 3207 §4).
    public var startTLS = false
    /// The SASL mechanisms after AUTH, upper-cased (RFC 4954 §3).
    public var authenticationMechanisms: Set<String> = []
    /// SIZE was announced, so `SIZE=` may be sent (RFC 1870 §4).
    public var size = false
    /// The largest message SIZE announced; nil when none was, or when it was 0, which
    /// means no fixed limit (RFC 1870 §4).
    public var sizeLimit: Int?
    /// DSN: `RET`, `ENVID`, `NOTIFY` and `ORCPT` may be sent (RFC 3461 §4).
    public var deliveryStatusNotification = false
    /// 8BITMIME: `BODY=8BITMIME` may be sent (RFC 6152 §2).
    public var eightBitMIME = false
    /// SMTPUTF8: the `SMTPUTF8` parameter may be sent (RFC 6531 §3.1).
    public var smtpUTF8 = false
    /// ENHANCEDSTATUSCODES (RFC 2034 §3).
    public var enhancedStatusCodes = false

    /// No extensions: a HELO session, or none announced.
    public init() {}

    // ehlo-ok-rsp = ( "250" SP Domain [ SP ehlo-greet ] CRLF )
    //               / ( "250-" Domain [ SP ehlo-greet ] CRLF
    //                *( "250-" ehlo-line CRLF )
    //                "250" SP ehlo-line CRLF )
    // ehlo-line   = ehlo-keyword *( SP ehlo-param )
    /// Reads the extensions from the lines after the first of a positive EHLO reply.
    /// - SeeAlso: RFC 5321 §4.1.1.1
    public init(ehloReply: SMTPReply) {
        for line in ehloReply.lines.dropFirst() {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let keyword = words.first?.uppercased() else { continue }
            let parameters = words.dropFirst()
            switch keyword {
            case "PIPELINING":
                pipelining = true
            case "STARTTLS":
                startTLS = true
            case "AUTH":
                authenticationMechanisms.formUnion(parameters.map { $0.uppercased() })
            case "SIZE":
                size = true
                if let limit = parameters.first.flatMap({ Int($0) }), limit > 0 { sizeLimit = limit }
            case "DSN":
                deliveryStatusNotification = true
            case "8BITMIME":
                eightBitMIME = true
            case "SMTPUTF8":
                smtpUTF8 = true
            case "ENHANCEDSTATUSCODES":
                enhancedStatusCodes = true
            default:
                continue
            }
        }
    }
}
