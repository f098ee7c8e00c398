/// Why an envelope or recipient was refused.
public enum SMTPClientEnvelopeError: Error, Sendable, Equatable {
    /// A path is empty (where a mailbox is needed), too long, or holds a control character
    /// or an angle bracket.
    case invalidPath(String)
    /// The envelope has no recipient.
    case noRecipients
    /// The size is negative.
    case invalidSize
    /// The envelope identifier is empty or too long once xtext-encoded.
    case invalidEnvelopeID
    /// The original recipient is empty or too long once xtext-encoded.
    case invalidOriginalRecipient
}
