/// Why an exchange ended without authentication. The client gets one generic reply for
/// all of them; the cases exist for the log.
public enum SASLFailure: Error, Sendable, Equatable {
    /// The client cancelled the exchange (`*` in POP3), or the driver called `cancel()`.
    case cancelled
    /// A response broke the mechanism's syntax or a limit in `SASLLimits`, or an event
    /// arrived that the exchange was not waiting for (including any event after the end).
    case malformed
    /// Wrong password, digest or proof; or no such user, which looks exactly the same.
    case authenticationFailed
    /// The client asked to act as another identity (RFC 4422 §3.4.1); Popstore has no
    /// proxy users, so only an authorization identity equal to the authentication identity
    /// is accepted.
    case authzidNotPermitted
    /// A SCRAM client required channel binding (`p=`), which needs SCRAM-SHA-256-PLUS and
    /// Popstore does not offer it.
    /// - SeeAlso: RFC 5802 §6, §7 (`server-error-value` "channel-binding-not-supported")
    case channelBindingNotSupported
    /// The stored SCRAM credentials the driver supplied are out of range (iteration count,
    /// salt or key length): a store problem, not the client's.
    case credentialsUnusable
}
