/// Why SASLprep refused a string. Never carries the string or the offending character,
/// since the string is usually a password.
public enum SASLprepError: Error, Sendable, Equatable {
    /// Nothing left after mapping.
    case empty
    /// A prohibited output character (RFC 4013 §2.3): control, private use,
    /// non-character, and the other RFC 3454 tables C.6–C.9.
    case prohibitedCharacter
}
