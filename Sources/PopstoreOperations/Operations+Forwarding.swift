import PopstoreCore
import PopstoreStore

public struct ForwardingView: Sendable, Equatable, Codable {
    public var address: String
    public var targets: [String]
}

extension Operations {
    /// Sets a forwarding (replacing one that exists). `override: false` refuses when the
    /// address is an existing account (PMDF popstore's fwd_override=0).
    public func addForwarding(_ raw: String, to targets: [String], override: Bool) throws(PopstoreError) -> ForwardingView {
        let address = try accountID(raw)
        try requireDomain(address.domain)
        guard try store.domain(address.domain) != nil else { throw .notFound("no such domain: \(address.domain)") }
        let canonical = try targets.map(ForwardingEntry.canonicalTarget)
        guard !canonical.isEmpty, canonical.count <= ForwardingEntry.maximumTargets else {
            throw .invalidInput("a forwarding needs 1 to \(ForwardingEntry.maximumTargets) addresses")
        }
        if !override, try store.profile(address) != nil {
            throw .alreadyExists("\(address.display(defaultDomain: defaultDomain)) is an account; forwarding it needs override")
        }
        let entry = ForwardingEntry(address: address, targets: canonical)
        try store.saveForwarding(entry, for: address)
        return ForwardingView(address: entry.address, targets: entry.targets)
    }

    public func removeForwarding(_ raw: String) throws(PopstoreError) {
        let address = try accountID(raw)
        try requireDomain(address.domain)
        guard try store.forwarding(address) != nil else {
            throw .notFound("no forwarding for \(address.display(defaultDomain: defaultDomain))")
        }
        try store.removeForwarding(address)
    }

    /// Forwardings in the caller's domains, optionally matching a wildcard pattern on the address.
    public func forwardings(matching pattern: String?) throws(PopstoreError) -> [ForwardingView] {
        let matcher = pattern.map { WildcardPattern($0.contains("@") ? $0 : "\($0)@\(defaultDomain.value)") }
        var found: [ForwardingView] = []
        try store.forEachForwarding { entry in
            if let matcher, !matcher.matches(entry.address) { return }
            if case .manager(let manager) = caller {
                guard let domain = try? AccountID(storedAddress: entry.address).domain,
                    ManagementScope.coversDomain(manager: manager, domain: domain, defaultDomain: defaultDomain)
                else { return }
            }
            found.append(ForwardingView(address: entry.address, targets: entry.targets))
        }
        return found.sorted { $0.address < $1.address }
    }
}
