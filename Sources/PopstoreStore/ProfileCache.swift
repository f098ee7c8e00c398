import Foundation
import PopstoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// Decoded profiles, each kept with the version of the file it came from.
///
/// Every lookup still opens the file (which on NFS revalidates it: close-to-open
/// consistency) and compares its inode and change time with the cached version; only the
/// read and the JSON decoding are saved, which is most of the cost of a RCPT check or a
/// login. Profiles are replaced by rename, so a changed profile is a new inode and is
/// never served stale.
final class ProfileCache: @unchecked Sendable {
    /// Profiles kept: the active accounts of a large site; at the bound the cache starts
    /// over rather than tracking recency (a rare, cheap event).
    static let capacity = 50_000

    private let lock = NSLock()
    private var entries: [String: (version: Posix.FileVersion, profile: Profile)] = [:]

    func profile(at path: String, version: Posix.FileVersion) -> Profile? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[path], entry.version == version else { return nil }
        return entry.profile
    }

    func remember(_ profile: Profile, at path: String, version: Posix.FileVersion) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[path] = (version, profile)
    }
}
