import PopstoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a lock file, held through an open file description.
///
/// Uses Linux open-file-description locks (`F_OFD_SETLK`): unlike classic POSIX
/// `fcntl` locks they exclude other descriptors in the same process (two sessions of
/// one server), and unlike `flock` they are carried to the server by the Linux NFS
/// client as byte-range locks (NLM / NFSv4), so they hold across hosts sharing the
/// store. The lock dies with the descriptor, so a killed process never leaves a
/// maildrop locked.
final class FileLock {
    private var fd: Int32
    let path: String

    /// F_OFD_SETLK / F_OFD_SETLKW from <fcntl.h> (Linux 3.15+); not exported by Glibc's module.
    private static let setLock: Int32 = 37
    private static let setLockWait: Int32 = 38

    /// Longest wait for a lock another writer holds for a short update (a delivery, a
    /// profile change) before the caller reports a temporary failure.
    static let defaultWait: Duration = .seconds(30)

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { if fd >= 0 { Posix.close(fd) } }

    /// The locked file's descriptor, for a lock file that also holds data (a maildrop's usage counters).
    var descriptor: Int32 { fd }

    /// Waits for the lock, creating the lock file if needed.
    static func acquire(_ path: String, wait: Duration = defaultWait) throws(PopstoreError) -> FileLock {
        let fd: Int32
        do { fd = try Posix.open(path, O_RDWR | O_CREAT, mode: 0o640) } catch { throw error.popstoreError }
        let lock = FileLock(fd: fd, path: path)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: wait)
        var pause = Duration.milliseconds(1)
        while true {
            if try lock.tryLock() { return lock }
            if clock.now >= deadline { throw .temporary("the store is busy; try again") }
            let nanos = pause.components.attoseconds / 1_000_000_000 + pause.components.seconds * 1_000_000_000
            var ts = timespec(tv_sec: Int(nanos / 1_000_000_000), tv_nsec: Int(nanos % 1_000_000_000))
            _ = nanosleep(&ts, nil)
            pause = min(pause * 2, .milliseconds(50))
        }
    }

    /// Takes the lock only if nobody holds it; nil when it is held elsewhere.
    static func tryAcquire(_ path: String) throws(PopstoreError) -> FileLock? {
        let fd: Int32
        do { fd = try Posix.open(path, O_RDWR | O_CREAT, mode: 0o640) } catch { throw error.popstoreError }
        let lock = FileLock(fd: fd, path: path)
        return try lock.tryLock() ? lock : nil
    }

    /// Takes the lock on a file that must exist (it is not created); nil when it is held
    /// elsewhere, `.notFound` when the file is gone.
    static func tryAcquireExisting(_ path: String) throws(PopstoreError) -> FileLock? {
        let fd: Int32
        do { fd = try Posix.open(path, O_RDWR) } catch {
            if error.errno == ENOENT { throw .notFound("no such file") }
            throw error.popstoreError
        }
        let lock = FileLock(fd: fd, path: path)
        return try lock.tryLock() ? lock : nil
    }

    /// Locks an already open descriptor (a tmp file being written), which keeps it owned.
    static func tryLock(descriptor fd: Int32) -> Bool {
        var fl = flock()
        fl.l_type = Int16(F_WRLCK)
        fl.l_whence = Int16(SEEK_SET)
        fl.l_start = 0
        fl.l_len = 0
        fl.l_pid = 0
        return fcntl(fd, setLock, &fl) == 0
    }

    private func tryLock() throws(PopstoreError) -> Bool {
        if FileLock.tryLock(descriptor: fd) { return true }
        if errno == EAGAIN || errno == EACCES || errno == EINTR { return false }
        throw SystemCallError(call: "fcntl(F_OFD_SETLK)", path: path, errno: errno).popstoreError
    }

    func release() {
        if fd >= 0 {
            Posix.close(fd)
            fd = -1
        }
    }
}
