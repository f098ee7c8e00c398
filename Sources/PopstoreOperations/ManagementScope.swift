import PopstoreCore

/// Who may manage whom: the one rule, used by the CLI, the API, both web UIs and the
/// migrator (after PMDF popstore).
///
/// A MANAGE account in a group manages accounts in that group and every group nested
/// below it, in its own domain. One in no group (the WORLD group) manages its whole
/// domain. One in no group in the store's default domain manages everything.
public enum ManagementScope {
    /// Whether `manager` may manage an account of `domain` in `group`.
    /// - Parameter subtree: the groups at or below a group (its own name included).
    public static func covers(
        manager: Profile, domain: DomainName, group: String?, defaultDomain: DomainName,
        subtree: (String) -> Set<String>
    ) -> Bool {
        guard manager.flags.contains(.manage), !manager.flags.contains(.disuser) else { return false }
        guard let managerGroup = manager.group else {
            return manager.domain == defaultDomain || manager.domain == domain
        }
        guard manager.domain == domain, let group else { return false }
        return subtree(managerGroup).contains(group)
    }

    /// Whether `manager` may manage the whole of `domain` (forwardings, the DEFAULT template).
    public static func coversDomain(manager: Profile, domain: DomainName, defaultDomain: DomainName) -> Bool {
        guard manager.flags.contains(.manage), !manager.flags.contains(.disuser), manager.group == nil else { return false }
        return manager.domain == defaultDomain || manager.domain == domain
    }

    /// Whether `manager` may manage the store itself (domains, volumes, settings).
    public static func coversStore(manager: Profile, defaultDomain: DomainName) -> Bool {
        coversDomain(manager: manager, domain: defaultDomain, defaultDomain: defaultDomain)
    }
}

/// The nesting of management groups, read once per operation.
public struct GroupTree: Sendable {
    public let subgroups: [String: [String]]

    public init(_ groups: [ManagementGroup]) {
        var map: [String: [String]] = [:]
        for group in groups { map[group.name] = group.subgroups }
        subgroups = map
    }

    /// `group` and every group nested below it; a cycle in damaged data cannot loop.
    public func subtree(_ group: String) -> Set<String> {
        var seen: Set<String> = [group]
        var pending = [group]
        while let next = pending.popLast() {
            for child in subgroups[next] ?? [] where !seen.contains(child) {
                seen.insert(child)
                pending.append(child)
            }
        }
        return seen
    }
}
