/// The store-wide settings kept in `ROOT/store.json`.
public struct StoreSettings: Sendable, Equatable, Codable {
    public static let formatVersion = 1

    public var version: Int = StoreSettings.formatVersion
    public var defaultDomain: DomainName
    public var nameRules: NameRules = .default
    /// When on, setting a password also keeps the sealed secret CRAM-MD5 and APOP need.
    public var legacyAuth: Bool = false
    /// scrypt cost as log2 N for new password hashes.
    public var passwordHashCost: Int = StoreSettings.defaultPasswordHashCost
    public var volumes: [Volume]
    /// The volume that new accounts go to unless told otherwise.
    public var defaultVolume: String
    /// Store-wide EXPIRE and LOGIN-DELAY.
    public var retrieval: RetrievalPolicy?

    /// N = 2^15, r = 8, p = 1: about 63 ms per hash in release on this class of machine.
    public static let defaultPasswordHashCost = 15
    /// Below 2^10 a hash is too cheap to slow an offline attack; above 2^20 a login
    /// costs seconds and a gigabyte.
    public static let passwordHashCostRange = 10...20

    public struct Volume: Sendable, Equatable, Codable {
        public var name: String
        /// Absolute path, or relative to the store root.
        public var path: String

        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }
    }

    public init(defaultDomain: DomainName) {
        self.defaultDomain = defaultDomain
        self.volumes = [Volume(name: "default", path: "volumes/default")]
        self.defaultVolume = "default"
    }
}
