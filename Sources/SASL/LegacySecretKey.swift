import Crypto

/// A 32-byte AES-256-GCM key, kept outside the profile tree, that seals the
/// clear-text-equivalent secret CRAM-MD5 and APOP need when a site enables them.
///
/// Whoever holds the key and the profiles holds the passwords, so the key lives apart
/// from the profiles (and their backups).
/// - SeeAlso: RFC 2195 (CRAM-MD5), RFC 1939 §7 (APOP)
public struct LegacySecretKey: Sendable {
    static let byteCount = 32

    let symmetricKey: SymmetricKey

    /// - Throws: `LegacySecretError.invalidKeyLength` unless `rawBytes` has 32 bytes.
    public init(rawBytes: [UInt8]) throws {
        guard rawBytes.count == Self.byteCount else { throw LegacySecretError.invalidKeyLength }
        symmetricKey = SymmetricKey(data: rawBytes)
    }

    private init(symmetricKey: SymmetricKey) {
        self.symmetricKey = symmetricKey
    }

    public static func generate() -> LegacySecretKey {
        LegacySecretKey(symmetricKey: SymmetricKey(size: .bits256))
    }

    public var rawBytes: [UInt8] {
        symmetricKey.withUnsafeBytes { Array($0) }
    }
}

/// Never prints key material.
extension LegacySecretKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "LegacySecretKey(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
