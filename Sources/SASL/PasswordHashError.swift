/// Why a stored password hash string was rejected. Never carries the hash or a password.
public enum PasswordHashError: Error, Sendable, Equatable {
    /// Not a PHC string this module can read: missing fields, bad base64, wrong lengths,
    /// or not in canonical form.
    case malformed
    /// A well-formed PHC string for another algorithm (for example `argon2id`).
    case unsupportedScheme(String)
    /// A cost parameter outside the limits in `ScryptCost`.
    case parameterOutOfRange
}
