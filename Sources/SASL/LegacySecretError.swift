/// Why a legacy secret could not be sealed or opened. Never carries the secret.
public enum LegacySecretError: Error, Sendable, Equatable {
    /// A `LegacySecretKey` must be exactly 32 bytes.
    case invalidKeyLength
    /// The stored value is not base64 of at least nonce + tag, or the opened secret is not UTF-8.
    case malformed
    /// Wrong key, wrong account, or the sealed bytes were altered.
    case authenticationFailed
}
