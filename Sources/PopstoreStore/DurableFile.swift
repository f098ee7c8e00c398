import PopstoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// Crash-safe writes of whole small files (profiles, groups, usage counters).
///
/// The protocol: write a tmp file beside the target, fsync it, make it visible with one
/// atomic rename (replace) or link (create-if-absent, which is atomic on NFS too), fsync
/// the directory. A reader sees the old file or the new one, never a part. A tmp file is
/// held under an OFD lock while it is written, so `store check` can tell a live writer's
/// tmp file from one a crash left behind.
enum DurableFile {
    /// Suffix of tmp files beside their target; their names start with ".".
    static let tmpSuffix = ".tmp"

    /// Largest small file the store reads whole (profiles, groups, settings): a named
    /// bound so a damaged or hostile file cannot exhaust memory.
    static let maximumSmallFileSize = 1 << 20

    static func read(_ path: String) throws(PopstoreError) -> [UInt8]? {
        do { return try Posix.readFile(path, limit: maximumSmallFileSize) } catch { throw error.popstoreError }
    }

    /// Replaces (or creates) `path` with `bytes`. `sync: false` skips both fsyncs, for a
    /// caller that syncs with a group commit (SyncGroup) before it relies on the file.
    static func replace(_ path: String, with bytes: [UInt8], sync: Bool = true) throws(PopstoreError) {
        try write(path, bytes, exclusive: false, sync: sync)
    }

    /// Replaces `path` for a change that may be lost in a crash but must never damage the
    /// file (a session's accounting): the new content is made durable by a group commit
    /// shared with concurrent writers, then renamed into place; the rename becomes durable
    /// with a later flush. After a crash the file holds the old content or the new, whole.
    static func replace(_ path: String, with bytes: [UInt8], syncGroup: SyncGroup) throws(PopstoreError) {
        do { try writeRaw(path, bytes, exclusive: false, mode: 0o640, sync: false, beforeVisible: { try syncGroup.sync() }) } catch let
            error as SystemCallError
        {
            throw error.popstoreError
        } catch {
            throw .permanent("store failure")
        }
    }

    /// Creates `path`; throws `.alreadyExists` if it exists.
    static func create(_ path: String, with bytes: [UInt8], what: String, mode: mode_t = 0o640) throws(PopstoreError) {
        do { try write(path, bytes, exclusive: true, mode: mode) } catch .alreadyExists {
            throw .alreadyExists("\(what) already exists")
        }
    }

    /// Removes `path` durably; absent is fine.
    static func remove(_ path: String) throws(PopstoreError) {
        do {
            try Posix.unlink(path)
            try Posix.fsyncDirectory(Posix.parentDirectory(of: path))
        } catch { throw error.popstoreError }
    }

    private static func write(_ path: String, _ bytes: [UInt8], exclusive: Bool, mode: mode_t = 0o640, sync: Bool = true)
        throws(PopstoreError)
    {
        do { try writeRaw(path, bytes, exclusive: exclusive, mode: mode, sync: sync) } catch let error as SystemCallError {
            if exclusive && error.errno == EEXIST { throw .alreadyExists("already exists") }
            throw error.popstoreError
        } catch {
            throw .permanent("store failure")
        }
    }

    private static func writeRaw(
        _ path: String, _ bytes: [UInt8], exclusive: Bool, mode: mode_t, sync: Bool, beforeVisible: () throws -> Void = {}
    ) throws {
        let directory = Posix.parentDirectory(of: path)
        let base = path[path.index(after: path.lastIndex(of: "/") ?? path.startIndex)...]
        let tmp = "\(directory)/.\(base).\(randomToken())\(tmpSuffix)"
        let fd = try Posix.open(tmp, O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        _ = FileLock.tryLock(descriptor: fd)
        var visible = false
        defer {
            Posix.close(fd)
            if !visible { try? Posix.unlink(tmp) }
        }
        try Posix.writeAll(fd, bytes, path: tmp)
        if sync { try Posix.fsync(fd, path: tmp) }
        try beforeVisible()
        if exclusive {
            try Posix.link(tmp, path)
            visible = true
            try Posix.unlink(tmp)
        } else {
            try Posix.rename(tmp, path)
            visible = true
        }
        if sync { try Posix.fsyncDirectory(directory) }
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Whether a leftover tmp file is abandoned: nobody holds its lock.
    static func isAbandoned(_ path: String) -> Bool {
        guard let fd = try? Posix.open(path, O_RDWR) else { return false }
        defer { Posix.close(fd) }
        return FileLock.tryLock(descriptor: fd)
    }
}
