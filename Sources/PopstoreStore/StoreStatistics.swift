import PopstoreCore

/// Figures for `store stats`, from a walk of the store.
public struct StoreStatistics: Sendable, Equatable, Codable {
    public var accounts: Int = 0
    /// Distinct message files (inodes): a message for N accounts on one volume counts once.
    public var messageFiles: Int = 0
    public var maildropEntries: Int = 0
    /// Octets as downloaded, summed over distinct message files.
    public var bytes: Int64 = 0
    public var volumes: [Volume] = []

    public struct Volume: Sendable, Equatable, Codable {
        public var name: String
        public var path: String
        public var accounts: Int
        public var messageFiles: Int
    }
}

extension Store {
    public func statistics() throws(PopstoreError) -> StoreStatistics {
        var stats = StoreStatistics()
        var accountsPerVolume: [String: Int] = [:]
        var maildrops: [Maildrop] = []
        try forEachProfile { profile in
            stats.accounts += 1
            accountsPerVolume[profile.volume, default: 0] += 1
            if let maildrop = try? maildrop(for: profile) { maildrops.append(maildrop) }
        }
        var inodesPerVolume: [String: Set<UInt64>] = [:]
        for maildrop in maildrops {
            let volume = (try? profile(maildrop.account))?.volume ?? settings.defaultVolume
            for entry in try maildrop.entries() {
                stats.maildropEntries += 1
                guard let st = Posix.fileStatus(entry.path) else { continue }
                if inodesPerVolume[volume, default: []].insert(UInt64(st.st_ino)).inserted { stats.bytes += entry.size }
            }
        }
        for volume in settings.volumes {
            let files = inodesPerVolume[volume.name]?.count ?? 0
            stats.messageFiles += files
            stats.volumes.append(
                .init(
                    name: volume.name, path: layout.volumePath(volume), accounts: accountsPerVolume[volume.name] ?? 0, messageFiles: files))
        }
        return stats
    }
}
