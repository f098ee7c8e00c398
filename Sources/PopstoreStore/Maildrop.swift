import MailMessage
import PopstoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// One account's maildrop: a directory with one entry per message (a hard link to the
/// message file), the usage counters, and the locks.
///
/// `.lock` serialises short updates (a delivery, a deletion, a retrieved mark);
/// `.session.lock` is held by a POP3 session for its whole life (`[IN-USE]`), so new
/// mail can still arrive while a user is connected.
public struct Maildrop: Sendable {
    public let account: AccountID
    public let directory: String
    let store: Store

    static let lockFileName = ".lock"
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

    /// Reads the counters, lets `body` change them, and writes them back in place if it
    /// did, through one descriptor: for a caller holding the maildrop lock (a delivery),
    /// whose group commit makes the change durable.
    func updateUsage<T>(_ body: (inout MaildropUsage) throws(PopstoreError) -> T) throws(PopstoreError) -> T {
        let path = "\(directory)/\(Maildrop.usageFileName)"
        let fd: Int32
        do { fd = try Posix.open(path, O_RDWR | O_CREAT) } catch { throw error.popstoreError }
        defer { Posix.close(fd) }
        let bytes: [UInt8]
        do { bytes = try Posix.readAll(fd, limit: DurableFile.maximumSmallFileSize, path: path) } catch { throw error.popstoreError }
        let before = try decodeUsage(bytes.isEmpty ? nil : bytes, path: path)
        var usage = before
        let result = try body(&usage)
        guard usage != before else { return result }
        let encoded = try JSONFile.encode(usage)
        do { try Posix.overwrite(fd, with: encoded, path: path) } catch { throw error.popstoreError }
        store.usageCache.remember(usage, at: path, bytes: encoded)
        return result
    }

    private func decodeUsage(_ bytes: [UInt8]?, path: String) throws(PopstoreError) -> MaildropUsage {
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

    /// Saves the counters durably (a deletion, a repair).
    func saveUsage(_ usage: MaildropUsage) throws(PopstoreError) {
        try DurableFile.replace("\(directory)/\(Maildrop.usageFileName)", with: try JSONFile.encode(usage))
    }

    /// Runs `body` under the maildrop's update lock (across processes and hosts).
    public func withLock<T>(_ body: () throws(PopstoreError) -> T) throws(PopstoreError) -> T {
        let lock = try FileLock.acquire("\(directory)/\(Maildrop.lockFileName)")
        defer { lock.release() }
        return try body()
    }

    /// Removes messages; the message file is freed when its last link goes.
    public func remove(uids: Set<String>) throws(PopstoreError) {
        try withLock { () throws(PopstoreError) in
            var usage = try usage()
            var removedBytes: Int64 = 0
            var removedCount: Int64 = 0
            for entry in try entries() where uids.contains(entry.uid) {
                do { try Posix.unlink(entry.path) } catch { throw Store.classify(error) }
                removedBytes += entry.size
                removedCount += 1
            }
            guard removedCount > 0 else { return }
            do { try Posix.fsyncDirectory(directory) } catch { throw Store.classify(error) }
            usage.change(messages: -removedCount, bytes: -removedBytes, at: store.clock.now())
            try saveUsage(usage)
        }
    }

    /// Marks messages retrieved (a rename within the maildrop; the UIDL stays).
    public func markRetrieved(uids: Set<String>) throws(PopstoreError) {
        try withLock { () throws(PopstoreError) in
            var changed = false
            for entry in try entries() where uids.contains(entry.uid) && !entry.name.retrieved {
                var name = entry.name
                name.retrieved = true
                do { try Posix.rename(entry.path, "\(directory)/\(name)") } catch { throw Store.classify(error) }
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
