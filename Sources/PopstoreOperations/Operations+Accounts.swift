import Foundation
import PopstoreCore
import PopstoreStore

extension Operations {
    /// Creates an account; settings not given come from its domain's DEFAULT template.
    @discardableResult
    public func addAccount(_ spec: AccountSpec) throws(PopstoreError) -> AccountView {
        let id = try accountID(spec.name)
        guard let domain = try store.domain(id.domain) else { throw .notFound("no such domain: \(id.domain)") }
        let template = domain.template
        let group = try spec.group.map { (raw) throws(PopstoreError) in try raw.map(canonicalGroup) } ?? template.group
        let tree = try groupTree()
        guard manages(domain: id.domain, group: group, tree: tree) else {
            throw .permissionDenied("permission denied: \(id.display(defaultDomain: defaultDomain)) would be outside your scope")
        }
        let volume = spec.volume ?? settings.defaultVolume
        guard settings.volumes.contains(where: { $0.name == volume }) else { throw .notFound("no such volume: \(volume)") }
        var profile = Profile(
            id: id, volume: volume, maildropID: Store.makeMaildropID(), created: clock.now(),
            owner: try checkedOwner(spec.owner ?? ""), group: group, siteData: try checkedSiteData(spec.siteData ?? template.siteData),
            flags: spec.flags ?? template.flags, quota: spec.quota ?? template.quota,
            overdraft: spec.overdraft ?? template.overdraft)
        profile.retrieval = spec.retrieval
        if let password = spec.password {
            profile.password = try Credentials.record(
                password: password, for: id, settings: settings, store: store, now: clock.now(), preExpired: spec.preExpired)
        }
        if let group { try ensureGroup(group) }
        try store.createAccount(profile)
        return try view(profile)
    }

    /// A new account with the settings of `source` (not its password or its mail).
    @discardableResult
    public func copyAccount(_ source: String, to name: String, password: String?) throws(PopstoreError) -> AccountView {
        let original = try managedProfile(source, tree: try groupTree())
        var spec = AccountSpec(name: name)
        spec.password = password
        spec.quota = .some(original.quota)
        spec.overdraft = original.overdraft
        spec.flags = original.flags
        spec.group = .some(original.group)
        spec.siteData = original.siteData
        spec.volume = original.volume
        return try addAccount(spec)
    }

    /// Accounts matching `pattern` within the caller's scope, sorted by address.
    ///
    /// No pattern: everything in scope. A pattern without `@` is in the default domain;
    /// `*` and `?` are wildcards in both parts. Without wildcards, the one account or
    /// "no such account".
    public func profiles(matching pattern: String?) throws(PopstoreError) -> [Profile] {
        let tree = try groupTree()
        if let pattern, !WildcardPattern(pattern).hasWildcards {
            return [try managedProfile(pattern, tree: tree)]
        }
        var local: WildcardPattern? = nil
        var domain: WildcardPattern? = nil
        if let pattern {
            if let at = pattern.lastIndex(of: "@") {
                local = WildcardPattern(String(pattern[..<at]))
                domain = WildcardPattern(String(pattern[pattern.index(after: at)...]))
            } else {
                local = WildcardPattern(pattern)
                domain = WildcardPattern(defaultDomain.value)
            }
        }
        var found: [Profile] = []
        try store.forEachProfile { profile in
            if let local, !local.matches(profile.name) { return }
            if let domain, !domain.matches(profile.domain.value) { return }
            if manages(profile, tree: tree) { found.append(profile) }
        }
        return found.sorted { $0.id.address < $1.id.address }
    }

    public func accounts(matching pattern: String?) throws(PopstoreError) -> [AccountView] {
        try profiles(matching: pattern).map { (profile) throws(PopstoreError) in try view(profile) }
    }

