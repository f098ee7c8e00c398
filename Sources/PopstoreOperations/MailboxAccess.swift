import Foundation
import PopstoreCore
import PopstoreStore
import SASL

/// What a mail client may do with its own account: log in and open its maildrop.
/// The POP3 server (and later ManageSieve and poppassd) calls these; the rules of login
/// (DISUSER, PWD_ELSEWHERE, LOGIN-DELAY, one session per maildrop) live here once.
public struct MailboxAccess: Sendable {
    public let store: Store
    let clock: WallClock
    let verified: VerifiedPasswordCache
    /// Ended sessions' figures not yet in the profiles; the server flushes them.
    public let accounting = DeferredAccounting()

    /// Whether a session's accounting waits for ``flushAccounting()`` (which the caller
    /// then runs every few seconds) rather than being written as the session ends.
    let defersAccounting: Bool

    /// - Parameters:
    ///   - credentialCacheSeconds: how long a verified password spares the next login
    ///     its scrypt hash (0: off). A password change ends it at once.
    ///   - defersAccounting: whether sessions' accounting waits for ``flushAccounting()``.
    public init(store: Store, clock: WallClock = .system, credentialCacheSeconds: TimeInterval = 0, defersAccounting: Bool = false) {
        self.store = store
        self.clock = clock
        self.verified = VerifiedPasswordCache(lifetime: credentialCacheSeconds, now: clock.now)
        self.defersAccounting = defersAccounting
    }

    /// Why a login did not open the maildrop.
    public enum Refusal: Error, Sendable, Equatable {
        case badCredentials, inUse, loginDelay, temporary
    }

    /// An open maildrop, held until `close`.
    public struct Login: Sendable {
        public let account: AccountID
        public let session: MaildropSession
        public let since: Date
        /// The account's EXPIRE and LOGIN-DELAY, announced in CAPA after login.
        public let policy: RetrievalPolicy
    }

