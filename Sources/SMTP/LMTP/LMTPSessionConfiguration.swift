/// What one LMTP session needs to know of its server, each limit with its reason.
public struct LMTPSessionConfiguration: Sendable {
    /// The name in the greeting and the LHLO reply.
    public var hostname: String
    /// The largest message accepted, in octets: announced with SIZE (RFC 1870), refused
    /// at MAIL when declared larger, enforced while the message arrives.
    public var maximumMessageSize: Int
    /// Recipients per transaction. RFC 5321 §4.5.3.1.8 asks for at least 100; a message
    /// for more is asked to come again for the rest (452 4.5.3), which every MTA does.
    public var maximumRecipients: Int
    /// Refused commands before the session is ended (421): a client that only sends
    /// junk is not served forever.
    public var maximumErrors: Int

    public init(hostname: String, maximumMessageSize: Int, maximumRecipients: Int = 1000, maximumErrors: Int = 20) {
        self.hostname = hostname
        self.maximumMessageSize = maximumMessageSize
        self.maximumRecipients = maximumRecipients
        self.maximumErrors = maximumErrors
    }
}

/// The envelope of one mail transaction, as MAIL and the accepted RCPTs gave it.
public struct LMTPTransaction<Route: Sendable>: Sendable {
    /// The reverse path; empty for the null sender.
    public var reversePath: String
    /// RFC 1870 SIZE, as declared.
    public var declaredSize: Int?
    /// RFC 3461 RET (FULL or HDRS) and ENVID (xtext decoded).
    public var ret: String?
    public var envelopeID: String?
    /// RFC 6531: the client asked for SMTPUTF8.
    public var smtpUTF8: Bool
    /// The accepted recipients, in RCPT order: one reply each after the message (RFC 2033 §4.2).
    public var recipients: [LMTPRecipient<Route>] = []
}

/// One accepted recipient, with where the server decided its mail goes.
public struct LMTPRecipient<Route: Sendable>: Sendable {
    public var address: String
    /// RFC 3461 NOTIFY and ORCPT, as given.
    public var notify: String?
    public var originalRecipient: String?
    public var route: Route
}
