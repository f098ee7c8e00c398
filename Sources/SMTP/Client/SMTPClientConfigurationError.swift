/// Why a client configuration was refused.
public enum SMTPClientConfigurationError: Error, Sendable, Equatable {
    /// The EHLO name is empty, too long, or not a domain or address literal.
    case invalidHeloName
    /// The user name or password is empty or holds NUL.
    case invalidCredentials
}
