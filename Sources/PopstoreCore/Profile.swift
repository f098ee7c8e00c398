import Foundation

/// One account's profile: the small JSON file at `profiles/ab/cd/<key>.json`.
///
/// Changed only by atomic replacement under the profile lock. The password is kept as
/// a hash (and, where the site enabled legacy mechanisms, a sealed secret); no field
/// ever holds the clear text.
public struct Profile: Sendable, Equatable, Codable {
    /// Version of this file's format; a reader refuses a newer one.
    public static let formatVersion = 1

    public var version: Int
    public var name: String
    public var domain: DomainName
    public var owner: String
    public var group: String?
    public var siteData: String
    public var flags: AccountFlags
    /// Bytes; nil is unlimited.
    public var quota: Int64?
    public var overdraft: Int64
    /// The volume holding the maildrop.
    public var volume: String
    /// Names the maildrop directory; random, so that renaming an account moves no mail.
    public var maildropID: String
    public var password: PasswordRecord?
    public var sessions: SessionAccounting
    public var created: Date
    /// Set while a rename is in progress, so `store check` can finish it after a crash.
    public var renamedFrom: String?
    /// The account's own EXPIRE and LOGIN-DELAY; unset values come from its groups and the store.
    public var retrieval: RetrievalPolicy?

    public init(
        id: AccountID, volume: String, maildropID: String, created: Date,
        owner: String = "", group: String? = nil, siteData: String = "", flags: AccountFlags = [],
        quota: Int64? = nil, overdraft: Int64 = 0
    ) {
        self.version = Profile.formatVersion
        self.name = id.name
        self.domain = id.domain
        self.owner = owner
        self.group = group
        self.siteData = siteData
        self.flags = flags
        self.quota = quota
        self.overdraft = overdraft
        self.volume = volume
        self.maildropID = maildropID
        self.password = nil
        self.sessions = SessionAccounting()
        self.created = created
        self.renamedFrom = nil
    }

    public var id: AccountID { AccountID(canonicalName: name, domain: domain) }
    public var quotaPolicy: QuotaPolicy { QuotaPolicy(quota: quota, overdraft: overdraft) }
}

/// How a password is kept: never in clear.
public struct PasswordRecord: Sendable, Equatable, Codable {
    /// PHC string, e.g. `$scrypt$ln=15,r=8,p=1$salt$hash`.
    public var hash: String
    /// SCRAM-SHA-256 salted keys (RFC 5802 §3), so SCRAM works without the clear text.
    public var scram: StoredScram?
    /// The clear-text-equivalent secret for CRAM-MD5/APOP, sealed with a key kept
    /// outside the profile tree; present only where the site enabled legacy auth.
    public var legacySecret: String?
    public var changed: Date
    /// The user must change the password at next login.
    public var preExpired: Bool

    public init(hash: String, scram: StoredScram?, legacySecret: String?, changed: Date, preExpired: Bool) {
        self.hash = hash
        self.scram = scram
        self.legacySecret = legacySecret
        self.changed = changed
        self.preExpired = preExpired
    }

    /// The scheme named in the PHC string (`scrypt`).
    public var scheme: String {
        hash.split(separator: "$", omittingEmptySubsequences: true).first.map(String.init) ?? "unknown"
    }
}

/// SCRAM-SHA-256 server credentials, base64 encoded.
public struct StoredScram: Sendable, Equatable, Codable {
    public var salt: String
    public var iterations: Int
    public var storedKey: String
    public var serverKey: String

    public init(salt: String, iterations: Int, storedKey: String, serverKey: String) {
        self.salt = salt
        self.iterations = iterations
        self.storedKey = storedKey
        self.serverKey = serverKey
    }
}

/// Per-session accounting, updated by the POP3 server at login and logout.
public struct SessionAccounting: Sendable, Equatable, Codable {
    public var connections: Int64 = 0
    public var connectSeconds: Int64 = 0
    public var lastConnect: Date?
    public var lastDisconnect: Date?
    public var messagesRetrieved: Int64 = 0
    public var bytesRetrieved: Int64 = 0

    public init() {}

    /// The accounting of one more session, or of several: counts add up, the last
    /// connect and disconnect are the later ones.
    public mutating func add(_ other: SessionAccounting) {
        connections += other.connections
        connectSeconds += other.connectSeconds
        messagesRetrieved += other.messagesRetrieved
        bytesRetrieved += other.bytesRetrieved
        lastConnect = [lastConnect, other.lastConnect].compactMap { $0 }.max()
        lastDisconnect = [lastDisconnect, other.lastDisconnect].compactMap { $0 }.max()
    }
}
