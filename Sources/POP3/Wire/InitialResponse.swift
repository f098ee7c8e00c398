/// The optional initial client response of `AUTH`.
///
/// - SeeAlso: RFC 5034 §4, §6 (`initial-response = base64 / "="`)
public enum InitialResponse: Sendable, Equatable {
    /// `=`: the mechanism's first response is present and empty, which is not the same as
    /// leaving the argument out (then the server sends an empty challenge first).
    case empty
    /// The decoded bytes of a base64 argument.
    case data([UInt8])
}
