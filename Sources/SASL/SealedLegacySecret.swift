import Crypto
import Foundation

/// The CRAM-MD5/APOP secret as stored in a profile: AES-256-GCM, Codable as one base64
/// string of nonce (12 bytes) + ciphertext + tag (16 bytes).
///
/// The account's canonical name is the authenticated data, so a sealed secret copied into
/// another profile does not open. The password is sealed exactly as given, without
/// SASLprep: CRAM-MD5 and APOP digest the bytes the client has.
/// - SeeAlso: RFC 2195 §2, RFC 1939 §7
public struct SealedLegacySecret: Sendable, Equatable {
    static let nonceByteCount = 12
    static let tagByteCount = 16

    /// nonce + ciphertext + tag.
    let combined: [UInt8]

    init(combined: [UInt8]) throws(LegacySecretError) {
        guard combined.count >= Self.nonceByteCount + Self.tagByteCount else { throw .malformed }
        self.combined = combined
    }

    public static func seal(password: String, account: String, key: LegacySecretKey) throws -> SealedLegacySecret {
        let box = try AES.GCM.seal(
            Array(password.utf8), using: key.symmetricKey, authenticating: Array(account.utf8))
        guard let combined = box.combined else { throw LegacySecretError.malformed }
        return try SealedLegacySecret(combined: Array(combined))
    }

    /// - Throws: `LegacySecretError.authenticationFailed` for a wrong key, a wrong account
    ///   or altered bytes.
    public func open(account: String, key: LegacySecretKey) throws -> String {
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            plaintext = try AES.GCM.open(box, using: key.symmetricKey, authenticating: Array(account.utf8))
        } catch {
            throw LegacySecretError.authenticationFailed
        }
        guard let password = String(validating: plaintext, as: UTF8.self) else {
            throw LegacySecretError.malformed
        }
        return password
    }
}

extension SealedLegacySecret {
    /// The padded base64 form kept in a profile.
    public var encoded: String { Base64.encode(combined, padded: true) }

    public init(encoded: String) throws(LegacySecretError) {
        guard let bytes = Base64.decode(encoded, padded: true) else { throw .malformed }
        try self.init(combined: bytes)
    }
}

/// Codable as one padded base64 string.
extension SealedLegacySecret: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let bytes = Base64.decode(try container.decode(String.self), padded: true),
            let sealed = try? SealedLegacySecret(combined: bytes)
        else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid sealed legacy secret")
        }
        self = sealed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Base64.encode(combined, padded: true))
    }
}

/// Never prints the ciphertext.
extension SealedLegacySecret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SealedLegacySecret(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
