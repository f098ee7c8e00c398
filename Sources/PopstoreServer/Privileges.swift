import Foundation
import Logging
import PopstoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// Dropping root after binding: `serve` may start as root to bind 110 and 995, then
/// runs as an unprivileged user for the rest of its life.
public enum Privileges {
    public static func drop(to target: (user: String, group: String?)?, logger: Logger) throws {
        guard let target else { return }
        guard geteuid() == 0 else {
            logger.notice("not running as root: no privileges to drop", metadata: ["server.user": "\(target.user)"])
            return
        }
        guard let password = getpwnam(target.user) else { throw PopstoreError.invalidInput("no such user: \(target.user)") }
        var gid = password.pointee.pw_gid
        if let groupName = target.group {
            guard let group = getgrnam(groupName) else { throw PopstoreError.invalidInput("no such group: \(groupName)") }
            gid = group.pointee.gr_gid
        }
        let uid = password.pointee.pw_uid
        // Order matters: supplementary groups and group first, while still root.
        guard initgroups(target.user, gid) == 0, setgid(gid) == 0, setuid(uid) == 0 else {
            throw PopstoreError.permanent("cannot drop privileges to \(target.user)")
        }
        // Regaining root must now be impossible, and no thread of the process may be left
        // with its old ids (setuid reaches only the threads glibc knows of).
        guard setuid(0) != 0 else { throw PopstoreError.permanent("privileges were not dropped") }
        if let privileged = threadsNotRunningAs(uid: uid) {
            throw PopstoreError.permanent("privileges were not dropped on thread \(privileged)")
        }
        logger.notice("running as \(target.user)")
    }

    /// The first thread of this process whose real, effective, saved or filesystem uid is
    /// not `uid`, from /proc; nil when every thread runs as `uid`.
    static func threadsNotRunningAs(uid: uid_t) -> String? {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        for task in tasks {
            guard let status = try? String(contentsOfFile: "/proc/self/task/\(task)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") })
            else { continue }
            let ids = line.dropFirst(4).split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { UInt32($0) }
            if ids.contains(where: { $0 != uid }) { return task }
        }
        return nil
    }
}
