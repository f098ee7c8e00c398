import PopstoreCore

/// One thing `store check` found.
public struct StoreProblem: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// A delivery's tmp file nobody is writing any more.
        case orphanTmp = "orphan-tmp"
        /// A small file's tmp copy left by an interrupted replace.
        case staleTmp = "stale-tmp"
        /// The usage counters disagree with the maildrop's entries.
        case usageMismatch = "usage-mismatch"
        /// A file in a maildrop that is not a valid entry.
        case badEntry = "bad-entry"
        /// An entry whose message file is damaged.
        case damagedMessage = "damaged-message"
        /// A maildrop no profile points to.
        case orphanMaildrop = "orphan-maildrop"
        /// A profile whose maildrop is missing.
        case missingMaildrop = "missing-maildrop"
        /// A rename a crash interrupted.
        case unfinishedRename = "unfinished-rename"
        /// A profile that cannot be read.
        case damagedProfile = "damaged-profile"
        /// The maildrop of a removed account, not yet deleted.
        case leftoverTrash = "leftover-trash"
    }

    public var kind: Kind
    /// Relative to the store root, or absolute for a volume outside it.
    public var path: String
    public var detail: String
}

public struct StoreCheckReport: Sendable, Equatable, Codable {
    /// Problems found (before any repair).
    public var problems: [StoreProblem] = []
    /// The problems that `--repair` mended.
    public var repaired: [StoreProblem] = []

    /// True when nothing is left to mend.
    public var consistent: Bool { problems.count == repaired.count }
}

/// `store check`: walks the whole store and compares it with its invariants; with
/// `repair`, mends what a crash can leave. Repair never deletes a message someone
/// could still want: damaged or orphaned mail goes to the volume's `lost+found`.
final class StoreChecker {
    let store: Store
    let repair: Bool
    var report = StoreCheckReport()

    init(store: Store, repair: Bool) {
        self.store = store
        self.repair = repair
    }

    private func relative(_ path: String) -> String {
        path.hasPrefix(store.root + "/") ? String(path.dropFirst(store.root.count + 1)) : path
    }

    private func found(_ kind: StoreProblem.Kind, _ path: String, _ detail: String, mend: () throws -> Void) {
        let problem = StoreProblem(kind: kind, path: relative(path), detail: detail)
        report.problems.append(problem)
        guard repair else { return }
        do {
            try mend()
            report.repaired.append(problem)
        } catch {}
    }

    func run() throws(PopstoreError) -> StoreCheckReport {
        try checkSmallFileTrees()
        var referenced: [String: Set<String>] = [:]  // volume -> maildrop ids
        try checkProfiles(&referenced)
        for volume in store.settings.volumes.map(store.volumeLayout) {
            try checkVolume(volume, referenced: referenced[volume.name] ?? [])
        }
        return report
    }

    /// Leftover tmp copies of profiles, groups, domains, forwardings.
    private func checkSmallFileTrees() throws(PopstoreError) {
        let layout = store.layout
        for directory in [layout.root, layout.groupsDirectory, layout.domainsDirectory, layout.keysDirectory] {
            try checkStaleTmp(in: directory)
        }
        for tree in [layout.profilesDirectory, layout.forwardDirectory] {
            for a in try list(tree) where !a.hasPrefix(".") {
                for b in try list("\(tree)/\(a)") where !b.hasPrefix(".") { try checkStaleTmp(in: "\(tree)/\(a)/\(b)") }
            }
        }
    }

    private func checkStaleTmp(in directory: String) throws(PopstoreError) {
        for name in try list(directory) where name.hasPrefix(".") && name.hasSuffix(DurableFile.tmpSuffix) {
            let path = "\(directory)/\(name)"
            if DurableFile.isAbandoned(path) {
                found(.staleTmp, path, "tmp file of an interrupted update") { try Posix.unlink(path) }
            }
        }
    }

    private func checkProfiles(_ referenced: inout [String: Set<String>]) throws(PopstoreError) {
        var paths: [String] = []
        try store.walkFanned(store.layout.profilesDirectory, suffix: ".json") { paths.append($0) }
        for path in paths {
            let profile: Profile
            do {
                guard let read = try JSONFile.read(Profile.self, at: path, what: "a profile", newest: Profile.formatVersion) else {
                    continue
                }
                profile = read
            } catch {
                found(.damagedProfile, path, error.message) {
                    throw PopstoreError.permanent("a damaged profile needs a person")
                }
                continue
            }
            if let old = profile.renamedFrom {
                found(.unfinishedRename, path, "rename from \(old) to \(profile.id) was interrupted") {
                    let store = self.store
                    let oldID = try AccountID(storedAddress: old)
                    if let stale = try store.profile(oldID), stale.maildropID == profile.maildropID {
                        try DurableFile.remove(store.layout.profileFile(oldID))
                    }
                    try store.updateProfile(profile.id) { $0.renamedFrom = nil }
                }
            }
            guard let maildrop = try? store.maildrop(for: profile) else {
                found(.damagedProfile, path, "names an unknown volume or a bad maildrop id") {
                    throw PopstoreError.permanent("a damaged profile needs a person")
                }
                continue
            }
            referenced[profile.volume, default: []].insert(profile.maildropID)
            if !Posix.isDirectory(maildrop.directory) {
                found(.missingMaildrop, maildrop.directory, "maildrop of \(profile.id) is missing") {
                    try Posix.makeDirectories(maildrop.directory)
                }
                continue
            }
            try checkMaildrop(maildrop)
        }
    }

