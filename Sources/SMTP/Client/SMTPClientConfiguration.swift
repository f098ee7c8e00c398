/// How the client conducts a session: what it calls itself, whether TLS is mandatory,
/// and how it authenticates.
///
/// STARTTLS is attempted whenever the server offers it (RFC 3207 §4); ``requireTLS``
/// decides only what happens when TLS cannot be had.
public struct SMTPClientConfiguration: Sendable, Equatable {
    /// The name given in EHLO and HELO: the client's domain or an address literal.
    /// - SeeAlso: RFC 5321 §4.1.1.1, §4.1.3
    public let heloName: String
    /// When true, a session in which TLS cannot be started (the server does not offer
    /// STARTTLS or refuses it) fails temporarily before any envelope is sent.
    /// - SeeAlso: RFC 3207 §4
    public let requireTLS: Bool
    /// True when the connection is TLS from its first byte (implicit TLS, RFC 8314 §3):
    /// no STARTTLS is then sent, and ``requireTLS`` is met.
    public let isImplicitTLS: Bool
    /// The account used with AUTH PLAIN, or nil not to authenticate.
    public let credentials: Credentials?
    /// When false, the default, credentials are only ever sent over TLS: a session that
    /// would have to send them in plain text fails instead (RFC 4954 §4, RFC 4616 §6).
    public let allowPlaintextAuth: Bool

    public init(
        heloName: String,
        requireTLS: Bool = false,
        isImplicitTLS: Bool = false,
        credentials: Credentials? = nil,
        allowPlaintextAuth: Bool = false
    ) throws(SMTPClientConfigurationError) {
        guard Self.isValidHeloName(heloName) else { throw .invalidHeloName }
        if let credentials {
            guard !credentials.user.isEmpty, !credentials.password.isEmpty,
                !credentials.user.utf8.contains(0), !credentials.password.utf8.contains(0)
            else { throw .invalidCredentials }
        }
        self.heloName = heloName
        self.requireTLS = requireTLS
        self.isImplicitTLS = isImplicitTLS
        self.credentials = credentials
        self.allowPlaintextAuth = allowPlaintextAuth
    }

    // Domain          = sub-domain *("." sub-domain)
    // address-literal = "[" ( IPv4-address-literal / IPv6-address-literal /
    //                   General-address-literal ) "]"
    /// Letters, digits, `-` and `.` for a domain; `[`, `]` and `:` too for an address
    /// literal. Nothing else, so the name cannot break the command line.
    private static func isValidHeloName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard !bytes.isEmpty, bytes.count <= SMTPClientLimits.heloNameLength else { return false }
        if bytes.first == UInt8(ascii: "[") {
            guard bytes.last == UInt8(ascii: "]"), bytes.count > 2 else { return false }
            return bytes.dropFirst().dropLast().allSatisfy {
                SMTPClientASCII.isLetterOrDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "-")
            }
        }
        return bytes.allSatisfy { SMTPClientASCII.isLetterOrDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }
}

extension SMTPClientConfiguration {
    /// A user name and password for AUTH PLAIN. Neither may be empty or hold NUL, which
    /// separates the fields of the PLAIN message.
    /// - SeeAlso: RFC 4616 §2
    public struct Credentials: Sendable, Equatable, CustomStringConvertible {
        public var user: String
        public var password: String

        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }

        // message = [authzid] UTF8NUL authcid UTF8NUL passwd
        /// The PLAIN message with no authorization identity: act as the user itself.
        var plainMessage: [UInt8] {
            [0] + Array(user.utf8) + [0] + Array(password.utf8)
        }

        /// The user only: a password never reaches a log.
        public var description: String { "\(user) (password hidden)" }
    }
}
