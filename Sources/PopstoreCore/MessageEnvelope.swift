import Foundation

/// The SMTP envelope of a stored message, kept with it because the bouncer returns
/// unread expired mail to its sender (RFC 3464) and DSN parameters (RFC 3461) say how.
public struct MessageEnvelope: Sendable, Equatable, Codable {
    /// The reverse path; empty for the null sender `<>`.
    public var sender: String
    public var recipients: [Recipient]
    public var arrival: Date
    /// RFC 3461 §4.3 RET=FULL|HDRS.
    public var ret: String?
    /// RFC 3461 §4.4 ENVID.
    public var envelopeID: String?

    public struct Recipient: Sendable, Equatable, Codable {
        public var address: String
        /// RFC 3461 §4.1 NOTIFY, as given.
        public var notify: String?
        /// RFC 3461 §4.2 ORCPT, as given.
        public var originalRecipient: String?

        public init(address: String, notify: String? = nil, originalRecipient: String? = nil) {
            self.address = address
            self.notify = notify
            self.originalRecipient = originalRecipient
        }
    }

    public init(sender: String, recipients: [Recipient], arrival: Date, ret: String? = nil, envelopeID: String? = nil) {
        self.sender = sender
        self.recipients = recipients
        self.arrival = arrival
        self.ret = ret
        self.envelopeID = envelopeID
    }
}
