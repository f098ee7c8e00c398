import Crypto
import Foundation

/// Remembers, for a while, that a password was verified against a stored hash, so a
/// client polling every minute does not cost an scrypt hash per login.
///
/// An entry is keyed by an HMAC of account and password under a key made at start-up
/// (never stored), and it holds the stored hash it was checked against: when the password
/// changes, the stored hash changes and the entry no longer matches. Entries expire after
/// `lifetime`; the table is bounded by `capacity` (the oldest entries go first).
public final class VerifiedPasswordCache: @unchecked Sendable {
    private struct Entry {
        var storedHash: String
        var expires: Date
    }

    private let key = SymmetricKey(size: .bits256)
    private let lock = NSLock()
    private var entries: [Data: Entry] = [:]
    private let lifetime: TimeInterval
    private let capacity: Int
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - lifetime: how long a verification counts; 0 turns the cache off.
    ///   - capacity: at most this many entries (a bound on memory).
    public init(lifetime: TimeInterval, capacity: Int = 100_000, now: @escaping @Sendable () -> Date = { Date() }) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.now = now
    }

    private func fingerprint(account: String, password: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Array(account.utf8) + [0] + Array(password.utf8), using: key))
    }

    /// Whether `password` was verified for `account` against `storedHash` within the lifetime.
    public func contains(account: String, password: String, storedHash: String) -> Bool {
        guard lifetime > 0 else { return false }
        let id = fingerprint(account: account, password: password)
        let time = now()
        return lock.withLock {
            guard let entry = entries[id] else { return false }
            guard entry.expires > time, entry.storedHash == storedHash else {
                entries[id] = nil
                return false
            }
            return true
        }
    }

    /// Records a successful verification.
    public func insert(account: String, password: String, storedHash: String) {
        guard lifetime > 0 else { return }
        let id = fingerprint(account: account, password: password)
        let time = now()
        lock.withLock {
            if entries.count >= capacity {
                entries = entries.filter { $0.value.expires > time }
                if entries.count >= capacity, let oldest = entries.min(by: { $0.value.expires < $1.value.expires }) {
                    entries[oldest.key] = nil
                }
            }
            entries[id] = Entry(storedHash: storedHash, expires: time.addingTimeInterval(lifetime))
        }
    }
}
