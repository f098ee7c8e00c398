/// The SASL mechanisms Popstore serves, by their registered names.
///
/// - SeeAlso: RFC 4422 §3.1; RFC 4616 (PLAIN), draft-murchison-sasl-login (LOGIN),
///   RFC 2195 (CRAM-MD5), RFC 5802 and RFC 7677 (SCRAM-SHA-256)
public enum SASLMechanismName: String, Sendable, CaseIterable {
    case plain = "PLAIN"
    case login = "LOGIN"
    case cramMD5 = "CRAM-MD5"
    case scramSHA256 = "SCRAM-SHA-256"

    /// The mechanism a client names in `AUTH`, matched without regard to ASCII case;
    /// nil for a mechanism Popstore does not offer (including `SCRAM-SHA-256-PLUS`).
    public init?(wireName: some StringProtocol) {
        let upper = String(
            String.UnicodeScalarView(
                wireName.unicodeScalars.map { scalar in
                    (0x61...0x7A).contains(scalar.value) ? Unicode.Scalar(scalar.value - 0x20)! : scalar
                }))
        self.init(rawValue: upper)
    }

    /// True for the mechanisms that carry the password itself (PLAIN, LOGIN), which a
    /// server offers only on a connection protected by TLS.
    /// - SeeAlso: RFC 4616 §5, RFC 8314 §5
    public var sendsPasswordInClear: Bool {
        switch self {
        case .plain, .login: true
        case .cramMD5, .scramSHA256: false
        }
    }
}
