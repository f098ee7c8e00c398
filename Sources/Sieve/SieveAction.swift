/// One thing a script asked to be done with the message. The caller performs it: this
/// module does no I/O.
public enum SieveAction: Sendable, Hashable {
    /// Store in the account's mailbox with these IMAP flags (RFC 5228 §4.3, RFC 5232).
    case keep(flags: [String])
    /// Store in a mailbox; this store has one mailbox per account, so it stores as keep.
    case fileinto(mailbox: String, flags: [String], copy: Bool, create: Bool)
    /// Send on to another address (RFC 5228 §4.2, RFC 3894).
    case redirect(address: String, copy: Bool)
    /// Drop the message silently (RFC 5228 §4.4).
    case discard
    /// Refuse the message: `extended` for ereject, which refuses in the SMTP dialogue
    /// when it can (RFC 5429).
    case reject(reason: String, extended: Bool)
    /// Send an automatic reply (RFC 5230).
    case vacation(SieveVacation)
    /// A field added to the stored message (RFC 5293 §4).
    case addHeader(name: String, value: String, last: Bool)
    /// Fields removed from the stored message (RFC 5293 §5).
    case deleteHeader(name: String, count: Int)
}

/// The parameters of a vacation response (RFC 5230 §4, RFC 6131).
public struct SieveVacation: Sendable, Hashable {
    public var reason: String
    public var subject: String?
    public var from: String?
    public var addresses: [String]
    /// Whether `reason` is a MIME entity rather than plain text.
    public var mime: Bool
    /// Responses with the same handle share one "already replied" record; when the
    /// script gives none it is made from the other arguments (RFC 5230 §4.2).
    public var handle: String
    /// The interval between replies to one sender, in seconds; `nil` for the default.
    public var seconds: UInt64?
}
