import PopstoreCore

/// Groups, domains and forwardings: small versioned JSON files, replaced atomically.
extension Store {
    // MARK: groups

    public func group(_ name: String) throws(PopstoreError) -> ManagementGroup? {
        try JSONFile.read(ManagementGroup.self, at: layout.groupFile(name), what: "a group", newest: ManagementGroup.formatVersion)
    }

    public func saveGroup(_ group: ManagementGroup, creating: Bool = false) throws(PopstoreError) {
        try save(group, to: layout.groupFile(group.name), creating: creating, what: "group \(group.name)")
    }

    public func removeGroup(_ name: String) throws(PopstoreError) {
        try DurableFile.remove(layout.groupFile(name))
    }

    public func allGroups() throws(PopstoreError) -> [ManagementGroup] {
        try readAll(layout.groupsDirectory, ManagementGroup.self, newest: ManagementGroup.formatVersion).sorted { $0.name < $1.name }
    }

    /// Serialises changes to the group tree (cycle checks need a stable view).
    public func withGroupsLocked<T>(_ body: () throws(PopstoreError) -> T) throws(PopstoreError) -> T {
        let lock = try FileLock.acquire("\(layout.groupsDirectory)/.lock")
        defer { lock.release() }
        return try body()
    }

    // MARK: domains

    public func domain(_ name: DomainName) throws(PopstoreError) -> UserDomain? {
        try JSONFile.read(UserDomain.self, at: layout.domainFile(name), what: "a domain", newest: UserDomain.formatVersion)
    }

    public func saveDomain(_ domain: UserDomain, creating: Bool = false) throws(PopstoreError) {
        try save(domain, to: layout.domainFile(domain.name), creating: creating, what: "domain \(domain.name)")
    }

    public func removeDomain(_ name: DomainName) throws(PopstoreError) {
        try DurableFile.remove(layout.domainFile(name))
    }

    public func allDomains() throws(PopstoreError) -> [UserDomain] {
        try readAll(layout.domainsDirectory, UserDomain.self, newest: UserDomain.formatVersion).sorted { $0.name < $1.name }
    }

    // MARK: forwarding

    public func forwarding(_ address: AccountID) throws(PopstoreError) -> ForwardingEntry? {
        try JSONFile.read(
            ForwardingEntry.self, at: layout.forwardFile(address), what: "a forwarding", newest: ForwardingEntry.formatVersion)
    }

    public func saveForwarding(_ entry: ForwardingEntry, for address: AccountID) throws(PopstoreError) {
        let file = layout.forwardFile(address)
        do { try Posix.makeDirectories(Posix.parentDirectory(of: file)) } catch { throw error.popstoreError }
        try DurableFile.replace(file, with: try JSONFile.encode(entry))
    }

    public func removeForwarding(_ address: AccountID) throws(PopstoreError) {
        try DurableFile.remove(layout.forwardFile(address))
    }

    public func forEachForwarding(_ body: (ForwardingEntry) throws(PopstoreError) -> Void) throws(PopstoreError) {
        try walkFanned(layout.forwardDirectory, suffix: ".json") { (path) throws(PopstoreError) in
            guard
                let entry = try? JSONFile.read(ForwardingEntry.self, at: path, what: "a forwarding", newest: ForwardingEntry.formatVersion)
            else { return }
            try body(entry)
        }
    }

    /// Creates (failing if it exists) or replaces a small JSON file.
    private func save<T: Encodable>(_ value: T, to file: String, creating: Bool, what: String) throws(PopstoreError) {
        if creating {
            try DurableFile.create(file, with: try JSONFile.encode(value), what: what)
        } else {
            try DurableFile.replace(file, with: try JSONFile.encode(value))
        }
    }

    private func readAll<T: Decodable>(_ directory: String, _ type: T.Type, newest: Int) throws(PopstoreError) -> [T] {
        let names: [String]
        do { names = try Posix.listDirectory(directory) } catch { throw error.popstoreError }
        var out: [T] = []
        for name in names where name.hasSuffix(".json") && !name.hasPrefix(".") {
            if let value = try? JSONFile.read(type, at: "\(directory)/\(name)", what: "\(T.self)", newest: newest) {
                out.append(value)
            }
        }
        return out
    }
}
