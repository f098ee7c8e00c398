import Crypto
import _CryptoExtras

/// SCRAM-SHA-256 server credentials, kept beside the hash so SCRAM works without the
/// clear text.
///
///     SaltedPassword := Hi(Normalize(password), salt, i)      -- PBKDF2-HMAC-SHA-256
///     StoredKey      := H(HMAC(SaltedPassword, "Client Key"))
///     ServerKey      := HMAC(SaltedPassword, "Server Key")
///
/// StoredKey and ServerKey are secrets (ServerKey lets its holder pose as the server),
/// so they never appear in a description.
/// - SeeAlso: RFC 5802 §3, RFC 7677 §3
public struct ScramCredentials: Sendable, Equatable {
    /// Codable as base64.
    public var salt: [UInt8]
    public var iterations: Int
    /// H(ClientKey). Codable as base64.
    public var storedKey: [UInt8]
    /// HMAC(SaltedPassword, "Server Key"). Codable as base64.
    public var serverKey: [UInt8]

    /// Credentials as a store kept them (no check here: the mechanism refuses unusable ones).
    public init(salt: [UInt8], iterations: Int, storedKey: [UInt8], serverKey: [UInt8]) {
        self.salt = salt
        self.iterations = iterations
        self.storedKey = storedKey
        self.serverKey = serverKey
    }

    /// RFC 7677 §4: the iteration count MUST be at least 4096.
    public static let defaultIterations = 4096
    /// Below RFC 7677's minimum, or so high that one login takes seconds.
    static let iterationRange = 4096...10_000_000
    static let saltByteCount = 16
    static let saltByteCountRange = 8...64
    static let keyByteCount = SHA256.byteCount

    /// - Throws: `SASLprepError` for an unusable password,
    ///   `PasswordHashError.parameterOutOfRange` for an iteration count or salt length
    ///   outside the limits.
    public static func derive(password: String, salt: [UInt8], iterations: Int) throws -> ScramCredentials {
        guard iterationRange.contains(iterations), saltByteCountRange.contains(salt.count) else {
            throw PasswordHashError.parameterOutOfRange
        }
        let prepared = try SASLprep.prepare(password)
        // swift-crypto refuses fewer than 210,000 rounds unless asked this way;
        // SCRAM's count is checked above.
        let saltedPassword = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(prepared.utf8),
            salt: salt,
            using: .sha256,
            outputByteCount: SHA256.byteCount,
            unsafeUncheckedRounds: iterations
        )
        let clientKey = HMAC<SHA256>.authenticationCode(for: Array("Client Key".utf8), using: saltedPassword)
        let serverKey = HMAC<SHA256>.authenticationCode(for: Array("Server Key".utf8), using: saltedPassword)
        return ScramCredentials(
            salt: salt,
            iterations: iterations,
            storedKey: Array(SHA256.hash(data: Array(clientKey))),
            serverKey: Array(serverKey)
        )
    }

    /// Derives credentials with a fresh random 16-byte salt.
    public static func make(password: String, iterations: Int = defaultIterations) throws -> ScramCredentials {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<saltByteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return try derive(password: password, salt: salt, iterations: iterations)
    }
}

extension ScramCredentials: Codable {
    enum CodingKeys: String, CodingKey {
        case salt, iterations, storedKey, serverKey
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func bytes(_ key: CodingKeys) throws -> [UInt8] {
            guard let bytes = Base64.decode(try container.decode(String.self, forKey: key), padded: true) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "invalid base64")
            }
            return bytes
        }
        salt = try bytes(.salt)
        iterations = try container.decode(Int.self, forKey: .iterations)
        storedKey = try bytes(.storedKey)
        serverKey = try bytes(.serverKey)
        guard Self.saltByteCountRange.contains(salt.count) else {
            throw DecodingError.dataCorruptedError(forKey: .salt, in: container, debugDescription: "salt length out of range")
        }
        guard Self.iterationRange.contains(iterations) else {
            throw DecodingError.dataCorruptedError(
                forKey: .iterations, in: container, debugDescription: "iteration count out of range")
        }
        guard storedKey.count == Self.keyByteCount, serverKey.count == Self.keyByteCount else {
            throw DecodingError.dataCorruptedError(
                forKey: .storedKey, in: container, debugDescription: "key length is not \(Self.keyByteCount)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Base64.encode(salt, padded: true), forKey: .salt)
        try container.encode(iterations, forKey: .iterations)
        try container.encode(Base64.encode(storedKey, padded: true), forKey: .storedKey)
        try container.encode(Base64.encode(serverKey, padded: true), forKey: .serverKey)
    }
}

/// Shows the iteration count only.
extension ScramCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "ScramCredentials(SCRAM-SHA-256, i=\(iterations))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["iterations": iterations]) }
}
