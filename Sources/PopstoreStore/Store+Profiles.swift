import Foundation
import PopstoreCore

extension Store {
    /// The profile of an account, or nil.
    public func profile(_ id: AccountID) throws(PopstoreError) -> Profile? {
        let path = layout.profileFile(id)
        guard let bytes = try DurableFile.read(path) else { return nil }
        let profile: Profile
        if let cached = profileCache.value(at: path, bytes: bytes) {
            profile = cached
        } else {
            profile = try JSONFile.decode(Profile.self, from: bytes, what: "a profile", newest: Profile.formatVersion)
            profileCache.remember(profile, at: path, bytes: bytes)
        }
        // The file name is a hash; the content must agree, or the file was misplaced.
        guard profile.id == id else { throw .permanent("profile for \(id) is misplaced") }
        return profile
    }

    /// Creates an account: its maildrop first, then its profile, so a visible profile
    /// always has a maildrop. A crash in between leaves an empty maildrop that `check`
    /// removes.
    public func createAccount(_ profile: Profile) throws(PopstoreError) {
        guard VolumeLayout.isValidMaildropID(profile.maildropID) else { throw .permanent("invalid maildrop id") }
        let volume = try volumeLayout(named: profile.volume)
        let drop = volume.maildropDirectory(profile.maildropID)
        let file = layout.profileFile(profile.id)
        if Posix.exists(file) { throw .alreadyExists("account \(profile.id) already exists") }
        do { try Posix.makeDirectories(drop) } catch { throw error.popstoreError }
        // Held until the profile is visible, so `store check` never takes this new
        // maildrop for one a crash left behind.
        try Maildrop(account: profile.id, directory: drop, store: self).withLock { (locked: Maildrop.Locked) throws(PopstoreError) in
            try locked.saveUsage(MaildropUsage())
            do {
                try Posix.fsyncDirectory(drop)
                try Posix.makeDirectories(Posix.parentDirectory(of: file))
            } catch { throw Store.classify(error) }
            do {
                try DurableFile.create(file, with: try JSONFile.encode(profile), what: "account \(profile.id)")
            } catch {
                try? removeTree(drop)
                throw Store.classify(error)
            }
        }
    }

    /// How soon a profile change must be on stable storage.
    public enum ProfileDurability: Sendable {
        /// Before the call returns (a password, flags, quota: anything a user was told).
        case immediate
        /// With a group commit shared by concurrent writers, the rename riding on a later
        /// flush: a crash may lose the change, never the profile (a session's accounting,
        /// written twice per POP3 session).
        case grouped
    }

    /// Changes a profile under its lock and returns the new one.
    @discardableResult
    public func updateProfile(
        _ id: AccountID, durability: ProfileDurability = .immediate, _ change: (inout Profile) throws(PopstoreError) -> Void
    ) throws(PopstoreError) -> Profile {
        let lock = try FileLock.acquire(layout.profileLock(id))
        defer { lock.release() }
        guard var profile = try profile(id) else { throw .notFound("no such account: \(id)") }
        let before = profile
        try change(&profile)
        guard profile.name == before.name, profile.domain == before.domain, profile.maildropID == before.maildropID,
            profile.volume == before.volume
        else { throw .permanent("an update may not change an account's identity or maildrop") }
        profile.version = Profile.formatVersion
        guard profile != before else { return profile }
        let file = layout.profileFile(id)
        let encoded = try JSONFile.encode(profile)
        switch durability {
        case .immediate: try DurableFile.replace(file, with: encoded)
        case .grouped: try DurableFile.replace(file, with: encoded, syncGroup: syncGroups.group(for: layout.root))
        }
        profileCache.remember(profile, at: file, bytes: encoded)
        return profile
    }

