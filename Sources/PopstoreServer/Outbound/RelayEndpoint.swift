import NIOCore
import SMTP

/// Where and how to reach the relay (the smarthost) that takes outbound mail.
///
/// One endpoint describes every session to that relay; ``SMTPRelayClient/send(envelope:body:to:group:fileIO:logger:)``
/// turns it into an ``SMTPClientConfiguration`` for each session.
/// - SeeAlso: RFC 5321 §3, RFC 3207 (STARTTLS), RFC 8314 §3 (implicit TLS), RFC 4954 (AUTH)
public struct RelayEndpoint: Sendable, Equatable {
    /// How the session is protected.
    public enum Security: String, Sendable {
        /// Plain text throughout: a STARTTLS the relay offers is not used (the driver hides it
        /// from the state machine). Credentials then cannot be sent, and a session that has
        /// them fails with ``SMTPDeliveryResult/Failure/Reason/authenticationUnavailable``.
        /// For a relay on the loopback interface or a trusted link only.
        case none
        /// STARTTLS when the relay offers it, plain text when it does not (RFC 3207 §4).
        /// A handshake that fails (an untrusted certificate included) fails the session; it
        /// does not fall back to plain text.
        case starttls
        /// STARTTLS must succeed: a relay that does not offer it, or refuses it, fails the
        /// session temporarily before any envelope is sent (RFC 3207 §4).
        case required
        /// TLS from the first byte, as on port 465 (RFC 8314 §3).
        case implicit
    }

    /// A host name, or an IPv4 or IPv6 address literal (with or without brackets).
    public var host: String
    public var port: Int
    public var security: Security
    /// The account for AUTH PLAIN; sent only over TLS (RFC 4954 §4, RFC 4616 §6).
    public var credentials: SMTPClientConfiguration.Credentials?
    /// The name given in EHLO: this host's domain or an address literal (RFC 5321 §4.1.1.1).
    public var heloName: String
    /// A PEM file of trust roots for the relay's certificate; nil trusts the system's roots.
    public var caFile: String?
    /// When false, the relay's certificate is not checked at all, so TLS protects against
    /// eavesdroppers but not against a man in the middle. For tests and lab setups only.
    public var verifyCertificate: Bool
    /// How long to wait for the TCP connection (every address of `host` together).
    public var connectTimeout: TimeAmount
    /// How long to wait for each reply, or for each chunk of the message to be taken by the
    /// network. The reply to the end of the data is given twice as long, as RFC 5321
    /// §4.5.3.2 suggests 10 minutes there against 5 for most commands.
    /// - SeeAlso: RFC 5321 §4.5.3.2
    public var replyTimeout: TimeAmount

    /// RFC 5321 §4.5.3.2 does not name a connect timeout; 30 s is ample for a relay that is
    /// up, and short enough that a queue runner is not held up by one that is not.
    public static let defaultConnectTimeout: TimeAmount = .seconds(30)
    /// RFC 5321 §4.5.3.2.2–§4.5.3.2.5: 5 minutes for MAIL, RCPT and the greeting.
    public static let defaultReplyTimeout: TimeAmount = .minutes(5)

    public init(
        host: String,
        port: Int,
        security: Security = .starttls,
        credentials: SMTPClientConfiguration.Credentials? = nil,
        heloName: String,
        caFile: String? = nil,
        verifyCertificate: Bool = true,
        connectTimeout: TimeAmount = RelayEndpoint.defaultConnectTimeout,
        replyTimeout: TimeAmount = RelayEndpoint.defaultReplyTimeout
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.credentials = credentials
        self.heloName = heloName
        self.caFile = caFile
        self.verifyCertificate = verifyCertificate
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
    }

    /// The state machine's configuration for a session to this relay: TLS required for
    /// ``Security/required`` and ``Security/implicit``, and never plain-text AUTH.
    /// Throws when the EHLO name or the credentials are unusable, which a caller can check
    /// once when it reads its configuration.
    public func clientConfiguration() throws(SMTPClientConfigurationError) -> SMTPClientConfiguration {
        try SMTPClientConfiguration(
            heloName: heloName,
            requireTLS: security == .required || security == .implicit,
            isImplicitTLS: security == .implicit,
            credentials: credentials,
            allowPlaintextAuth: false)
    }

    /// `host` without the brackets of an address literal such as `[::1]`.
    var connectHost: String {
        if host.hasPrefix("["), host.hasSuffix("]"), host.count > 2 { return String(host.dropFirst().dropLast()) }
        return host
    }

    /// True when `host` is an IPv4 or IPv6 address, which SNI cannot carry (RFC 6066 §3).
    var isAddressLiteral: Bool {
        (try? SocketAddress(ipAddress: connectHost, port: 0)) != nil
    }
}
