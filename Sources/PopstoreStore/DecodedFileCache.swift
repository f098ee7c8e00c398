import Foundation
import PopstoreCore

/// Decoded small files (profiles, usage counters), each kept with the octets it was
/// decoded from.
///
/// A lookup still reads the file, every time, and compares the octets with the cached
/// ones; only the JSON decoding is saved, which is most of the cost of a RCPT check, a
/// delivery's bookkeeping or a login. Comparing content rather than inode and times
/// means no change is ever missed: file times tick coarsely, and another process (or
/// host, over NFS) may rewrite a file within one tick.
final class DecodedFileCache<Value: Sendable>: @unchecked Sendable {
    /// Entries kept: the active accounts of a large site; at the bound the cache starts
    /// over rather than tracking recency (a rare, cheap event).
    static var capacity: Int { 50_000 }

    private let lock = NSLock()
    private var entries: [String: (bytes: [UInt8], value: Value)] = [:]

    func value(at path: String, bytes: [UInt8]) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[path], entry.bytes == bytes else { return nil }
        return entry.value
    }

    func remember(_ value: Value, at path: String, bytes: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[path] = (bytes, value)
    }
}
