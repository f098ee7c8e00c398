extension SMTPDeliveryResult {
    /// Why a recipient, or the whole session, failed: whether to try again, why, and the
    /// server's reply where one caused it.
    /// - SeeAlso: RFC 5321 §4.2.1 (4yz transient, 5yz permanent), §4.5.4.1
    public struct Failure: Sendable, Equatable {
        public var severity: Severity
        public var reason: Reason
        /// The reply that caused the failure; nil when no reply did (a lost connection,
        /// an extension the server lacks).
        public var reply: SMTPReply?

        public init(_ severity: Severity, _ reason: Reason, reply: SMTPReply? = nil) {
            self.severity = severity
            self.reason = reason
            self.reply = reply
        }

        /// A failure caused by `reply`: permanent for 5yz, temporary for anything else.
        public init(_ reason: Reason, reply: SMTPReply) {
            self.init(reply.isPermanent ? .permanent : .temporary, reason, reply: reply)
        }

        /// Try again later, or never.
        public enum Severity: Sendable, Equatable {
            case temporary
            case permanent
        }

        /// The step of the session that failed.
        public enum Reason: Sendable, Equatable {
            /// The greeting was not 220: 554 is permanent (RFC 5321 §3.1), 4yz temporary.
            case greetingRefused
            /// 421 at any point: the server is closing the channel (RFC 5321 §3.8).
            case serviceClosing
            /// The connection ended before the transaction did.
            case connectionLost
            /// The driver's timer for a reply expired (RFC 5321 §4.5.3.2).
            case timedOut
            /// A reply that cannot come at this point (a 3yz to MAIL, a reply before TLS was
            /// up after STARTTLS), or bytes that are not a reply.
            case protocolViolation
            /// Both EHLO and HELO, or EHLO with 4yz, were refused.
            case helloRefused
            /// TLS is required, and the server does not offer STARTTLS or refused it.
            case tlsUnavailable
            /// Credentials are configured, and the server offers no AUTH PLAIN, or only where
            /// the password would travel in plain text.
            case authenticationUnavailable
            /// The server refused the credentials. Always temporary: a wrong or expired
            /// password is the operator's to fix, not a reason to bounce mail.
            case authenticationFailed
            /// The message is larger than the SIZE the server announced (RFC 1870 §6).
            case messageTooLarge
            /// The message needs SMTPUTF8 and the server does not announce it (RFC 6531 §3.2).
            case smtpUTF8Unavailable
            /// The body is 8-bit and the server does not announce 8BITMIME (RFC 6152 §3).
            case eightBitMIMEUnavailable
            /// MAIL was refused.
            case senderRefused
            /// RCPT was refused for this recipient.
            case recipientRefused
            /// DATA, or the end of the data, was refused.
            case messageRefused
        }
    }
}
