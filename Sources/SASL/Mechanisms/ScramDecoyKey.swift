import Crypto

/// A 32-byte secret from which SCRAM derives the salt it shows for a user that does not
/// exist, so that the server-first message does not tell an unknown name from a real one.
///
/// The salt must be the same each time a name is tried (a real account's is) and must not
/// be computable from the name alone (or a prober could check it), hence a key. Keep it
/// stable across restarts, beside the other server secrets: a new key changes every
/// decoy salt, which a prober who saw the old ones would notice.
/// - SeeAlso: RFC 5802 §5.1 (the server "SHOULD" carry on with a fake salt)
public struct ScramDecoyKey: Sendable {
    static let byteCount = 32
    /// Domain separation between what one key derives.
    private static let saltLabel = Array("popstore scram decoy salt\u{0}".utf8)
    private static let storedKeyLabel = Array("popstore scram decoy stored key\u{0}".utf8)
    private static let serverKeyLabel = Array("popstore scram decoy server key\u{0}".utf8)

    let symmetricKey: SymmetricKey

    /// Nil unless `rawBytes` has exactly 32 bytes.
    public init?(rawBytes: [UInt8]) {
        guard rawBytes.count == Self.byteCount else { return nil }
        symmetricKey = SymmetricKey(data: rawBytes)
    }

    private init(symmetricKey: SymmetricKey) {
        self.symmetricKey = symmetricKey
    }

    public static func generate() -> ScramDecoyKey {
        ScramDecoyKey(symmetricKey: SymmetricKey(size: .bits256))
    }

    public var rawBytes: [UInt8] {
        symmetricKey.withUnsafeBytes { Array($0) }
    }

    /// Credentials shaped like real ones (16-byte salt, 32-byte keys) that no proof opens.
    /// Only the salt is ever shown; the keys exist so a decoy exchange does the same work
    /// as a real one.
    func decoyCredentials(for name: String, iterations: Int) -> ScramCredentials {
        ScramCredentials(
            salt: Array(mac(Self.saltLabel + Array(name.utf8)).prefix(ScramCredentials.saltByteCount)),
            iterations: iterations,
            storedKey: mac(Self.storedKeyLabel + Array(name.utf8)),
            serverKey: mac(Self.serverKeyLabel + Array(name.utf8))
        )
    }

    private func mac(_ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: symmetricKey))
    }
}

/// Never prints key material.
extension ScramDecoyKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "ScramDecoyKey(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