    /// Applies `change` to every account matching `pattern`. Each result must stay in
    /// the caller's scope (a group manager cannot move an account out of its groups,
    /// which would hand it to a wider manager).
    @discardableResult
    public func modifyAccounts(_ pattern: String, _ change: AccountChange) throws(PopstoreError) -> [AccountView] {
        let targets = try nonEmpty(profiles(matching: pattern), pattern)
        let newGroup = try change.group.map { (raw) throws(PopstoreError) in try raw.map(canonicalGroup) }
        let owner = try change.owner.map(checkedOwner)
        let siteData = try change.siteData.map(checkedSiteData)
        let tree = try groupTree()
        if let newGroup {
            for target in targets where !manages(domain: target.domain, group: newGroup, tree: tree) {
                throw .permissionDenied(
                    "permission denied: the new group would take \(target.id.display(defaultDomain: defaultDomain)) outside your scope")
            }
            if let group = newGroup { try ensureGroup(group) }
        }
        var results: [AccountView] = []
        for target in targets {
            var record: PasswordRecord? = nil
            if let password = change.password {
                record = try Credentials.record(
                    password: password, for: target.id, settings: settings, store: store, now: clock.now(),
                    preExpired: change.preExpired ?? false)
            }
            let updated = try store.updateProfile(target.id) { (profile) throws(PopstoreError) in
                if let record { profile.password = record }
                if let quota = change.quota { profile.quota = quota }
                if let overdraft = change.overdraft { profile.overdraft = overdraft }
                if let flags = change.flags { profile.flags = flags }
                profile.flags.formUnion(change.addFlags)
                profile.flags.subtract(change.removeFlags)
                if let newGroup { profile.group = newGroup }
                if let owner { profile.owner = owner }
                if let siteData { profile.siteData = siteData }
                if let preExpired = change.preExpired, record == nil { profile.password?.preExpired = preExpired }
                if let days = change.expireDays { profile.retrieval = (profile.retrieval ?? .init()).with(expireDays: days) }
                if let delay = change.loginDelaySeconds {
                    profile.retrieval = (profile.retrieval ?? .init()).with(loginDelaySeconds: delay)
                }
            }
            results.append(try view(updated))
        }
        return results
    }

    /// Removes accounts and their mail.
    @discardableResult
    public func removeAccounts(_ pattern: String) throws(PopstoreError) -> [AccountID] {
        let targets = try nonEmpty(profiles(matching: pattern), pattern)
        for target in targets { try store.removeAccount(target.id) }
        return targets.map(\.id)
    }

    /// Renames an account; its mail follows. The new name must be in the caller's scope too.
    public func renameAccount(_ old: String, to new: String) throws(PopstoreError) -> AccountView {
        let tree = try groupTree()
        let profile = try managedProfile(old, tree: tree)
        let newID = try accountID(new)
        guard try store.domain(newID.domain) != nil else { throw .notFound("no such domain: \(newID.domain)") }
        guard manages(domain: newID.domain, group: profile.group, tree: tree) else {
            throw .permissionDenied("permission denied: \(newID.display(defaultDomain: defaultDomain)) would be outside your scope")
        }
        try store.renameAccount(profile.id, to: newID)
        guard let renamed = try store.profile(newID) else { throw .permanent("rename did not complete") }
        return try view(renamed)
    }

    /// Bulk creation without passwords, one name per line (`#` comments, blank lines skipped).
    public func importAccounts(_ names: [String]) throws(PopstoreError) -> Int {
        var count = 0
        for line in names {
            let name = line.trimmingCharacters(in: .whitespaces)
            if name.isEmpty || name.hasPrefix("#") { continue }
            try addAccount(AccountSpec(name: name))
            count += 1
        }
        return count
    }

    /// A user changes their own password (the `passwd` command, later poppassd).
    /// Refused under LOCKPWD and PWD_ELSEWHERE; the current password must be right.
    public static func changeOwnPassword(store: Store, account raw: String, current: String, new: String, clock: WallClock = .system)
        throws(PopstoreError)
    {
        let id = try? AccountID(parsing: raw, defaultDomain: store.settings.defaultDomain, rules: store.settings.nameRules)
        let profile = id.flatMap { try? store.profile($0) }
        guard Credentials.verify(current, profile: profile, settings: store.settings), let profile else {
            throw .permissionDenied("authentication failed")
        }
        guard !profile.flags.contains(.lockpwd) else { throw .permissionDenied("the password of \(profile.id) is locked") }
        let record = try Credentials.record(
            password: new, for: profile.id, settings: store.settings, store: store, now: clock.now(), preExpired: false)
        try store.updateProfile(profile.id) { $0.password = record }
    }

    // MARK: helpers

    func view(_ profile: Profile) throws(PopstoreError) -> AccountView {
        let usage = (try? store.maildrop(for: profile).usage()) ?? MaildropUsage()
        return AccountView(profile: profile, usage: usage, now: clock.now())
    }

    func nonEmpty(_ profiles: [Profile], _ pattern: String) throws(PopstoreError) -> [Profile] {
        guard !profiles.isEmpty else { throw .notFound("no account matches \(NameRules.printable(pattern))") }
        return profiles
    }

    func canonicalGroup(_ raw: String) throws(PopstoreError) -> String {
        try settings.nameRules.canonicalName(raw, kind: "group name")
    }

    func checkedOwner(_ owner: String) throws(PopstoreError) -> String {
        guard owner.count <= NameRules.maximumOwnerLength,
            !owner.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw .invalidInput("owner must be at most \(NameRules.maximumOwnerLength) printable characters")
        }
        return owner
    }

    func checkedSiteData(_ data: String) throws(PopstoreError) -> String {
        guard data.utf8.count <= NameRules.maximumSiteDataLength else {
            throw .invalidInput("site data must be at most \(NameRules.maximumSiteDataLength) octets")
        }
        return data
    }
}
