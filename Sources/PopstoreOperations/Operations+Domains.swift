import PopstoreCore
import PopstoreStore

public struct DomainView: Sendable, Equatable, Codable {
    public var name: String
    public var `default`: Bool
}

extension Operations {
    public func addDomain(_ raw: String) throws(PopstoreError) {
        try requireStoreManager()
        let name = try DomainName(raw)
        try store.saveDomain(UserDomain(name: name), creating: true)
    }

    /// Removes a domain; refused while it has accounts or it is the default.
    public func removeDomain(_ raw: String) throws(PopstoreError) {
        try requireStoreManager()
        let name = try DomainName(raw)
        guard name != defaultDomain else { throw .invalidInput("the default domain cannot be removed") }
        guard try store.domain(name) != nil else { throw .notFound("no such domain: \(name)") }
        var inUse = false
        try store.forEachProfile { if $0.domain == name { inUse = true } }
        guard !inUse else { throw .invalidInput("domain \(name) still has accounts") }
        try store.removeDomain(name)
    }

    public func domains() throws(PopstoreError) -> [DomainView] {
        try store.allDomains().filter { domain in
            guard case .manager(let manager) = caller else { return true }
            return ManagementScope.coversDomain(manager: manager, domain: domain.name, defaultDomain: defaultDomain)
                || manager.domain == domain.name
        }.map { DomainView(name: $0.name.value, default: $0.name == defaultDomain) }
    }
}
