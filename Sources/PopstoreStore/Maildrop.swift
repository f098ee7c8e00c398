import MailMessage
import PopstoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// One account's maildrop: a directory with one entry per message (a hard link to the
/// message file), the usage counters, and the locks.
///
/// `.usage` holds the counters and is the lock that serialises short updates (a
/// delivery, a deletion, a retrieved mark);
/// `.session.lock` is held by a POP3 session for its whole life (`[IN-USE]`), so new
/// mail can still arrive while a user is connected.
public struct Maildrop: Sendable {
    public let account: AccountID
    public let directory: String
    let store: Store

    static let sessionLockFileName = ".session.lock"
    static let usageFileName = ".usage"

    /// One message in a maildrop.
    public struct Entry: Sendable, Equatable {
        public var name: MaildropEntryName
        public var path: String
        public var uid: String { name.uid }
        public var size: Int64 { name.size }
    }

    public func entries() throws(PopstoreError) -> [Entry] {
        let names: [String]
        do { names = try Posix.listDirectory(directory) } catch { throw error.popstoreError }
        return names.compactMap { name in MaildropEntryName(name).map { Entry(name: $0, path: "\(directory)/\(name)") } }
            .sorted { $0.name < $1.name }
    }

    public func entry(uid: String) throws(PopstoreError) -> Entry? {
        guard MaildropEntryName.isValidUID(uid) else { return nil }
        return try entries().first { $0.uid == uid }
    }

    /// The message's metadata (envelope and POP3 figures).
    public func metadata(_ entry: Entry) throws(PopstoreError) -> StoredMessageMetadata {
        try MessageFile.readMetadata(path: entry.path)
    }

    /// The stored POP3-form bytes (dot-stuffed, CRLF) of a message.
    public func storedBytes(_ entry: Entry) throws(PopstoreError) -> [UInt8] {
        let fd: Int32
        do { fd = try Posix.open(entry.path, O_RDONLY) } catch { throw error.popstoreError }
        defer { Posix.close(fd) }
        let metadata = try MessageFile.readMetadata(fd: fd, path: entry.path)
        do { return try Posix.pread(fd, count: metadata.pop3.storedSize, offset: 0, path: entry.path) } catch {
            throw error.popstoreError
        }
    }

    /// The header part of a stored message (bounded by `MessageHeader.maximumHeaderBytes`).
    public func headerBytes(_ entry: Entry) throws(PopstoreError) -> [UInt8] {
        let fd: Int32
        do { fd = try Posix.open(entry.path, O_RDONLY) } catch { throw error.popstoreError }
        defer { Posix.close(fd) }
        let metadata = try MessageFile.readMetadata(fd: fd, path: entry.path)
        let count = min(metadata.pop3.headerLength, MessageHeader.maximumHeaderBytes)
        do { return try Posix.pread(fd, count: count, offset: 0, path: entry.path) } catch { throw error.popstoreError }
    }

    /// The usage counters. They are a cache of what the entries say: deliveries write
    /// them with their group commit, so a crash may leave them behind or unreadable; an
    /// unreadable file is counted anew from the entries, and `store check` repairs one
    /// that is behind.
    public func usage() throws(PopstoreError) -> MaildropUsage {
        let path = "\(directory)/\(Maildrop.usageFileName)"
        return try decodeUsage(try DurableFile.read(path), path: path)
    }

    /// Runs `body` under the maildrop's update lock (across processes and hosts).
    ///
    /// The lock is an OFD lock on the usage file itself, so an update opens one file, not
    /// two: for that the counters are only ever written in place, never replaced by a
    /// rename (a lock belongs to an inode, and a new inode would be a new lock).
    public func withLock<T>(_ body: (Locked) throws(PopstoreError) -> T) throws(PopstoreError) -> T {
        let path = "\(directory)/\(Maildrop.usageFileName)"
        let lock = try FileLock.acquire(path)
        defer { lock.release() }
        return try body(Locked(maildrop: self, lock: lock))
    }

    /// The same for a caller with nothing to ask of the lock.
    public func withLock<T>(_ body: () throws(PopstoreError) -> T) throws(PopstoreError) -> T {
        try withLock { (_: Locked) throws(PopstoreError) -> T in try body() }
    }

    /// A maildrop whose update lock the caller holds: its counters, read and written
    /// through the lock's descriptor.
    public struct Locked {
        public let maildrop: Maildrop
        let lock: FileLock

        /// The counters as they are now.
        public func usage() throws(PopstoreError) -> MaildropUsage {
            try maildrop.decodeUsage(try read(), path: lock.path)
        }

        /// Reads the counters, lets `body` change them, and writes them back in place if
        /// it did, without a sync: for a delivery, whose group commit makes it durable.
        func updateUsage<T>(_ body: (inout MaildropUsage) throws(PopstoreError) -> T) throws(PopstoreError) -> T {
            let bytes = try read()
            let before = try maildrop.decodeUsage(bytes, path: lock.path)
            var usage = before
            let result = try body(&usage)
            if usage != before { try write(usage, over: bytes?.count ?? 0, sync: false) }
            return result
        }