    /// The account's EXPIRE and LOGIN-DELAY: its own, else its group's, else the nearest
    /// enclosing group's, else the store's, else `serverDefault`.
    public func policy(for profile: Profile, serverDefault: RetrievalPolicy) -> RetrievalPolicy {
        var policy = profile.retrieval ?? RetrievalPolicy()
        if let group = profile.group, let groups = try? store.allGroups() {
            var parents: [String: String] = [:]
            for parent in groups { for child in parent.subgroups where parents[child] == nil { parents[child] = parent.name } }
            let byName = Dictionary(groups.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            var current: String? = group
            var seen: Set<String> = []
            while let name = current, seen.insert(name).inserted {
                if let own = byName[name]?.retrieval { policy = policy.over(own) }
                current = parents[name]
            }
        }
        if let storeWide = store.settings.retrieval { policy = policy.over(storeWide) }
        return policy.over(serverDefault)
    }

    func account(_ user: String) -> (AccountID, Profile)? {
        guard let id = try? AccountID(parsing: user, defaultDomain: store.settings.defaultDomain, rules: store.settings.nameRules),
            let profile = try? store.profile(id)
        else { return nil }
        return (id, profile)
    }

    /// Checks a clear-text password; one scrypt computation whatever the outcome.
    public func verifyPassword(user: String, password: String) -> AccountID? {
        let found = account(user)
        if let (id, profile) = found, let hash = profile.password?.hash, !profile.flags.contains(.pwdElsewhere),
            verified.contains(account: id.address, password: password, storedHash: hash)
        {
            return profile.flags.contains(.disuser) ? nil : id
        }
        guard Credentials.verify(password, profile: found?.1, settings: store.settings), let (id, profile) = found,
            !profile.flags.contains(.disuser)
        else { return nil }
        if let hash = profile.password?.hash { verified.insert(account: id.address, password: password, storedHash: hash) }
        return id
    }

    /// The clear-text-equivalent secret for APOP and CRAM-MD5, where the site keeps one.
    public func legacySecret(user: String) -> String? {
        guard store.settings.legacyAuth, let (id, profile) = account(user), !profile.flags.contains(.disuser),
            !profile.flags.contains(.pwdElsewhere), let sealed = profile.password?.legacySecret,
            let key = try? LegacySecretKey(rawBytes: store.legacySecretKeyBytes()),
            let secret = try? SealedLegacySecret(encoded: sealed).open(account: id.address, key: key)
        else { return nil }
        return secret
    }

    /// The SCRAM-SHA-256 keys of an account (nil for an unknown or disabled one), and
    /// its canonical name, so every spelling of a name gets the same decoy salt.
    public func scramCredentials(user: String) -> (ScramCredentials?, canonicalName: String?) {
        guard let (id, profile) = account(user) else {
            let canonical = try? store.settings.nameRules.canonicalName(user)
            return (nil, canonical)
        }
        guard !profile.flags.contains(.disuser), !profile.flags.contains(.pwdElsewhere), let stored = profile.password?.scram,
            let salt = Data(base64Encoded: stored.salt), let storedKey = Data(base64Encoded: stored.storedKey),
            let serverKey = Data(base64Encoded: stored.serverKey)
        else { return (nil, id.address) }
        let credentials = ScramCredentials(
            salt: Array(salt), iterations: stored.iterations, storedKey: Array(storedKey), serverKey: Array(serverKey))
        return (credentials, id.address)
    }

    /// The account an authenticated ManageSieve user manages scripts for: nil for an
    /// unknown or DISUSER account (told to the client like a wrong password).
    public func scriptOwner(_ user: String) -> AccountID? {
        guard let (id, profile) = account(user), !profile.flags.contains(.disuser) else { return nil }
        return id
    }

    /// Opens the maildrop of an authenticated account for a session: refuses DISUSER,
    /// a login sooner than `loginDelay` after the last one (RFC 2449 §6.5), and a maildrop
    /// another session holds (RFC 2449 [IN-USE]); counts the connection.
    public func open(_ user: String, serverDefault: RetrievalPolicy) -> Result<Login, Refusal> {
        guard let (id, profile) = account(user), !profile.flags.contains(.disuser) else { return .failure(.badCredentials) }
        let now = clock.now()
        let policy = policy(for: profile, serverDefault: serverDefault)
        var sessions = profile.sessions
        if let waiting = accounting.waiting(for: id) { sessions.add(waiting) }
        if let delay = policy.loginDelaySeconds, let last = sessions.lastConnect, now.timeIntervalSince(last) < Double(delay) {
            return .failure(.loginDelay)
        }
        do {
            guard let session = try store.maildrop(for: profile).openSession() else { return .failure(.inUse) }
            // Counted when it ends (``close(_:messagesRetrieved:bytesRetrieved:)``).
            // Until then the maildrop's session lock answers any second login, so
            // LOGIN-DELAY needs the start time only afterwards.
            return .success(Login(account: id, session: session, since: now, policy: policy))
        } catch {
            return .failure(.temporary)
        }
    }

    /// Ends a session where blocking is allowed: ``account(_:messagesRetrieved:bytesRetrieved:)``
    /// then ``release(_:)``.
    public func close(_ login: Login, messagesRetrieved: Int, bytesRetrieved: Int64) {
        account(login, messagesRetrieved: messagesRetrieved, bytesRetrieved: bytesRetrieved)
        release(login)
    }

    /// Adds a session's accounting (the connection, its start and end, what was
    /// retrieved) to what the next flush writes (``DeferredAccounting``). Memory only,
    /// so an event loop may call it the moment a connection ends, and a graceful
    /// shutdown that has closed its connections knows every figure is noted.
    public func account(_ login: Login, messagesRetrieved: Int, bytesRetrieved: Int64) {
        let now = clock.now()
        var figures = SessionAccounting()
        figures.connections = 1
        figures.lastConnect = login.since
        figures.lastDisconnect = now
        figures.connectSeconds = Int64(max(0, now.timeIntervalSince(login.since)).rounded())
        figures.messagesRetrieved = Int64(messagesRetrieved)
        figures.bytesRetrieved = bytesRetrieved
        accounting.add(figures, to: login.account)
    }

    /// Releases a session's maildrop (blocking file I/O). Unless accounting is deferred
    /// for this server, and always under LOGIN-DELAY, the account's figures are written
    /// first, so that another process serving the same store sees this session's start
    /// before it can open the maildrop. The write is group-committed (`.grouped`): a
    /// crash may lose the last sessions' counts, never the profile; and it may fail (a
    /// full disk) without failing the session, so the user still gets in to download
    /// and delete.
    public func release(_ login: Login) {
        if !defersAccounting || login.policy.loginDelaySeconds != nil { accounting.flush(login.account, to: store) }
        login.session.release()
    }

    /// Writes the accounting of every ended session not written yet (blocking file I/O).
    public func flushAccounting() {
        accounting.flush(to: store)
    }
}
