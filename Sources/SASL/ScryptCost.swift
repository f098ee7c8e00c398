import Crypto
import _CryptoExtras

/// scrypt cost parameters (RFC 7914). Default N=2^15, r=8, p=1 (about 63 ms in release).
///
/// The initialiser accepts any values so the RFC test vectors (N=16) can run through the
/// same derivation as stored hashes; `PasswordHash` enforces `isWithinLimits` wherever a
/// cost comes from a profile or is used to make a new hash.
/// - SeeAlso: RFC 7914 §2, §6
public struct ScryptCost: Sendable, Equatable, Codable {
    /// log2 of the CPU/memory cost N.
    public var logN: Int
    /// Block size r.
    public var r: Int
    /// Parallelisation p.
    public var p: Int

    public init(logN: Int, r: Int = 8, p: Int = 1) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    public static let `default` = ScryptCost(logN: 15)

    /// Below this a hash is too cheap to be worth storing; tests use it.
    public static let minimumLogN = 10
    /// Above this one login costs seconds and about 1 GiB.
    public static let maximumLogN = 20

    /// r above this only raises memory use; the memory cap below binds long before.
    static let blockSizeRange = 1...32
    /// p multiplies login time without raising memory; 16 logins' worth is plenty.
    static let parallelismRange = 1...16
    /// scrypt needs 128·N·r bytes; one login may not take more than 1 GiB (N=2^20, r=8).
    static let maximumMemoryBytes = 1 << 30

    /// True when a profile may hold, and a login may compute, a hash with this cost.
    var isWithinLimits: Bool {
        guard (Self.minimumLogN...Self.maximumLogN).contains(logN),
            Self.blockSizeRange.contains(r),
            Self.parallelismRange.contains(p)
        else { return false }
        return 128 * (1 << logN) * r <= Self.maximumMemoryBytes
    }

    /// The scrypt derivation that `PasswordHash.make` and `verify` use; no range check,
    /// so the RFC 7914 §12 vectors can call it with N=16.
    func deriveKey(password: [UInt8], salt: [UInt8], outputByteCount: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: password,
            salt: salt,
            outputByteCount: outputByteCount,
            rounds: 1 << logN,
            blockSize: r,
            parallelism: p
        )
        return key.withUnsafeBytes { Array($0) }
    }
}
