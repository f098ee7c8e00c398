/// The identity of an account: a canonical name in a user domain.
///
/// Written `name` in the store's default domain and `name@domain` elsewhere.
public struct AccountID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let name: String
    public let domain: DomainName

    /// Builds an ID from already-canonical parts (a name that passed `NameRules`).
    public init(canonicalName: String, domain: DomainName) {
        self.name = canonicalName
        self.domain = domain
    }

    /// Parses `name` or `name@domain` and canonicalises the name with `rules`.
    public init(parsing raw: String, defaultDomain: DomainName, rules: NameRules) throws(PopstoreError) {
        if let at = raw.lastIndex(of: "@") {
            let local = String(raw[..<at])
            let domain = try DomainName(String(raw[raw.index(after: at)...]))
            self.init(canonicalName: try rules.canonicalName(local, kind: "account name"), domain: domain)
        } else {
            self.init(canonicalName: try rules.canonicalName(raw, kind: "account name"), domain: defaultDomain)
        }
    }

    /// Reads an address the store itself wrote (`name@domain`, name already canonical).
    public init(storedAddress: String) throws(PopstoreError) {
        guard let at = storedAddress.lastIndex(of: "@"), at != storedAddress.startIndex else {
            throw .permanent("damaged stored address")
        }
        self.init(
            canonicalName: String(storedAddress[..<at]),
            domain: try DomainName(String(storedAddress[storedAddress.index(after: at)...])))
    }

    /// `name@domain`, the form used in JSON and for hashing.
    public var address: String { "\(name)@\(domain.value)" }
    public var description: String { address }

    /// The short form: the bare name in the default domain.
    public func display(defaultDomain: DomainName) -> String {
        domain == defaultDomain ? name : address
    }

    public static func < (a: AccountID, b: AccountID) -> Bool {
        (a.domain.value, a.name) < (b.domain.value, b.name)
    }
}
