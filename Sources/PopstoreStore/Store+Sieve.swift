import Foundation
import PopstoreCore

/// An account's Sieve scripts and what they remember, beside its profile's tree.
extension Store {
    /// Octets read from a scripts file: 16 scripts of 64 KiB, JSON-escaped (every octet
    /// may double), with room to spare.
    static let maximumScriptsFileSize = 4 << 20

    public func sieveScripts(_ account: AccountID) throws(PopstoreError) -> AccountScripts {
        let bytes: [UInt8]?
        do { bytes = try Posix.readFile(layout.sieveFile(account), limit: Store.maximumScriptsFileSize) } catch {
            throw error.popstoreError
        }
        guard let bytes else { return AccountScripts() }
        return try JSONFile.decode(AccountScripts.self, from: bytes, what: "Sieve scripts", newest: AccountScripts.formatVersion)
    }

    /// Changes an account's scripts atomically, under their lock.
    @discardableResult
    public func updateSieveScripts(
        _ account: AccountID, _ change: (inout AccountScripts) throws(PopstoreError) -> Void
    ) throws(PopstoreError) -> AccountScripts {
        let file = layout.sieveFile(account)
        do { try Posix.makeDirectories(Posix.parentDirectory(of: file)) } catch { throw error.popstoreError }
        let lock = try FileLock.acquire(layout.sieveFile(account, suffix: ".lock"))
        defer { lock.release() }
        var scripts = try sieveScripts(account)
        try change(&scripts)
        try DurableFile.replace(file, with: try JSONFile.encode(scripts))
        return scripts
    }

    /// Moves an account's scripts and memory to its new name (a rename).
    func moveSieveScripts(from old: AccountID, to new: AccountID) throws(PopstoreError) {
        for suffix in [".json", ".memory.json"] where Posix.exists(layout.sieveFile(old, suffix: suffix)) {
            let target = layout.sieveFile(new, suffix: suffix)
            do {
                try Posix.makeDirectories(Posix.parentDirectory(of: target))
                try Posix.rename(layout.sieveFile(old, suffix: suffix), target)
                try Posix.fsyncDirectory(Posix.parentDirectory(of: target))
            } catch { throw error.popstoreError }
        }
        try? DurableFile.remove(layout.sieveFile(old, suffix: ".lock"))
    }

    /// Removes an account's scripts and memory (the account is going).
    public func removeSieveScripts(_ account: AccountID) throws(PopstoreError) {
        for suffix in [".json", ".memory.json", ".lock"] { try DurableFile.remove(layout.sieveFile(account, suffix: suffix)) }
    }

    /// Runs `body` with what the account's scripts remember (vacation replies sent,
    /// duplicate ids seen), under the scripts' lock, and saves it if changed. Entries past
    /// their expiry are dropped. Not fsynced: a crash may forget one reply, and then a
    /// sender gets a second vacation notice, never a lost message.
    public func withSieveMemory<T>(_ account: AccountID, _ body: (inout SieveMemory) throws(PopstoreError) -> T) throws(PopstoreError)
        -> T
    {
        let file = layout.sieveFile(account, suffix: ".memory.json")
        do { try Posix.makeDirectories(Posix.parentDirectory(of: file)) } catch { throw error.popstoreError }
        let lock = try FileLock.acquire(layout.sieveFile(account, suffix: ".lock"))
        defer { lock.release() }
        var memory = SieveMemory()
        if let bytes = try? Posix.readFile(file, limit: Store.maximumScriptsFileSize),
            let decoded = try? JSONFile.decode(SieveMemory.self, from: bytes, what: "Sieve memory", newest: SieveMemory.formatVersion)
        {
            memory = decoded
        }
        let before = memory
        memory.forget(before: clock.now())
        let result = try body(&memory)
        if memory != before {
            let bytes = try JSONFile.encode(memory)
            do { try Posix.overwrite(file, with: bytes) } catch { throw error.popstoreError }
        }
        return result
    }
}

/// What an account's scripts remember between messages: keys (a vacation handle and
/// sender, a duplicate handle and id) with the time they expire.
public struct SieveMemory: Sendable, Equatable, Codable {
    public static let formatVersion = 1
    public var version: Int = SieveMemory.formatVersion
    public var entries: [String: Date] = [:]

    /// Keys remembered per account: a bound on the file, oldest dropped first.
    public static let maximumEntries = 10_000

    public init() {}

    public func remembers(_ key: String, at now: Date) -> Bool {
        entries[key].map { $0 > now } ?? false
    }

    public mutating func remember(_ key: String, until expiry: Date) {
        entries[key] = expiry
        if entries.count > Self.maximumEntries, let oldest = entries.min(by: { $0.value < $1.value })?.key {
            entries[oldest] = nil
        }
    }

    mutating func forget(before now: Date) {
        entries = entries.filter { $0.value > now }
    }
}
