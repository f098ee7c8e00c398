/// One entry of the forwarding database: mail for `address` goes to `targets`.
///
/// The address need not be an account. An account with an entry keeps no copy unless
/// its own address is among the targets.
public struct ForwardingEntry: Sendable, Equatable, Codable {
    public static let formatVersion = 1
    public var version: Int = ForwardingEntry.formatVersion
    /// Canonical `local@domain`.
    public var address: String
    public var targets: [String]

    public init(address: AccountID, targets: [String]) {
        self.address = address.address
        self.targets = targets
    }

    /// RFC 5321 §4.5.3.1.3: a path is at most 256 octets, so an address at most 254.
    public static let maximumTargetLength = 254
    /// A forwarding is a short list, not a mailing list.
    public static let maximumTargets = 100

    /// Checks a target address: `local@domain`, printable ASCII or UTF-8 without spaces
    /// or controls, lower-cased domain.
    public static func canonicalTarget(_ raw: String) throws(PopstoreError) -> String {
        let shown = NameRules.printable(raw)
        guard raw.utf8.count <= maximumTargetLength, let at = raw.lastIndex(of: "@") else {
            throw .invalidInput("invalid forwarding address \(shown)")
        }
        let local = raw[..<at]
        guard !local.isEmpty,
            local.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && $0 != "<" && $0 != ">" && $0 != "," })
        else { throw .invalidInput("invalid forwarding address \(shown)") }
        let domain = try DomainName(String(raw[raw.index(after: at)...]))
        return "\(local)@\(domain.value)"
    }
}
