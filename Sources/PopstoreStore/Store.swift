import Foundation
import PopstoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// A Popstore message store on a directory tree: the only code that touches its files.
///
/// Every change is crash-safe (see `DurableFile` and `DeliveryTransaction`); every
/// lock is an OFD lock that holds across processes and, over NFS, across hosts.
public final class Store: Sendable {
    public let layout: StoreLayout
    public let settings: StoreSettings
    public let clock: WallClock
    /// Called at each step of a delivery; tests use it to inject a failure or a crash.
    let deliveryProbe: (@Sendable (DeliveryStep) throws -> Void)?
    /// Group commit per volume, shared by every delivery through this store object.
    let syncGroups: SyncGroups
    /// Decoded profiles and usage counters, revalidated against their file on every lookup.
    let profileCache: DecodedFileCache<Profile>
    let usageCache: DecodedFileCache<MaildropUsage>

    public var root: String { layout.root }

    /// The default store directory, relative to the working directory.
    public static let defaultRoot = "./popstore-data"

    private init(
        layout: StoreLayout, settings: StoreSettings, clock: WallClock, deliveryProbe: (@Sendable (DeliveryStep) throws -> Void)?,
        syncGroups: SyncGroups = SyncGroups(), profileCache: DecodedFileCache<Profile> = DecodedFileCache(),
        usageCache: DecodedFileCache<MaildropUsage> = DecodedFileCache()
    ) {
        self.profileCache = profileCache
        self.usageCache = usageCache
        self.layout = layout
        self.settings = settings
        self.clock = clock
        self.deliveryProbe = deliveryProbe
        self.syncGroups = syncGroups
    }

    /// Opens an existing store.
    public static func open(
        at root: String, clock: WallClock = .system, deliveryProbe: (@Sendable (DeliveryStep) throws -> Void)? = nil
    ) throws(PopstoreError) -> Store {
        let layout = StoreLayout(root: Store.absolute(root))
        guard
            let settings = try JSONFile.read(
                StoreSettings.self, at: layout.settingsFile, what: "store settings", newest: StoreSettings.formatVersion)
        else { throw .notFound("no store at \(root) (create one with `popstore init`)") }
        return Store(layout: layout, settings: settings, clock: clock, deliveryProbe: deliveryProbe)
    }

    /// Creates a new store with its default volume and default domain.
    public static func create(at root: String, defaultDomain: DomainName, clock: WallClock = .system) throws(PopstoreError) -> Store {
        let layout = StoreLayout(root: Store.absolute(root))
        if Posix.exists(layout.settingsFile) { throw .alreadyExists("a store already exists at \(root)") }
        let settings = StoreSettings(defaultDomain: defaultDomain)
        do {
            for directory in [
                layout.root, layout.keysDirectory, layout.profilesDirectory, layout.groupsDirectory,
                layout.domainsDirectory, layout.forwardDirectory,
            ] {
                try Posix.makeDirectories(directory)
            }
            _ = Glibc.chmod(layout.keysDirectory, 0o700)
        } catch { throw error.popstoreError }
        let store = Store(layout: layout, settings: settings, clock: clock, deliveryProbe: nil)
        for volume in settings.volumes { try store.prepareVolume(store.volumeLayout(volume)) }
        try store.saveDomain(UserDomain(name: defaultDomain), creating: true)
        // Settings last: a store is only a store once everything it names exists.
        try DurableFile.create(layout.settingsFile, with: try JSONFile.encode(settings), what: "a store")
        return store
    }

    /// Changes settings atomically and returns the store seen through the new ones.
    public func updateSettings(_ change: (inout StoreSettings) throws(PopstoreError) -> Void) throws(PopstoreError) -> Store {
        let lock = try FileLock.acquire("\(layout.root)/.settings.lock")
        defer { lock.release() }
        guard
            var current = try JSONFile.read(
                StoreSettings.self, at: layout.settingsFile, what: "store settings", newest: StoreSettings.formatVersion)
        else { throw .notFound("store settings are missing") }
        try change(&current)
        for volume in current.volumes { try prepareVolume(volumeLayout(volume)) }
        try DurableFile.replace(layout.settingsFile, with: try JSONFile.encode(current))
        return Store(
            layout: layout, settings: current, clock: clock, deliveryProbe: deliveryProbe, syncGroups: syncGroups,
            profileCache: profileCache, usageCache: usageCache)
    }

