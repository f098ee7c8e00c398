/// The addresses in an address header field, as the `address` test sees them.
///
/// Tolerant of what real mail contains: comments, display names, quoted local parts,
/// groups (whose names are dropped), source routes, and missing domains.
/// - SeeAlso: RFC 5322 §3.4, RFC 5228 §2.7.4
enum SieveAddressList {
    struct Address: Sendable, Hashable {
        var localPart: String
        var domain: String?

        /// `local@domain`, or the local part alone when there is no domain.
        var full: String { domain.map { "\(localPart)@\($0)" } ?? localPart }
    }

    /// Header fields whose body is an address list (or a single address or path), the
    /// only ones the `address` test may read. RFC 5228 §5.1 requires From, To, Cc, Bcc,
    /// Sender, Resent-From and Resent-To, and asks for any other field that holds
    /// addresses: the rest of RFC 5322 §3.6.2–§3.6.7 and common delivery fields.
    static let addressHeaderNames: Set<String> = [
        "from", "sender", "reply-to", "to", "cc", "bcc", "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-bcc",
        "return-path", "delivered-to", "envelope-to", "x-original-to", "x-envelope-from", "x-envelope-to", "errors-to",
        "disposition-notification-to", "mail-followup-to", "mail-reply-to", "original-recipient", "approved",
    ]

    static func isAddressHeader(_ name: String) -> Bool { addressHeaderNames.contains(name.lowercased()) }

    // address-list = (address *("," address))
    // address = mailbox / group;  group = display-name ":" [group-list] ";"
    static func parse(_ value: String) -> [Address] {
        var addresses: [Address] = []
        var plain = ""
        var angle: String?
        var inAngle = false
        var commentDepth = 0
        var quoted = false
        var escaped = false

        func flush() {
            if let address = addrSpec(angle ?? plain) { addresses.append(address) }
            plain = ""
            angle = nil
        }

        for character in value {
            if escaped {
                escaped = false
                if commentDepth == 0 { append(character) }
                continue
            }
            if commentDepth > 0 {
                switch character {
                case "\\": escaped = true
                case "(": commentDepth += 1
                case ")": commentDepth -= 1
                default: break
                }
                continue
            }
            if quoted {
                if character == "\\" { escaped = true }
                if character == "\"" { quoted = false }
                append(character)
                continue
            }
            switch character {
            case "\"":
                quoted = true
                append(character)
            case "(": commentDepth = 1
            case "<":
                inAngle = true
                angle = ""
            case ">": inAngle = false
            case "," where !inAngle, ";" where !inAngle: flush()
            case ":" where !inAngle: plain = ""  // a group's display name
            case " ", "\t", "\r", "\n": break
            default: append(character)
            }
        }
        flush()
        return addresses

        func append(_ character: Character) {
            if inAngle { angle?.append(character) } else { plain.append(character) }
        }
    }

    // addr-spec = local-part "@" domain; a source route "@a,@b:" before it is dropped.
    private static func addrSpec(_ text: String) -> Address? {
        var spec = Substring(text)
        if spec.first == "@", let colon = spec.firstIndex(of: ":") { spec = spec[spec.index(after: colon)...] }
        guard !spec.isEmpty else { return nil }
        guard let at = lastUnquotedAt(spec) else { return Address(localPart: unquote(spec), domain: nil) }
        return Address(localPart: unquote(spec[..<at]), domain: String(spec[spec.index(after: at)...]))
    }

    private static func lastUnquotedAt(_ text: Substring) -> Substring.Index? {
        var quoted = false
        var result: Substring.Index?
        var index = text.startIndex
        while index < text.endIndex {
            switch text[index] {
            case "\\" where quoted: index = text.index(after: index)
            case "\"": quoted.toggle()
            case "@" where !quoted: result = index
            default: break
            }
            if index < text.endIndex { index = text.index(after: index) }
        }
        return result
    }

    /// `"a b"` → `a b`, `"a\"b"` → `a"b`.
    private static func unquote(_ text: Substring) -> String {
        guard text.contains("\"") else { return String(text) }
        var result = ""
        var escaped = false
        for character in text {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character != "\"" {
                result.append(character)
            }
        }
        return result
    }
}
