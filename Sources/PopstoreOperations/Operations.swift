import Foundation
import PopstoreCore
import PopstoreStore

/// Every management operation on a store, each with its permission check.
///
/// The CLI, the JSON API, the web UIs and the migrator all call these; none of them
/// re-implements a rule. Permission is decided by `ManagementScope` alone, and an
/// account outside the caller's scope is reported exactly like one that does not exist.
public struct Operations: Sendable {
    public let store: Store
    public let caller: Caller
    let clock: WallClock

    public init(store: Store, caller: Caller, clock: WallClock = .system) {
        self.store = store
        self.caller = caller
        self.clock = clock
    }

    var settings: StoreSettings { store.settings }
    var defaultDomain: DomainName { store.settings.defaultDomain }

    /// Authenticates a MANAGE account and returns operations acting as it.
    ///
    /// Unknown account, wrong password, no password, PWD_ELSEWHERE, DISUSER: one error,
    /// after one password hash in every case, so neither the reply nor its timing tells
    /// which.
    public static func asManager(store: Store, account raw: String, password: String, clock: WallClock = .system)
        throws(PopstoreError) -> Operations
    {
        let id = try? AccountID(parsing: raw, defaultDomain: store.settings.defaultDomain, rules: store.settings.nameRules)
        let profile = id.flatMap { try? store.profile($0) }
        guard Credentials.verify(password, profile: profile, settings: store.settings), let profile,
            !profile.flags.contains(.disuser)
        else { throw .permissionDenied("authentication failed") }
        guard profile.flags.contains(.manage) else { throw .permissionDenied("\(profile.id) may not manage accounts") }
        return Operations(store: store, caller: .manager(profile), clock: clock)
    }

    // MARK: the scope rule, applied

    /// Whether the caller manages an account of `domain` in `group`.
    func manages(domain: DomainName, group: String?, tree: GroupTree) -> Bool {
        switch caller {
        case .administrator: return true
        case .manager(let manager):
            return ManagementScope.covers(
                manager: manager, domain: domain, group: group, defaultDomain: defaultDomain, subtree: tree.subtree)
        }
    }

    func manages(_ profile: Profile, tree: GroupTree) -> Bool {
        manages(domain: profile.domain, group: profile.group, tree: tree)
    }

    func requireDomain(_ domain: DomainName) throws(PopstoreError) {
        if case .manager(let manager) = caller,
            !ManagementScope.coversDomain(manager: manager, domain: domain, defaultDomain: defaultDomain)
        {
            throw .permissionDenied("permission denied: managing \(domain) needs a manager of the whole domain")
        }
    }

    func requireStoreManager() throws(PopstoreError) {
        if case .manager(let manager) = caller, !ManagementScope.coversStore(manager: manager, defaultDomain: defaultDomain) {
            throw .permissionDenied("permission denied: this needs the administrator or a manager of the whole store")
        }
    }

    func groupTree() throws(PopstoreError) -> GroupTree { GroupTree(try store.allGroups()) }

    /// Parses an account name from the caller (`name` or `name@domain`).
    public func accountID(_ raw: String) throws(PopstoreError) -> AccountID {
        try AccountID(parsing: raw, defaultDomain: defaultDomain, rules: settings.nameRules)
    }

    /// The profile of an account the caller manages; anything else is "no such account".
    func managedProfile(_ raw: String, tree: GroupTree) throws(PopstoreError) -> Profile {
        let id = try accountID(raw)
        guard let profile = try store.profile(id), manages(profile, tree: tree) else {
            throw .notFound("no such account: \(id.display(defaultDomain: defaultDomain))")
        }
        return profile
    }
}