        /// Writes the counters and makes them durable (a deletion, a repair).
        func saveUsage(_ usage: MaildropUsage) throws(PopstoreError) {
            try write(usage, over: nil, sync: true)
        }

        private func read() throws(PopstoreError) -> [UInt8]? {
            let bytes: [UInt8]
            do { bytes = try Posix.readAll(lock.descriptor, limit: DurableFile.maximumSmallFileSize, path: lock.path) } catch {
                throw error.popstoreError
            }
            return bytes.isEmpty ? nil : bytes
        }

        private func write(_ usage: MaildropUsage, over previousLength: Int?, sync: Bool) throws(PopstoreError) {
            let encoded = try JSONFile.encode(usage)
            do {
                try Posix.overwrite(lock.descriptor, with: encoded, previousLength: previousLength, path: lock.path)
                if sync { try Posix.fsync(lock.descriptor, path: lock.path) }
            } catch { throw error.popstoreError }
            maildrop.store.usageCache.remember(usage, at: lock.path, bytes: encoded)
        }
    }

    fileprivate func decodeUsage(_ bytes: [UInt8]?, path: String) throws(PopstoreError) -> MaildropUsage {
        guard let bytes else { return MaildropUsage() }
        if let cached = store.usageCache.value(at: path, bytes: bytes) { return cached }
        do {
            let usage = try JSONFile.decode(MaildropUsage.self, from: bytes, what: "maildrop usage", newest: MaildropUsage.formatVersion)
            store.usageCache.remember(usage, at: path, bytes: bytes)
            return usage
        } catch {
            guard JSONFile.isDamage(error) else { throw error }
            let counted = try countedUsage()
            var usage = MaildropUsage()
            usage.change(messages: counted.messages, bytes: counted.bytes, at: store.clock.now())
            return usage
        }
    }

    /// Removes messages; the message file is freed when its last link goes.
    public func remove(uids: Set<String>) throws(PopstoreError) {
        try remove(try entries().filter { uids.contains($0.uid) })
    }

    /// Removes these entries, as listed earlier (a session's listing at login). An entry
    /// already gone (removed meanwhile by a manager or the bouncer) is skipped and not
    /// counted again.
    public func remove(_ entries: [Entry]) throws(PopstoreError) {
        guard !entries.isEmpty else { return }
        try withLock { (locked: Locked) throws(PopstoreError) in
            var usage = try locked.usage()
            var removedBytes: Int64 = 0
            var removedCount: Int64 = 0
            for entry in entries {
                let removed: Bool
                do { removed = try Posix.removeFile(entry.path) } catch { throw Store.classify(error) }
                guard removed else { continue }
                removedBytes += entry.size
                removedCount += 1
            }
            guard removedCount > 0 else { return }
            do { try Posix.fsyncDirectory(directory) } catch { throw Store.classify(error) }
            usage.change(messages: -removedCount, bytes: -removedBytes, at: store.clock.now())
            try locked.saveUsage(usage)
        }
    }

    /// Marks messages retrieved (a rename within the maildrop; the UIDL stays).
    public func markRetrieved(uids: Set<String>) throws(PopstoreError) {
        try markRetrieved(try entries().filter { uids.contains($0.uid) })
    }

    /// Marks these entries retrieved, as listed earlier; an entry gone meanwhile is skipped.
    public func markRetrieved(_ entries: [Entry]) throws(PopstoreError) {
        let unmarked = entries.filter { !$0.name.retrieved }
        guard !unmarked.isEmpty else { return }
        try withLock { () throws(PopstoreError) in
            var changed = false
            for entry in unmarked {
                var name = entry.name
                name.retrieved = true
                do throws(SystemCallError) { try Posix.rename(entry.path, "\(directory)/\(name)") } catch {
                    if error.errno == ENOENT { continue }
                    throw Store.classify(error)
                }
                changed = true
            }
            if changed { do { try Posix.fsyncDirectory(directory) } catch { throw Store.classify(error) } }
        }
    }

    /// Usage as the entries say: what `.usage` must agree with.
    public func countedUsage() throws(PopstoreError) -> (messages: Int64, bytes: Int64) {
        let all = try entries()
        return (Int64(all.count), all.reduce(0) { $0 + $1.size })
    }
}

extension Store {
    public func maildrop(for profile: Profile) throws(PopstoreError) -> Maildrop {
        guard VolumeLayout.isValidMaildropID(profile.maildropID) else { throw .permanent("profile of \(profile.id) is damaged") }
        let volume = try volumeLayout(named: profile.volume)
        return Maildrop(account: profile.id, directory: volume.maildropDirectory(profile.maildropID), store: self)
    }
}
