import SASL

/// What one POP3 connection offers, decided by the server before the greeting.
public struct POP3SessionConfiguration: Sendable, Equatable {
    /// The name in the greeting and in `IMPLEMENTATION` (RFC 2449 §6.9).
    public var implementation: String
    /// TLS is on for this connection (POP3S, or after STLS).
    public var tlsActive: Bool
    /// STLS is offered (a certificate is configured and TLS is not on yet).
    public var tlsAvailable: Bool
    /// USER/PASS, PLAIN and LOGIN may be used without TLS (loopback, or by configuration).
    public var plaintextAllowedWithoutTLS: Bool
    /// The APOP timestamp, when the site enabled APOP (RFC 1939 §7); nil hides APOP.
    public var apopTimestamp: String?
    /// SASL mechanisms offered (CRAM-MD5 only where the site enabled legacy auth).
    public var mechanisms: [SASLMechanismName]
    /// Store-wide EXPIRE and LOGIN-DELAY announced before login (RFC 2449 §6.7, §6.5).
    public var policy: POP3Policy

    public init(
        implementation: String = "Popstore", tlsActive: Bool = false, tlsAvailable: Bool = false,
        plaintextAllowedWithoutTLS: Bool = false, apopTimestamp: String? = nil,
        mechanisms: [SASLMechanismName] = [.plain, .login, .scramSHA256], policy: POP3Policy = POP3Policy()
    ) {
        self.implementation = implementation
        self.tlsActive = tlsActive
        self.tlsAvailable = tlsAvailable
        self.plaintextAllowedWithoutTLS = plaintextAllowedWithoutTLS
        self.apopTimestamp = apopTimestamp
        self.mechanisms = mechanisms
        self.policy = policy
    }

    /// Whether a password may travel in clear text on this connection now.
    public var plaintextAllowed: Bool { tlsActive || plaintextAllowedWithoutTLS }

    /// The mechanisms usable now: those sending a clear-text password only where that is allowed.
    public var usableMechanisms: [SASLMechanismName] {
        mechanisms.filter { plaintextAllowed || !$0.sendsPasswordInClear }
    }
}

/// EXPIRE and LOGIN-DELAY values: nil is "not announced"; `expireDays == .max` is NEVER.
public struct POP3Policy: Sendable, Equatable {
    public var expireDays: Int?
    public var loginDelaySeconds: Int?

    public init(expireDays: Int? = nil, loginDelaySeconds: Int? = nil) {
        self.expireDays = expireDays
        self.loginDelaySeconds = loginDelaySeconds
    }
}

/// A message as the session sees it: its UIDL and its size as downloaded.
public struct POP3MessageInfo: Sendable, Equatable {
    public var uid: String
    public var size: Int64

    public init(uid: String, size: Int64) {
        self.uid = uid
        self.size = size
    }
}
