import Foundation
import PopstoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// `syncfs(2)`: Glibc declares it only under _GNU_SOURCE, which Swift's Glibc module
/// leaves out, so it is named here; its C signature is `int syncfs(int)`.
@_silgen_name("syncfs")
private func syncfs(_ fd: Int32) -> Int32

/// Group commit for one volume: concurrent deliveries share one `syncfs` instead of
/// each paying its own fsyncs.
///
/// A caller makes its changes (writes a file, links names, renames) and then calls
/// ``sync()``, which returns once a `syncfs` that *started after the call* has completed:
/// everything the caller did before is then on stable storage. While one `syncfs` runs,
/// later callers wait and the next one covers all of them. On a disk where a flush costs
/// far more than the data written (every disk), N concurrent deliveries then cost about
/// one flush per phase instead of N × (files + directories).
///
/// `syncfs` flushes the whole filesystem the volume is on, other writers' data included;
/// that is the price of one flush for many, and it is bounded by what is dirty.
final class SyncGroup: @unchecked Sendable {
    let path: String
    private let condition = NSCondition()
    /// Tickets handed out; a ticket is durable once `completed` reaches it.
    private var issued: UInt64 = 0
    private var completed: UInt64 = 0
    private var running = false
    /// Rounds that failed, with the tickets they covered (the latest few).
    private var failures: [(tickets: ClosedRange<UInt64>, error: SystemCallError)] = []
    /// Failed rounds remembered: far more than callers can be waiting at once.
    private static let failuresKept = 64

    init(path: String) {
        self.path = path
    }

    /// Returns when everything this thread wrote before the call is durable.
    func sync() throws(SystemCallError) {
        condition.lock()
        issued += 1
        let ticket = issued
        while completed < ticket {
            if running {
                condition.wait()
                continue
            }
            running = true
            let first = completed + 1
            let last = issued
            condition.unlock()
            let failure = Self.syncFilesystem(path)
            condition.lock()
            running = false
            completed = last
            if let failure {
                failures.append((first...last, failure))
                if failures.count > Self.failuresKept { failures.removeFirst() }
            }
            condition.broadcast()
        }
        let failure = failures.last { $0.tickets.contains(ticket) }?.error
        condition.unlock()
        if let failure { throw failure }
    }

    private static func syncFilesystem(_ path: String) -> SystemCallError? {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return SystemCallError(call: "open", path: path, errno: errno) }
        defer { Glibc.close(fd) }
        return syncfs(fd) == 0 ? nil : SystemCallError(call: "syncfs", path: path, errno: errno)
    }
}

/// The sync groups of a store's volumes, made on first use.
final class SyncGroups: @unchecked Sendable {
    private let lock = NSLock()
    private var groups: [String: SyncGroup] = [:]

    func group(for path: String) -> SyncGroup {
        lock.lock()
        defer { lock.unlock() }
        if let group = groups[path] { return group }
        let group = SyncGroup(path: path)
        groups[path] = group
        return group
    }
}
