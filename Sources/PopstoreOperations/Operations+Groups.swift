import PopstoreCore
import PopstoreStore

/// A group as shown.
public struct GroupView: Sendable, Equatable, Codable {
    public var name: String
    public var subgroups: [String]
    public var retrieval: RetrievalPolicy?

    init(_ group: ManagementGroup) {
        name = group.name
        subgroups = group.subgroups
        retrieval = group.retrieval
    }
}

extension Operations {
    /// Creates a group with subgroups (missing subgroups are created too).
    @discardableResult
    public func addGroup(_ raw: String, subgroups: [String]) throws(PopstoreError) -> GroupView {
        let name = try canonicalGroup(raw)
        let children = try subgroups.map(canonicalGroup)
        return try store.withGroupsLocked { () throws(PopstoreError) -> GroupView in
            let tree = try groupTree()
            try requireGroupAuthority(over: name, adding: children, tree: tree, creating: true)
            try checkNoCycle(name, children, tree)
            for child in children { try ensureGroup(child) }
            let group = ManagementGroup(name: name, subgroups: unique(children))
            try store.saveGroup(group, creating: true)
            return GroupView(group)
        }
    }

    /// Sets, adds or removes subgroups of a group.
    @discardableResult
    public func modifyGroup(
        _ raw: String, subgroups: [String]?, adding: [String] = [], removing: [String] = [], expireDays: Int?? = nil,
        loginDelaySeconds: Int?? = nil
    ) throws(PopstoreError) -> GroupView {
        let name = try canonicalGroup(raw)
        let replacement = try subgroups.map { (list) throws(PopstoreError) in try list.map(canonicalGroup) }
        let added = try adding.map(canonicalGroup)
        let removed = Set(try removing.map(canonicalGroup))
        return try store.withGroupsLocked { () throws(PopstoreError) -> GroupView in
            guard var group = try store.group(name) else { throw .notFound("no such group: \(name)") }
            var children = replacement ?? group.subgroups
            children = unique((children + added).filter { !removed.contains($0) })
            let tree = try groupTree()
            let newChildren = children.filter { !group.subgroups.contains($0) }
            try requireGroupAuthority(over: name, adding: newChildren, tree: tree, creating: false)
            try checkNoCycle(name, newChildren, tree)
            for child in newChildren { try ensureGroup(child) }
            group.subgroups = children
            if let days = expireDays { group.retrieval = (group.retrieval ?? .init()).with(expireDays: days) }
            if let delay = loginDelaySeconds { group.retrieval = (group.retrieval ?? .init()).with(loginDelaySeconds: delay) }
            try store.saveGroup(group)
            return GroupView(group)
        }
    }

    /// Removes a group. Its accounts stay, with their group as it was; it leaves every
    /// other group's subgroup list.
    public func removeGroup(_ raw: String) throws(PopstoreError) {
        let name = try canonicalGroup(raw)
        try store.withGroupsLocked { () throws(PopstoreError) in
            guard try store.group(name) != nil else { throw .notFound("no such group: \(name)") }
            let tree = try groupTree()
            try requireGroupAuthority(over: name, adding: [], tree: tree, creating: false)
            if case .manager(let manager) = caller, manager.group == name {
                throw .permissionDenied("permission denied: a manager cannot remove its own group")
            }
            for var parent in try store.allGroups() where parent.subgroups.contains(name) {
                parent.subgroups.removeAll { $0 == name }
                try store.saveGroup(parent)
            }
            try store.removeGroup(name)
        }
    }

    /// The groups the caller may see: all of them, or a group manager's subtree.
    public func groups() throws(PopstoreError) -> [GroupView] {
        let all = try store.allGroups()
        var visible = all
        if case .manager(let manager) = caller, let own = manager.group {
            let subtree = GroupTree(all).subtree(own)
            visible = all.filter { subtree.contains($0.name) }
        }
        return visible.map(GroupView.init)
    }

    /// Creates a top-level group if it does not exist (an account named it).
    func ensureGroup(_ name: String) throws(PopstoreError) {
        if try store.group(name) != nil { return }
        do { try store.saveGroup(ManagementGroup(name: name), creating: true) } catch .alreadyExists {}
    }

    /// Group managers may change only groups inside their subtree, and may hang below
    /// them only new groups or groups already inside it, so no manager can widen its
    /// own scope. The administrator and store managers may change any group.
    private func requireGroupAuthority(over name: String, adding children: [String], tree: GroupTree, creating: Bool)
        throws(PopstoreError)
    {
        guard case .manager(let manager) = caller else { return }
        if ManagementScope.coversStore(manager: manager, defaultDomain: defaultDomain) { return }
        guard let own = manager.group else {
            throw .permissionDenied("permission denied: groups are managed by the administrator or group managers")
        }
        let subtree = tree.subtree(own)
        guard !creating, subtree.contains(name) else {
            throw .permissionDenied("permission denied: group \(name) is outside your scope")
        }
        for child in children where !subtree.contains(child) {
            // A new name is fine; a name that exists, or that accounts still carry after
            // their group was removed, would bring those accounts into this manager's scope.
            var inUse = tree.subgroups[child] != nil
            if !inUse { try store.forEachProfile { if $0.group == child { inUse = true } } }
            if inUse { throw .permissionDenied("permission denied: group \(child) is outside your scope") }
        }
    }

    private func checkNoCycle(_ name: String, _ children: [String], _ tree: GroupTree) throws(PopstoreError) {
        for child in children where child == name || tree.subtree(child).contains(name) {
            throw .invalidInput("group \(child) contains \(name): groups cannot nest in a cycle")
        }
    }

    private func unique(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }
}
