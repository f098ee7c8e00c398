/// The addresses in an address header field, as the `address` test sees them.
///
/// Tolerant of what real mail contains: comments, display names, quoted local parts,
/// groups (whose names are dropped), source routes, lenient dots in local parts, and
/// missing domains. An entry that is still not an address (an empty local part or
/// domain, characters an address cannot hold) is kept as written, for `:all` only.
/// - SeeAlso: RFC 5322 §3.4, RFC 5228 §2.7.4
enum SieveAddressList {
    struct Address: Sendable, Hashable {
        var localPart: String
        var domain: String?
        /// The entry as written when it is not a syntactically valid address: `:all` sees
        /// it, `:localpart` and `:domain` do not match it (RFC 5228 §2.7.4).
        var invalidText: String? = nil

        /// `local@domain`, or the local part alone when there is no domain.
        var full: String { invalidText ?? (domain.map { "\(localPart)@\($0)" } ?? localPart) }

        /// The address as SMTP writes it: the local part as a dot-string when it is one,
        /// else as a quoted string (RFC 5321 §4.1.2).
        var encoded: String {
            let local = Self.isDotString(localPart) ? localPart : Self.quoted(localPart)
            return domain.map { "\(local)@\($0)" } ?? local
        }

        /// The form compared for "the same address": domains are not case-sensitive
        /// (RFC 5321 §2.4), and neither, in practice, are local parts.
        var comparable: String { full.lowercased() }

        // Dot-string = Atom *("." Atom)
        private static func isDotString(_ text: String) -> Bool {
            let atoms = text.split(separator: ".", omittingEmptySubsequences: false)
            return atoms.allSatisfy { atom in
                !atom.isEmpty && atom.unicodeScalars.allSatisfy { $0.value >= 0x80 || SieveAddressList.isAtomText($0) }
            }
        }

        private static func quoted(_ text: String) -> String {
            var result = "\""
            for character in text {
                if character == "\"" || character == "\\" { result.append("\\") }
                result.append(character)
            }
            return result + "\""
        }
    }

    /// One mailbox of an address list with the display name written before it (raw, as
    /// in the field), for replies that address a person by name.
    struct NamedAddress: Sendable, Hashable {
        var phrase: String
        var address: Address
    }

    /// The mailboxes of an address list with their display names; group names are dropped.
    static func namedAddresses(_ value: String) -> [NamedAddress] {
        var result: [NamedAddress] = []
        var item = ""
        var quoted = false
        var escaped = false
        var commentDepth = 0
        var inAngle = false
        func flush() {
            if let address = parse(item).first {
                var phrase = ""
                if let open = topLevelAngle(item) { phrase = String(item[..<open]).trimmingWhiteSpace() }
                result.append(NamedAddress(phrase: phrase, address: address))
            }
            item = ""
        }
        for character in value {
            if escaped {
                escaped = false
            } else if character == "\\", quoted || commentDepth > 0 {
                escaped = true
            } else if commentDepth > 0 {
                if character == "(" { commentDepth += 1 }
                if character == ")" { commentDepth -= 1 }
            } else if quoted {
                if character == "\"" { quoted = false }
            } else {
                switch character {
                case "\"": quoted = true
                case "(": commentDepth = 1
                case "<": inAngle = true
                case ">": inAngle = false
                case "," where !inAngle, ";" where !inAngle:
                    flush()
                    continue
                case ":" where !inAngle:
                    item = ""
                    continue
                default: break
                }
            }
            item.append(character)
        }
        flush()
        return result
    }