    /// Renames an account. The maildrop stays where it is (its id does not change).
    ///
    /// Steps, each durable: write the new profile marked `renamedFrom`, remove the old
    /// one, clear the mark. `store check --repair` finishes a rename a crash interrupted.
    public func renameAccount(_ old: AccountID, to new: AccountID) throws(PopstoreError) {
        let lock = try FileLock.acquire(layout.profileLock(old))
        defer { lock.release() }
        guard var profile = try profile(old) else { throw .notFound("no such account: \(old)") }
        if old == new { return }
        profile.name = new.name
        profile.domain = new.domain
        profile.renamedFrom = old.address
        let newFile = layout.profileFile(new)
        do { try Posix.makeDirectories(Posix.parentDirectory(of: newFile)) } catch { throw error.popstoreError }
        try DurableFile.create(newFile, with: try JSONFile.encode(profile), what: "account \(new)")
        try DurableFile.remove(layout.profileFile(old))
        try? DurableFile.remove(layout.profileLock(old))
        try moveSieveScripts(from: old, to: new)
        profile.renamedFrom = nil
        try DurableFile.replace(newFile, with: try JSONFile.encode(profile))
    }

    /// Removes an account and its mail. The maildrop is first moved to the volume's
    /// trash (one atomic rename), then the profile goes, then the trash is emptied; a
    /// crash leaves either a whole account or trash that `check` empties.
    public func removeAccount(_ id: AccountID) throws(PopstoreError) {
        let lock = try FileLock.acquire(layout.profileLock(id))
        defer { lock.release() }
        guard let profile = try profile(id) else { throw .notFound("no such account: \(id)") }
        let volume = try volumeLayout(named: profile.volume)
        let drop = volume.maildropDirectory(profile.maildropID)
        let trash = "\(volume.trashDirectory)/\(profile.maildropID)"
        do {
            if Posix.exists(drop) {
                let maildropLock = try FileLock.acquire("\(drop)/\(Maildrop.usageFileName)")
                try Posix.rename(drop, trash)
                try Posix.fsyncDirectory(Posix.parentDirectory(of: drop))
                maildropLock.release()
            }
        } catch let error as SystemCallError { throw error.popstoreError } catch let error as PopstoreError { throw error } catch {
            throw .permanent("store failure")
        }
        try DurableFile.remove(layout.profileFile(id))
        try? DurableFile.remove(layout.profileLock(id))
        try? removeSieveScripts(id)
        try removeTree(trash)
    }

    /// Every profile, by a walk of the profile tree (there is no list of accounts).
    /// A damaged profile is skipped here and reported by `store check`.
    public func forEachProfile(_ body: (Profile) throws(PopstoreError) -> Void) throws(PopstoreError) {
        try walkFanned(layout.profilesDirectory, suffix: ".json") { (path) throws(PopstoreError) in
            guard let profile = try? JSONFile.read(Profile.self, at: path, what: "a profile", newest: Profile.formatVersion)
            else { return }
            try body(profile)
        }
    }

    /// Visits every `<dir>/ab/cd/<file><suffix>` below a fanned directory.
    func walkFanned(_ directory: String, suffix: String, _ body: (String) throws(PopstoreError) -> Void) throws(PopstoreError) {
        do {
            for a in try Posix.listDirectory(directory).sorted() where !a.hasPrefix(".") {
                for b in try Posix.listDirectory("\(directory)/\(a)").sorted() where !b.hasPrefix(".") {
                    for name in try Posix.listDirectory("\(directory)/\(a)/\(b)").sorted()
                    where name.hasSuffix(suffix) && !name.hasPrefix(".") {
                        try body("\(directory)/\(a)/\(b)/\(name)")
                    }
                }
            }
        } catch let error as SystemCallError { throw error.popstoreError } catch let error as PopstoreError { throw error } catch {
            throw .permanent("store failure")
        }
    }

    /// A new random maildrop id.
    public static func makeMaildropID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// Deletes a directory tree that the store made (no symlinks are followed: entries
    /// are removed with unlink, directories with rmdir).
    func removeTree(_ path: String) throws(PopstoreError) {
        do {
            guard Posix.exists(path) else { return }
            if Posix.isDirectory(path) {
                for name in try Posix.listDirectory(path) { try removeTree("\(path)/\(name)") }
                try Posix.rmdir(path)
            } else {
                try Posix.unlink(path)
            }
        } catch let error as SystemCallError { throw error.popstoreError } catch let error as PopstoreError { throw error } catch {
            throw .permanent("store failure")
        }
    }
}