    /// Makes a directory usable as a volume.
    func prepareVolume(_ volume: VolumeLayout) throws(PopstoreError) {
        do {
            for directory in [volume.tmpDirectory, volume.dropDirectory, volume.trashDirectory, volume.lostFoundDirectory] {
                try Posix.makeDirectories(directory)
            }
        } catch { throw error.popstoreError }
    }

    func volumeLayout(_ volume: StoreSettings.Volume) -> VolumeLayout {
        VolumeLayout(name: volume.name, path: layout.volumePath(volume))
    }

    func volumeLayout(named name: String) throws(PopstoreError) -> VolumeLayout {
        guard let volume = settings.volumes.first(where: { $0.name == name }) else {
            throw .permanent("unknown volume \(NameRules.printable(name))")
        }
        return volumeLayout(volume)
    }

    public var volumes: [(name: String, path: String)] {
        settings.volumes.map { ($0.name, layout.volumePath($0)) }
    }

    /// The key that seals CRAM-MD5/APOP secrets: kept in `keys/`, outside the profile tree,
    /// readable by the store's owner only. Made on first use.
    public func legacySecretKeyBytes() throws(PopstoreError) -> [UInt8] {
        if let bytes = try DurableFile.read(layout.legacyKeyFile) {
            guard bytes.count == 32 else { throw .permanent("the legacy-auth key is damaged") }
            return bytes
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        do { try DurableFile.create(layout.legacyKeyFile, with: bytes, what: "the legacy-auth key", mode: 0o600) } catch .alreadyExists {
            return try legacySecretKeyBytes()
        }
        return bytes
    }

    /// Files kept in `keys/` beside the legacy-auth key.
    public enum KeyFile: String, Sendable {
        /// The self-signed certificate made on first start (PEM).
        case tlsCertificate = "tls-certificate.pem"
        /// Its private key (PEM), mode 0600.
        case tlsPrivateKey = "tls-private-key.pem"
        /// The key that makes SCRAM's decoy salts for unknown users (RFC 5802 §5.1):
        /// stable, so repeated probes see one salt per name.
        case scramDecoyKey = "scram-decoy.key"
        /// The secret of the Sender Rewriting Scheme's hashes (forwards, redirects).
        case srsSecret = "srs.key"
    }

    /// The SCRAM decoy key, made on first use.
    public func scramDecoyKeyBytes() throws(PopstoreError) -> [UInt8] {
        try randomKey(.scramDecoyKey)
    }

    /// The SRS secret, made on first use.
    public func srsSecretBytes() throws(PopstoreError) -> [UInt8] {
        try randomKey(.srsSecret)
    }

    /// A 32-byte random key kept in `keys/`, made on first use; stable afterwards.
    private func randomKey(_ file: KeyFile) throws(PopstoreError) -> [UInt8] {
        if let bytes = try keyFile(file), bytes.count == 32 { return bytes }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        if try createKeyFile(file, bytes: bytes) { return bytes }
        guard let stored = try keyFile(file), stored.count == 32 else { throw .permanent("the key \(file.rawValue) is damaged") }
        return stored
    }

    public func keyFile(_ file: KeyFile) throws(PopstoreError) -> [UInt8]? {
        try DurableFile.read("\(layout.keysDirectory)/\(file.rawValue)")
    }

    /// Creates a key file (0600); false when another process made it first.
    public func createKeyFile(_ file: KeyFile, bytes: [UInt8]) throws(PopstoreError) -> Bool {
        do {
            try DurableFile.create("\(layout.keysDirectory)/\(file.rawValue)", with: bytes, what: file.rawValue, mode: 0o600)
            return true
        } catch .alreadyExists {
            return false
        }
    }

    static func absolute(_ path: String) -> String {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed.hasPrefix("/") { return trimmed }
        let cwd = FileManager.default.currentDirectoryPath
        if trimmed == "." { return cwd }
        if trimmed.hasPrefix("./") { trimmed.removeFirst(2) }
        return cwd + "/" + trimmed
    }
}
