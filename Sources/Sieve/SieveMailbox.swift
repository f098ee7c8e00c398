/// One RFC 5322 mailbox given by a script, such as a `redirect` target or a vacation
/// `:from`: checked strictly, since the address goes out in a new message.
///
/// Accepted: `local@domain` and `Display Name <local@domain>`, with comments and folding
/// white space between the parts. The local part may be quoted, and dots in it may be
/// leading, trailing or doubled (the obsolete forms RFC 5322 §4.4 says to accept, which
/// real addresses use). Refused: anything else, including a missing domain, two words
/// without a dot between them, several addresses, non-ASCII in the address (it is
/// allowed in the display name, RFC 6532 §3.2), and an unclosed angle bracket.
/// - SeeAlso: RFC 5322 §3.4, §3.4.1, §4.4; RFC 5228 §4.2 (a redirect address must be
///   syntactically valid)
enum SieveMailbox {
    private enum Token: Equatable {
        case atom(String)
        case quoted(String)
        case domainLiteral(String)
        case special(Character)
    }

    // mailbox = name-addr / addr-spec
    // name-addr = [display-name] angle-addr
    // angle-addr = [CFWS] "<" addr-spec ">" [CFWS]
    /// The address as `local@domain`, or `nil` when `text` is not exactly one mailbox.
    static func parse(_ text: String) -> SieveAddressList.Address? {
        guard let tokens = tokens(text), !tokens.isEmpty else { return nil }
        guard let open = tokens.firstIndex(of: .special("<")) else { return addrSpec(tokens[...]) }
        // display-name = phrase = 1*word (obs-phrase also allows ".")
        for token in tokens[..<open] {
            switch token {
            case .atom, .quoted, .special("."): continue
            default: return nil
            }
        }
        guard tokens.last == .special(">"), open < tokens.count - 1 else { return nil }
        return addrSpec(tokens[(open + 1)..<(tokens.count - 1)])
    }

    // addr-spec = local-part "@" domain
    // local-part = dot-atom / quoted-string / obs-local-part;  obs-local-part = word *("." word)
    // domain = dot-atom / domain-literal
    private static func addrSpec(_ tokens: ArraySlice<SieveMailbox.Token>) -> SieveAddressList.Address? {
        guard let at = tokens.firstIndex(of: .special("@")) else { return nil }
        var local = ""
        var previousWasWord = false
        for token in tokens[..<at] {
            switch token {
            case .atom(let word), .quoted(let word):
                guard !previousWasWord else { return nil }
                local += word
                previousWasWord = true
            case .special("."):
                local += "."
                previousWasWord = false
            default:
                return nil
            }
        }
        guard local.unicodeScalars.allSatisfy(\.isASCII) else { return nil }
        guard local.contains(where: { $0 != "." }) || tokens[..<at].contains(where: { if case .quoted = $0 { true } else { false } })
        else { return nil }
        let domainTokens = Array(tokens[(at + 1)...])
        if domainTokens.count == 1, case .domainLiteral(let literal) = domainTokens[0] {
            return SieveAddressList.Address(localPart: local, domain: "[\(literal)]")
        }
        // dot-atom: atoms separated by single dots.
        var labels: [String] = []
        for (index, token) in domainTokens.enumerated() {
            if index % 2 == 0 {
                guard case .atom(let label) = token, label.unicodeScalars.allSatisfy(\.isASCII) else { return nil }
                labels.append(label)
            } else if token != .special(".") {
                return nil
            }
        }
        guard domainTokens.count % 2 == 1 else { return nil }
        return SieveAddressList.Address(localPart: local, domain: labels.joined(separator: "."))
    }

    /// Atoms, quoted strings, domain literals and specials; white space and comments
    /// (CFWS) are dropped. `nil` for a character that may not appear, or an unclosed quote,
    /// comment or literal.
    private static func tokens(_ text: String) -> [Token]? {
        var tokens: [Token] = []
        var characters = text.unicodeScalars.makeIterator()
        var pending = characters.next()
        var atom = ""
        func endAtom() {
            if !atom.isEmpty { tokens.append(.atom(atom)) }
            atom = ""
        }
        while let scalar = pending {
            pending = characters.next()
            if isAtomText(scalar) {
                atom.unicodeScalars.append(scalar)
                continue
            }
            endAtom()
            switch scalar {
            case " ", "\t", "\r", "\n":
                continue
            case "(":
                var depth = 1
                while depth > 0 {
                    guard let inner = pending else { return nil }
                    pending = characters.next()
                    switch inner {
                    case "\\": pending = characters.next()
                    case "(": depth += 1
                    case ")": depth -= 1
                    default: break
                    }
                }
            case "\"", "[":
                let close: Unicode.Scalar = scalar == "\"" ? "\"" : "]"
                var value = ""
                while true {
                    guard let inner = pending else { return nil }
                    pending = characters.next()
                    if inner == close { break }
                    if inner == "\\", scalar == "\"" {
                        guard let escaped = pending else { return nil }
                        value.unicodeScalars.append(escaped)
                        pending = characters.next()
                    } else {
                        value.unicodeScalars.append(inner)
                    }
                }
                tokens.append(scalar == "\"" ? .quoted(value) : .domainLiteral(value))
            case "<", ">", "@", ".", ",", ":", ";":
                tokens.append(.special(Character(scalar)))
            default:
                return nil
            }
        }
        endAtom()
        return tokens
    }

    /// atext, and UTF-8 too (RFC 6532 §3.2); `addrSpec` keeps it out of addresses.
    private static func isAtomText(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x80 || SieveAddressList.isAtomText(scalar)
    }
}
