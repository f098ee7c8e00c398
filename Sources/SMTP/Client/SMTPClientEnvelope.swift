/// The envelope of one message to relay: who sends it, who receives it, and what the
/// server must be told about it.
///
/// Every path is checked here, once: no control character (a CR or LF would end the
/// command and forge another), no angle bracket (it would end the path), at most
/// ``SMTPClientLimits/pathLength`` octets. A path with non-ASCII octets needs SMTPUTF8,
/// which ``requiresSMTPUTF8`` then reports whatever the caller said.
/// - SeeAlso: RFC 5321 §4.1.2, §3.3
public struct SMTPClientEnvelope: Sendable, Equatable {
    /// The reverse path without angle brackets; empty for the null sender `<>`, which
    /// bounces and other notifications use (RFC 5321 §4.5.5).
    public let sender: String
    /// The recipients, in the order their RCPT commands are sent; at least one.
    public let recipients: [SMTPClientRecipient]
    /// The message's size in octets, announced with `SIZE=` where the server supports it.
    /// - SeeAlso: RFC 1870 §6
    public let size: Int?
    /// What a DSN should return of the message (`RET=`), sent only to a server that
    /// announced DSN.
    /// - SeeAlso: RFC 3461 §4.3
    public let returnContent: ReturnContent?
    /// The envelope identifier (`ENVID=`), sent xtext-encoded only to a server that
    /// announced DSN.
    /// - SeeAlso: RFC 3461 §4.4
    public let envelopeID: String?
    /// Whether the message body has octets above 127.
    public let body: Body
    /// Whether the message or a path has UTF-8 beyond ASCII in places that need SMTPUTF8:
    /// a server that does not announce it cannot take the message.
    /// - SeeAlso: RFC 6531 §3.4
    public let requiresSMTPUTF8: Bool

    /// - Parameter requiresSMTPUTF8: true for a message with UTF-8 header fields; a path
    ///   with non-ASCII octets sets it anyway.
    public init(
        sender: String,
        recipients: [SMTPClientRecipient],
        size: Int? = nil,
        returnContent: ReturnContent? = nil,
        envelopeID: String? = nil,
        body: Body = .sevenBit,
        requiresSMTPUTF8: Bool = false
    ) throws(SMTPClientEnvelopeError) {
        if !sender.isEmpty { try Self.checkPath(sender) }
        guard !recipients.isEmpty else { throw .noRecipients }
        if let size { guard size >= 0 else { throw .invalidSize } }
        if let envelopeID {
            let encoded = SMTPClientCommand.Parameter.xtext(envelopeID)
            guard !envelopeID.isEmpty, encoded.utf8.count <= SMTPClientLimits.envelopeIDLength else {
                throw .invalidEnvelopeID
            }
        }
        self.sender = sender
        self.recipients = recipients
        self.size = size
        self.returnContent = returnContent
        self.envelopeID = envelopeID
        self.body = body
        self.requiresSMTPUTF8 =
            requiresSMTPUTF8 || !sender.utf8.allSatisfy { $0 < 0x80 }
            || recipients.contains { !$0.address.utf8.allSatisfy { $0 < 0x80 } }
    }

    /// Throws unless `path` can stand between angle brackets in MAIL or RCPT.
    static func checkPath(_ path: String) throws(SMTPClientEnvelopeError) {
        let bytes = path.utf8
        guard !bytes.isEmpty, bytes.count <= SMTPClientLimits.pathLength,
            bytes.allSatisfy({ $0 >= 0x20 && $0 != SMTPClientASCII.delete && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") })
        else { throw .invalidPath(path) }
    }
}

extension SMTPClientEnvelope {
    /// `RET=FULL` or `RET=HDRS`.
    /// - SeeAlso: RFC 3461 §4.3
    public enum ReturnContent: String, Sendable {
        case full = "FULL"
        case headers = "HDRS"
    }

    /// The body's octets: 7-bit, or 8-bit MIME, sent with `BODY=8BITMIME` and only to a
    /// server that announced 8BITMIME (RFC 6152 §3). This client does not convert 8-bit
    /// bodies to 7 bits; such a message fails permanently where 8BITMIME is missing.
    public enum Body: Sendable {
        case sevenBit
        case eightBitMIME
    }
}
