import PopstoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// Exclusive access to a maildrop for one POP3 session: held from login to logout
/// through the maildrop's `.session.lock` (an OFD lock, so it excludes sessions in this
/// process, in other processes and, over NFS, on other hosts). New mail still arrives
/// meanwhile; the session works on the listing it took at login (RFC 1939 §8).
public final class MaildropSession: @unchecked Sendable {
    public let maildrop: Maildrop
    /// The messages at login, in arrival order: the numbering of the session.
    public let entries: [Maildrop.Entry]
    private let lock: FileLock

    init(maildrop: Maildrop, lock: FileLock) throws(PopstoreError) {
        self.maildrop = maildrop
        self.lock = lock
        self.entries = try maildrop.entries()
    }

    /// An open message for RETR/TOP. The caller owns `descriptor` and must close it.
    public struct OpenMessage: Sendable {
        public let descriptor: Int32
        /// The octets of POP3 form at the front of the file, read from its trailer: RETR
        /// needs no more, so it decodes no metadata.
        public let storedSize: Int
        let path: String
    }

    /// Opens the message at `index` of `entries` for sending; its bytes in
    /// [0, storedSize) are the POP3 form to send as they are.
    public func open(_ index: Int) throws(PopstoreError) -> OpenMessage {
        guard entries.indices.contains(index) else { throw .notFound("no such message") }
        let entry = entries[index]
        let fd: Int32
        do { fd = try Posix.open(entry.path, O_RDONLY) } catch { throw error.popstoreError }
        do {
            return OpenMessage(descriptor: fd, storedSize: try MessageFile.storedSize(fd: fd, path: entry.path), path: entry.path)
        } catch {
            Posix.close(fd)
            throw error
        }
    }

    /// Bytes of an open message, for sending over TLS in bounded chunks.
    public func read(_ message: OpenMessage, offset: Int, count: Int) throws(PopstoreError) -> [UInt8] {
        do { return try Posix.pread(message.descriptor, count: count, offset: Int64(offset), path: "message") } catch {
            throw error.popstoreError
        }
    }

    /// Bytes read at a time while scanning for TOP's line ends: at most one line-index
    /// stride (64 lines) is scanned, so a few reads of this size suffice.
    static let topScanChunk = 16 * 1024

    /// The stored end offset of the header and the first `bodyLines` body lines (TOP,
    /// RFC 1939 §7): from the line index made at delivery, scanning at most one stride.
    public func topEnd(_ message: OpenMessage, bodyLines: Int) throws(PopstoreError) -> Int {
        let pop3 = try MessageFile.readMetadata(fd: message.descriptor, path: message.path).pop3
        var (offset, skip) = pop3.topScanStart(bodyLines: bodyLines)
        while skip > 0 && offset < pop3.storedSize {
            let bytes = try read(message, offset: offset, count: min(MaildropSession.topScanChunk, pop3.storedSize - offset))
            if bytes.isEmpty { break }
            for (index, byte) in bytes.enumerated() where byte == 0x0A {
                skip -= 1
                if skip == 0 { return offset + index + 1 }
            }
            offset += bytes.count
        }
        return min(offset, pop3.storedSize)
    }

    /// The UPDATE state (RFC 1939 §6): deletes and retrieved marks, under the update lock.
    /// The session's own listing names the entries: nothing but this session renames
    /// them while it holds the maildrop, so the directory is not listed again.
    public func commit(deleted: Set<String>, retrieved: Set<String>) throws(PopstoreError) {
        try maildrop.markRetrieved(entries.filter { retrieved.contains($0.uid) && !deleted.contains($0.uid) })
        try maildrop.remove(entries.filter { deleted.contains($0.uid) })
    }

    /// Ends the session; the lock also ends if the process dies.
    public func release() { lock.release() }
}

extension Maildrop {
    /// Takes the maildrop for a session, or nil when another session holds it ([IN-USE]).
    public func openSession() throws(PopstoreError) -> MaildropSession? {
        guard let lock = try FileLock.tryAcquire("\(directory)/\(Maildrop.sessionLockFileName)") else { return nil }
        return try MaildropSession(maildrop: self, lock: lock)
    }
}
