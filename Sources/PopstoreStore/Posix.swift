import PopstoreCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failed system call, classified for the caller: a full disk or quota is temporary
/// (RFC 3463 4.3.1), everything else a store fault. The path stays in the log side.
struct SystemCallError: Error, CustomStringConvertible {
    let call: String
    let path: String
    let errno: Int32

    var description: String { "\(call)(\(path)): \(String(cString: strerror(errno)))" }

    var popstoreError: PopstoreError {
        switch errno {
        case ENOSPC, EDQUOT: return .temporary(PopstoreError.outOfSpaceMessage)
        case EIO, EAGAIN, EINTR, ETIMEDOUT, ESTALE: return .temporary("the store is temporarily unavailable")
        default: return .permanent("store failure: \(call): \(String(cString: strerror(errno)))")
        }
    }
}

/// Thin wrappers over the system calls the store needs, each retrying EINTR and
/// throwing a classified error.
enum Posix {
    static func check(_ result: Int32, _ call: String, _ path: String) throws(SystemCallError) -> Int32 {
        if result < 0 { throw SystemCallError(call: call, path: path, errno: errno) }
        return result
    }

    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o640) throws(SystemCallError) -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw SystemCallError(call: "open", path: path, errno: errno)
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemCallError(call: "write", path: path, errno: errno)
            }
            offset += n
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemCallError(call: "write", path: path, errno: errno)
            }
            offset += n
        }
    }

    static func pread(_ fd: Int32, count: Int, offset: Int64, path: String) throws(SystemCallError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemCallError(call: "pread", path: path, errno: errno)
            }
            if n == 0 { break }
            done += n
        }
        out.removeLast(count - done)
        return out
    }

    /// Writes `bytes` over the start of `path` (creating it) and cuts it to their length:
    /// no new inode, no directory change. Not atomic; the caller copes with a torn file.
    static func overwrite(_ path: String, with bytes: [UInt8]) throws(SystemCallError) {
        let fd = try open(path, O_WRONLY | O_CREAT, mode: 0o640)
        defer { close(fd) }
        try overwrite(fd, with: bytes, path: path)
    }

    /// The same through an open descriptor; `previousLength`, where the caller knows it,
    /// spares the truncation when the new content is no shorter.
    static func overwrite(_ fd: Int32, with bytes: [UInt8], previousLength: Int? = nil, path: String) throws(SystemCallError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemCallError(call: "pwrite", path: path, errno: errno)
            }
            done += n
        }
        if let previousLength, previousLength <= bytes.count { return }
        guard ftruncate(fd, off_t(bytes.count)) == 0 else { throw SystemCallError(call: "ftruncate", path: path, errno: errno) }
    }

    static func fsync(_ fd: Int32, path: String) throws(SystemCallError) {
        _ = try check(Glibc.fsync(fd), "fsync", path)
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Makes a directory's entries durable: after a create, rename, link or unlink in it.
    static func fsyncDirectory(_ path: String) throws(SystemCallError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    static func rename(_ from: String, _ to: String) throws(SystemCallError) {
        _ = try check(Glibc.rename(from, to), "rename", to)
    }

    static func link(_ from: String, _ to: String) throws(SystemCallError) {
        _ = try check(Glibc.link(from, to), "link", to)
    }

    /// Removes a file; a file already gone is not an error.
    static func unlink(_ path: String) throws(SystemCallError) {
        _ = try removeFile(path)
    }

    /// Removes a file and says whether this call removed it (false: it was already gone).
    static func removeFile(_ path: String) throws(SystemCallError) -> Bool {
        if Glibc.unlink(path) == 0 { return true }
        if errno == ENOENT { return false }
        throw SystemCallError(call: "unlink", path: path, errno: errno)
    }

    static func rmdir(_ path: String) throws(SystemCallError) {
        if Glibc.rmdir(path) < 0, errno != ENOENT { throw SystemCallError(call: "rmdir", path: path, errno: errno) }
    }

    /// `mkdir -p`, fsyncing each parent whose entries changed.
    static func makeDirectories(_ path: String, mode: mode_t = 0o750) throws(SystemCallError) {
        if isDirectory(path) { return }
        let parent = parentDirectory(of: path)
        if parent != path, !parent.isEmpty { try makeDirectories(parent, mode: mode) }
        if Glibc.mkdir(path, mode) < 0 {
            if errno == EEXIST { return }
            throw SystemCallError(call: "mkdir", path: path, errno: errno)
        }
        if !parent.isEmpty { try fsyncDirectory(parent) }
    }

    static func fileStatus(_ path: String) -> stat? {
        var st = stat()
        return stat(path, &st) == 0 ? st : nil
    }

    static func isDirectory(_ path: String) -> Bool {
        guard let st = fileStatus(path) else { return false }
        return (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return Glibc.lstat(path, &st) == 0
    }

    /// Names in a directory, without `.` and `..`; an absent directory is empty.
    static func listDirectory(_ path: String) throws(SystemCallError) -> [String] {
        guard let dir = opendir(path) else {
            if errno == ENOENT || errno == ENOTDIR { return [] }
            throw SystemCallError(call: "opendir", path: path, errno: errno)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    static func readFile(_ path: String, limit: Int) throws(SystemCallError) -> [UInt8]? {
        let fd: Int32
        do { fd = try open(path, O_RDONLY) } catch { if error.errno == ENOENT { return nil } else { throw error } }
        defer { close(fd) }
        return try readAll(fd, limit: limit, path: path)
    }

    /// Reads a regular file whole, from its start (whatever the descriptor's offset), into a buffer that starts at one page's worth
    /// and grows. A read that fills less than the space offered ends the file: a regular
    /// file's read comes up short only at its end (POSIX; local file systems and NFS
    /// alike), which saves a small file's second read, the common case here.
    static func readAll(_ fd: Int32, limit: Int, path: String) throws(SystemCallError) -> [UInt8] {
        var out: [UInt8] = []
        var capacity = 4_096
        while true {
            let start = out.count
            var failure: Int32?
            var got = 0
            out.append(contentsOf: repeatElement(0, count: capacity - start))
            out.withUnsafeMutableBytes { buffer in
                while true {
                    let n = Glibc.pread(fd, buffer.baseAddress! + start, capacity - start, off_t(start))
                    if n < 0 && errno == EINTR { continue }
                    if n < 0 { failure = errno } else { got = n }
                    return
                }
            }
            if let failure { throw SystemCallError(call: "pread", path: path, errno: failure) }
            out.removeLast(capacity - start - got)
            if out.count > limit { throw SystemCallError(call: "read", path: path, errno: EFBIG) }
            if got < capacity - start { return out }
            capacity *= 2
        }
    }
}
