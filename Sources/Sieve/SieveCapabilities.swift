/// The set of `require` capabilities a compilation may use.
///
/// `.all` is exactly what this module implements; a server can offer less (for example
/// without `redirect`-like extensions for some accounts), never more.
/// - SeeAlso: RFC 5228 §3.2, §6
public struct SieveCapabilities: Sendable, Hashable {
    public var names: Set<String>
    /// The site's editheader limits; a constant `addheader` field over the size limit is
    /// a compile error (the interpreter applies the policy of `SieveRunContext`).
    public var headerEditPolicy = SieveHeaderEditPolicy()

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

    /// Whether `ihave` may enable `name` (RFC 5463 §4): not an extension that changes how
    /// every string of the script reads ("encoded-character", "variables"), since the
    /// strings were read before the test runs; `ihave` is false for those.
    public static func ihaveCanEnable(_ name: String) -> Bool {
        !["encoded-character", "variables"].contains(name.lowercased())
    }

    /// Space-separated, as the ManageSieve `SIEVE` capability shows it.
    public var advertised: String {
        Self.supportedNames.filter { names.contains($0) }.joined(separator: " ")
    }
}
