import SASL
import Sieve

/// What one ManageSieve connection offers and allows, decided by the server before the
/// greeting.
public struct ManageSieveSessionConfiguration: Sendable, Equatable {
    /// The server's name in the `IMPLEMENTATION` capability (RFC 5804 §1.7).
    public var implementation: String
    /// TLS is on for this connection (after STARTTLS, or a port with implicit TLS).
    public var tlsActive: Bool
    /// STARTTLS is offered: a certificate is configured and TLS is not on yet.
    public var tlsAvailable: Bool
    /// PLAIN and LOGIN may be used without TLS (loopback, or by configuration), the same
    /// rule as POP3's.
    public var plaintextAllowedWithoutTLS: Bool
    /// SASL mechanisms offered (CRAM-MD5 only where the site enabled legacy secrets).
    public var mechanisms: [SASLMechanismName]
    /// The Sieve extensions scripts may use: advertised as `SIEVE` and applied when
    /// PUTSCRIPT and CHECKSCRIPT compile a script.
    public var sieveCapabilities: SieveCapabilities
    /// Redirects one script run may perform, advertised as `MAXREDIRECTS`; nil hides it.
    public var maximumRedirects: Int?
    /// Scripts one account may hold (`QUOTA/MAXSCRIPTS`); nil for no limit.
    public var maximumScripts: Int?
    /// The largest script, in octets (`QUOTA/MAXSIZE`); also the largest literal the
    /// parser takes after login.
    public var maximumScriptSize: Int
    /// Failed AUTHENTICATE commands after which the session says BYE.
    public var maximumAuthenticationFailures: Int
    /// Invalid commands in a row after which the session says BYE.
    public var maximumInvalidCommands: Int

    public init(
        implementation: String = "Popstore", tlsActive: Bool = false, tlsAvailable: Bool = false,
        plaintextAllowedWithoutTLS: Bool = false, mechanisms: [SASLMechanismName] = [.plain, .scramSHA256],
        sieveCapabilities: SieveCapabilities = .all, maximumRedirects: Int? = SieveLimits.maximumRedirects,
        maximumScripts: Int? = nil, maximumScriptSize: Int = ManageSieveLimits.scriptSize,
        maximumAuthenticationFailures: Int = ManageSieveLimits.authenticationFailures,
        maximumInvalidCommands: Int = ManageSieveLimits.invalidCommandsInARow
    ) {
        self.implementation = implementation
        self.tlsActive = tlsActive
        self.tlsAvailable = tlsAvailable
        self.plaintextAllowedWithoutTLS = plaintextAllowedWithoutTLS
        self.mechanisms = mechanisms
        self.sieveCapabilities = sieveCapabilities
        self.maximumRedirects = maximumRedirects
        self.maximumScripts = maximumScripts
        self.maximumScriptSize = maximumScriptSize
        self.maximumAuthenticationFailures = maximumAuthenticationFailures
        self.maximumInvalidCommands = maximumInvalidCommands
    }

    /// Whether a password may travel in clear text on this connection now.
    public var plaintextAllowed: Bool { tlsActive || plaintextAllowedWithoutTLS }

    /// The mechanisms usable now: those sending a clear-text password only where allowed.
    public var usableMechanisms: [SASLMechanismName] {
        mechanisms.filter { plaintextAllowed || !$0.sendsPasswordInClear }
    }
}
