/// An SMTP envelope path as the `envelope` test reads it: `<local@domain>` or the bare
/// address, with any source route checked and dropped; `<>` (or nothing) is the null path.
/// - SeeAlso: RFC 5321 §4.1.2 (Path, A-d-l), RFC 5228 §5.4
enum SieveEnvelopePath {
    enum Parsed: Sendable, Hashable {
        /// The null reverse-path: the empty string for every address part (RFC 5228 §5.4).
        case null
        case address(SieveAddressList.Address)
        /// Not a path: no address part matches it.
        case invalid
    }

    // Path = "<" [ A-d-l ":" ] Mailbox ">"; a local part alone ("<postmaster>") is allowed.
    static func parse(_ text: String) -> Parsed {
        var path = Substring(text.trimmingWhiteSpace())
        let opens = path.first == "<"
        let closes = path.last == ">"
        if opens || closes {
            guard opens, closes, path.count >= 2 else { return .invalid }
            path = path.dropFirst().dropLast()
        }
        if path.isEmpty { return .null }
        return SieveAddressList.addrSpec(path).map { .address($0) } ?? .invalid
    }

    /// The path's address; nil for the null path and for what is not a path.
    static func address(_ text: String) -> SieveAddressList.Address? {
        if case .address(let address) = parse(text) { address } else { nil }
    }
}