    /// Where the angle-addr of one mailbox begins, outside quotes and comments.
    private static func topLevelAngle(_ item: String) -> String.Index? {
        var quoted = false
        var escaped = false
        var commentDepth = 0
        var index = item.startIndex
        while index < item.endIndex {
            let character = item[index]
            if escaped {
                escaped = false
            } else if character == "\\", quoted || commentDepth > 0 {
                escaped = true
            } else if commentDepth > 0 {
                if character == "(" { commentDepth += 1 }
                if character == ")" { commentDepth -= 1 }
            } else if quoted {
                if character == "\"" { quoted = false }
            } else if character == "\"" {
                quoted = true
            } else if character == "(" {
                commentDepth = 1
            } else if character == "<" {
                return index
            }
            index = item.index(after: index)
        }
        return nil
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
        // The entry as written, for an entry that is not an address.
        var raw = ""

        func flush() {
            let text = angle ?? plain
            let written = raw.trimmingWhiteSpace()
            if let address = addrSpec(Substring(text)) {
                addresses.append(address)
            } else if !text.isEmpty {
                addresses.append(Address(localPart: "", domain: nil, invalidText: written))
            }
            plain = ""
            angle = nil
            raw = ""
        }

        for character in value {
            let separates = !quoted && !escaped && commentDepth == 0 && !inAngle && [",", ";", ":"].contains(character)
            if !separates { raw.append(character) }
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
            case ":" where !inAngle:
                // A group's display name.
                plain = ""
                raw = ""
            case " ", "\t", "\r", "\n": break
            default: append(character)
            }
        }
        flush()
        // An empty field is one empty address for `:all`.
        if addresses.isEmpty, value.trimmingWhiteSpace().isEmpty {
            addresses.append(Address(localPart: "", domain: nil, invalidText: ""))
        }
        return addresses

        func append(_ character: Character) {
            if inAngle { angle?.append(character) } else { plain.append(character) }
        }
    }

    // addr-spec = local-part "@" domain, or a local part alone; a source route before it
    // (A-d-l ":" with A-d-l = At-domain *("," At-domain), RFC 5321 §4.1.2) is checked and
    // dropped. `nil` when the text is not such an address.
    static func addrSpec(_ text: Substring) -> Address? {
        var spec = text
        if spec.first == "@" {
            guard let colon = spec.firstIndex(of: ":") else { return nil }
            for hop in spec[..<colon].split(separator: ",", omittingEmptySubsequences: false) {
                guard hop.first == "@", isDomain(hop.dropFirst()) else { return nil }
            }
            spec = spec[spec.index(after: colon)...]
        }
        guard !spec.isEmpty else { return nil }
        guard let at = lastUnquotedAt(spec) else {
            return isLocalPart(spec) ? Address(localPart: unquote(spec), domain: nil) : nil
        }
        let (local, domain) = (spec[..<at], spec[spec.index(after: at)...])
        guard isLocalPart(local), isDomain(domain) else { return nil }
        return Address(localPart: unquote(local), domain: String(domain))
    }

    // local-part = dot-atom / quoted-string / obs-local-part, with dots anywhere (leading,
    // trailing and doubled dots occur in real addresses); ASCII only, as in SieveMailbox.
    private static func isLocalPart(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy(\.isASCII) else { return false }
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                escaped = false
            } else if quoted {
                if character == "\\" { escaped = true } else if character == "\"" { quoted = false }
            } else if character == "\"" {
                quoted = true
            } else if character != "." && !character.unicodeScalars.allSatisfy(isAtomText) {
                return false
            }
        }
        return !quoted && !escaped
    }

    // domain = dot-atom / domain-literal; every label non-empty.
    private static func isDomain(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy(\.isASCII) else { return false }
        if text.first == "[" {
            return text.last == "]" && text.count >= 2 && !text.dropFirst().dropLast().contains { "[]\\".contains($0) }
        }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.unicodeScalars.allSatisfy(isAtomText)
        }
    }

    // atext = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "/" /
    //         "=" / "?" / "^" / "_" / "`" / "{" / "|" / "}" / "~"
    // (ASCII only: RFC 6532's UTF-8 atext is the caller's to allow.)
    static func isAtomText(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII else { return false }
        let value = UInt8(scalar.value)
        let isAlphanumeric =
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(value | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(value)
        return isAlphanumeric || "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(scalar)
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
    static func unquote(_ text: Substring) -> String {
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
