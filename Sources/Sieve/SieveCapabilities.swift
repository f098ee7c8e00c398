/// The set of `require` capabilities a compilation may use.
///
/// `.all` is exactly what this module implements; a server can offer less (for example
/// without `redirect`-like extensions for some accounts), never more.
/// - SeeAlso: RFC 5228 §3.2, §6
public struct SieveCapabilities: Sendable, Hashable {
    public var names: Set<String>

    public init(_ names: some Sequence<String>) {
        self.names = Set(names.map { $0.lowercased() })
    }

    public func contains(_ name: String) -> Bool {
        names.contains(name.lowercased())
    }

    /// Every capability this module implements.
    public static let all = SieveCapabilities(supportedNames)

    /// The capability list in the order ManageSieve advertises it (RFC 5804 §1.7).
    public static let supportedNames: [String] = [
        "fileinto", "envelope", "encoded-character",
        "comparator-i;octet", "comparator-i;ascii-casemap", "comparator-i;ascii-numeric",
        "reject", "ereject", "vacation", "vacation-seconds", "subaddress", "copy", "relational",
        "body", "variables", "index", "editheader", "duplicate", "environment", "ihave",
        "imap4flags", "mailbox", "date", "regex", "include",
    ]

    /// Space-separated, as the ManageSieve `SIEVE` capability shows it.
    public var advertised: String {
        Self.supportedNames.filter { names.contains($0) }.joined(separator: " ")
    }
}