    private func checkMaildrop(_ maildrop: Maildrop) throws(PopstoreError) {
        try checkStaleTmp(in: maildrop.directory)
        let volume = try store.volumeLayout(named: (try? store.profile(maildrop.account))?.volume ?? store.settings.defaultVolume)
        for name in try list(maildrop.directory) where !name.hasPrefix(".") {
            let path = "\(maildrop.directory)/\(name)"
            guard let entry = MaildropEntryName(name) else {
                found(.badEntry, path, "not a maildrop entry") { try setAside(path, in: volume) }
                continue
            }
            do {
                let metadata = try MessageFile.readMetadata(path: path)
                if Int64(metadata.pop3.downloadSize) != entry.size || metadata.uid != entry.uid {
                    found(.damagedMessage, path, "entry name disagrees with the message file") { try setAside(path, in: volume) }
                }
            } catch {
                found(.damagedMessage, path, error.message) { try setAside(path, in: volume) }
            }
        }
        // Compare counters under the lock, so a delivery in progress is not a mismatch.
        let mismatch = try maildrop.withLock {
            (locked: Maildrop.Locked) throws(PopstoreError) -> (MaildropUsage, (messages: Int64, bytes: Int64))? in
            let usage = (try? locked.usage()) ?? MaildropUsage()
            let counted = try maildrop.countedUsage()
            return usage.messages == counted.messages && usage.bytes == counted.bytes ? nil : (usage, counted)
        }
        if let (usage, counted) = mismatch {
            found(
                .usageMismatch, maildrop.directory,
                "usage says \(usage.messages) messages / \(usage.bytes) bytes, maildrop holds \(counted.messages) / \(counted.bytes)"
            ) {
                try maildrop.withLock { (locked: Maildrop.Locked) throws(PopstoreError) in
                    var fixed = (try? locked.usage()) ?? MaildropUsage()
                    let now = try maildrop.countedUsage()
                    fixed.change(messages: now.messages - fixed.messages, bytes: now.bytes - fixed.bytes, at: store.clock.now())
                    try locked.saveUsage(fixed)
                }
            }
        }
    }

    private func checkVolume(_ volume: VolumeLayout, referenced: Set<String>) throws(PopstoreError) {
        for name in try list(volume.tmpDirectory) {
            let path = "\(volume.tmpDirectory)/\(name)"
            if DurableFile.isAbandoned(path) {
                found(.orphanTmp, path, "delivery that never finished") { try Posix.unlink(path) }
            }
        }
        for name in try list(volume.trashDirectory) {
            let path = "\(volume.trashDirectory)/\(name)"
            found(.leftoverTrash, path, "maildrop of a removed account") { try store.removeTree(path) }
        }
        let drop = volume.dropDirectory
        for a in try list(drop) where !a.hasPrefix(".") {
            for b in try list("\(drop)/\(a)") where !b.hasPrefix(".") {
                for id in try list("\(drop)/\(a)/\(b)") where !referenced.contains(id) {
                    try checkOrphanMaildrop("\(drop)/\(a)/\(b)/\(id)", id: id, volume: volume)
                }
            }
        }
    }

    /// A maildrop no profile named during the walk. It may be an account being created
    /// right now: that holds the maildrop lock until its profile is visible, so decide
    /// only under the lock and after looking for a profile once more.
    private func checkOrphanMaildrop(_ path: String, id: String, volume: VolumeLayout) throws(PopstoreError) {
        guard let lock = try? FileLock.tryAcquire("\(path)/\(Maildrop.usageFileName)") else { return }
        defer { lock.release() }
        var owned = false
        try store.forEachProfile { if $0.maildropID == id && $0.volume == volume.name { owned = true } }
        if owned { return }
        let messages = (try list(path)).filter { !$0.hasPrefix(".") }
        found(
            .orphanMaildrop, path, messages.isEmpty ? "empty maildrop without an account" : "\(messages.count) messages without an account"
        ) {
            if messages.isEmpty {
                try store.removeTree(path)
            } else {
                try setAside(path, in: volume)
            }
        }
    }

    /// Moves a file or maildrop into `lost+found`, keeping its name.
    private func setAside(_ path: String, in volume: VolumeLayout) throws {
        let name = path.split(separator: "/").last.map(String.init) ?? "item"
        try Posix.makeDirectories(volume.lostFoundDirectory)
        try Posix.rename(path, "\(volume.lostFoundDirectory)/\(DurableFile.randomToken())-\(name)")
        try Posix.fsyncDirectory(Posix.parentDirectory(of: path))
        try Posix.fsyncDirectory(volume.lostFoundDirectory)
    }

    private func list(_ directory: String) throws(PopstoreError) -> [String] {
        do { return try Posix.listDirectory(directory).sorted() } catch { throw error.popstoreError }
    }
}

extension Store {
    /// Checks the store against its invariants; with `repair`, mends what a crash left.
    public func check(repair: Bool) throws(PopstoreError) -> StoreCheckReport {
        let checker = StoreChecker(store: self, repair: repair)
        return try checker.run()
    }
}
