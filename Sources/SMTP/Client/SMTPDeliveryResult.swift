/// What became of one message: an outcome for every recipient, and what ended the
/// session if it failed as a whole.
///
/// Every recipient always has a status, so a queue can act on each alone: drop the
/// delivered, retry the temporary failures, bounce the permanent ones. A recipient the
/// server refused keeps the server's own reply; the others share the session's fate.
/// - SeeAlso: RFC 5321 §4.2.5 (what a positive reply to the data means), §6.1
public struct SMTPDeliveryResult: Sendable, Equatable {
    /// One entry per envelope recipient, in envelope order.
    public var recipients: [Recipient]
    /// Set when the session failed for every recipient still open: before any RCPT reply
    /// (greeting, EHLO, TLS, AUTH, MAIL), or at DATA, or by a 421, a lost connection, a
    /// timeout or a protocol violation. Nil when the transaction ran to its end (the
    /// message delivered, or every recipient refused on its own).
    public var sessionFailure: Failure?

    public init(recipients: [Recipient], sessionFailure: Failure?) {
        self.recipients = recipients
        self.sessionFailure = sessionFailure
    }

    /// The recipients the server took the message for.
    public var deliveredRecipients: [String] {
        recipients.filter { if case .delivered = $0.status { true } else { false } }.map(\.address)
    }
}

extension SMTPDeliveryResult {
    /// The outcome for one recipient.
    public struct Recipient: Sendable, Equatable {
        public var address: String
        public var status: Status

        public init(address: String, status: Status) {
            self.address = address
            self.status = status
        }
    }

    /// Delivered, with the server's reply to the end of data; or failed.
    public enum Status: Sendable, Equatable {
        case delivered(SMTPReply)
        case failed(Failure)
    }
}
