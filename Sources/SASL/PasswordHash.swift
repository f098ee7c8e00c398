/// A stored password hash in PHC string format:
/// `$scrypt$ln=15,r=8,p=1$<salt b64, no padding>$<hash b64, no padding>`.
///
/// New hashes have a 16-byte random salt and a 32-byte key; the password is normalised
/// with SASLprep first, so PLAIN and SCRAM agree on what the password is.
/// - SeeAlso: RFC 7914; PHC string format (github.com/P-H-C/phc-string-format)
public struct PasswordHash: Sendable {
    /// The canonical PHC string, as stored in the profile.
    public let encoded: String

    public let cost: ScryptCost
    let salt: [UInt8]
    let key: [UInt8]

    /// Salt length of new hashes (PHC recommends at least 16 bytes).
    static let saltByteCount = 16
    /// Key length of new hashes: 256 bits.
    static let keyByteCount = 32

    /// Validates the format and parameter ranges.
    public init(encoded: String) throws(PasswordHashError) {
        let parsed = try PHCString.parse(encoded)
        self.encoded = encoded
        self.cost = parsed.cost
        self.salt = parsed.salt
        self.key = parsed.key
    }

    init(cost: ScryptCost, salt: [UInt8], key: [UInt8]) {
        self.cost = cost
        self.salt = salt
        self.key = key
        self.encoded = PHCString.encode(cost: cost, salt: salt, key: key)
    }

    /// Hashes `password` (after SASLprep) with a fresh random salt.
    /// - Throws: `SASLprepError` for an unusable password, `PasswordHashError.parameterOutOfRange`
    ///   for a cost outside the limits.
    public static func make(password: String, cost: ScryptCost) throws -> PasswordHash {
        guard cost.isWithinLimits else { throw PasswordHashError.parameterOutOfRange }
        let prepared = try SASLprep.prepare(password)
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<saltByteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let key = try cost.deriveKey(password: Array(prepared.utf8), salt: salt, outputByteCount: keyByteCount)
        return PasswordHash(cost: cost, salt: salt, key: key)
    }

    /// Constant-time comparison of the derived key.
    ///
    /// A password SASLprep rejects cannot have been stored, so it is simply wrong.
    public func verify(_ password: String) -> Bool {
        guard let prepared = try? SASLprep.prepare(password),
            let derived = try? cost.deriveKey(password: Array(prepared.utf8), salt: salt, outputByteCount: key.count)
        else { return false }
        return ConstantTime.equals(derived, key)
    }

    /// True when the stored hash is cheaper than `cost` in any of N, r or p (so the server
    /// can re-hash at next login), or has a shorter salt or key than new hashes get.
    public func needsRehash(for cost: ScryptCost) -> Bool {
        self.cost.logN < cost.logN || self.cost.r < cost.r || self.cost.p < cost.p
            || salt.count < Self.saltByteCount || key.count < Self.keyByteCount
    }
}

extension PasswordHash: Equatable {
    public static func == (lhs: PasswordHash, rhs: PasswordHash) -> Bool {
        lhs.encoded == rhs.encoded
    }
}

/// Codable as the single PHC string.
extension PasswordHash: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        do {
            try self.init(encoded: string)
        } catch {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "invalid password hash (\(error))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(encoded)
    }
}

/// Shows the scheme and cost only: salt and key stay out of logs.
extension PasswordHash: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "PasswordHash(scrypt, ln=\(cost.logN), r=\(cost.r), p=\(cost.p))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["cost": cost]) }
}
