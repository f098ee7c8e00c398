/// Evaluation of tests.
extension SieveInterpreter {
    mutating func evaluate(_ test: SieveTest, at location: SourceLocation) throws(SieveRuntimeError) -> Bool {
        try charge(1, at: location)
        switch test {
        case .true: return true
        case .false: return false
        case .not(let inner): return !(try evaluate(inner, at: location))
        case .allOf(let tests):
            for inner in tests where !(try evaluate(inner, at: location)) { return false }
            return true
        case .anyOf(let tests):
            for inner in tests where try evaluate(inner, at: location) { return true }
            return false
        case .exists(let names):
            let present = Set(message.headerFields.map { $0.name.lowercased() })
            return names.allSatisfy { present.contains(expand($0).lowercased()) }
        case .size(let over, let limit):
            return over ? UInt64(message.size) > limit : UInt64(message.size) < limit
        case .header(let names, let index, let match):
            let values = fields(names, index: index).map { SieveHeaderValue.comparable($0.value) }
            return try compare(values, match, at: location)
        case .address(let names, let part, let index, let match):
            // RFC 5228 §5.1: only fields that hold addresses; a name from a variable may
            // turn out to be another field, which is then left out.
            let addressFields = names.filter { SieveAddressList.isAddressHeader(expand($0)) }
            let addresses = fields(addressFields, index: index).flatMap { SieveAddressList.parse(SieveHeaderValue.unfold($0.value)) }
            let separators = context.subaddressSeparators
            return try compare(addresses.compactMap { Self.part(part, of: $0, separators: separators) }, match, at: location)
        case .envelope(let parts, let part, let match):
            var values: [String] = []
            for name in parts.map({ expand($0).lowercased() }) {
                // "auth" (Pigeonhole's): the authenticated user, absent when there is none.
                guard let raw = name == "auth" ? message.envelopeAuth : name == "from" ? message.envelopeFrom : message.envelopeTo
                else { continue }
                switch SieveEnvelopePath.parse(raw) {
                case .null:
                    // RFC 5228 §5.4: the null reverse-path is the empty string for every part.
                    values.append("")
                case .address(let address):
                    // The whole envelope address is the SMTP path's mailbox, quoted where
                    // its local part must be (RFC 5321 §4.1.2).
                    if case .all = part {
                        values.append(address.encoded)
                    } else if let value = Self.part(part, of: address, separators: context.subaddressSeparators) {
                        values.append(value)
                    }
                case .invalid:
                    break
                }
            }
            return try compare(values, match, at: location)
        case .body(let transform, let match):
            guard message.hasBody else { return false }
            try charge(message.body.count / 64, at: location)
            let texts = SieveBodyExtractor.texts(of: message, transform: transform, expand: expand)
            return try compare(texts, match, at: location, setsMatchVariables: false)
        case .string(let sources, let match):
            // RFC 5229 §5: empty strings are not counted by :count.
            var values = sources.map(expand)
            if case .count = match.type { values.removeAll { $0.isEmpty } }
            return try compare(values, match, at: location)
        case .environment(let name, let match):
            guard let value = context.environment[expand(name).lowercased()] else { return false }
            return try compare([value], match, at: location)
        case .duplicate(let duplicate):
            return duplicateTest(duplicate)
        case .hasFlag(let names, let match):
            let flags = names.isEmpty ? internalFlags : names.flatMap { Self.flags(in: [variables[$0] ?? ""]) }
            // The keys are a list of flags too: "junk forward" is the keys "junk" and
            // "forward" (RFC 5232 §4's example).
            var flagMatch = match
            flagMatch.keys = match.keys.map(expand).flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }) }
                .map { SieveText(literal: String($0)) }
            return try compare(flags, flagMatch, at: location)
        case .mailboxExists(let names):
            return names.allSatisfy { name in
                let mailbox = expand(name)
                return testsuite?.mailboxes[SieveTestsuiteState.mailboxName(mailbox)] != nil || context.mailboxExists(mailbox)
            }
        case .ihave(let names):
            return names.allSatisfy { SieveCapabilities.ihaveCanEnable($0) && program.capabilities.contains($0) }
        case .date(let date):
            return try dateTest(date, at: location)
        case .testsuite(let test):
            return try testsuiteTest(test, at: location)
        }
    }

    /// Compares values with the keys, and on success under `:matches` sets the match
    /// variables (RFC 5229 §3.2) when the script uses variables.
    /// `setsMatchVariables` is false for `body`, which RFC 5173 §6 exempts: the match
    /// variables keep their values.
    mutating func compare(_ values: [String], _ match: SieveMatch, at location: SourceLocation, setsMatchVariables: Bool = true)
        throws(SieveRuntimeError) -> Bool
    {
        var cost = 0
        let outcome = SieveMatcher.match(
            values: values, keys: match.keys.map(expand), type: match.type, comparator: match.comparator, steps: &cost)
        try charge(cost, at: location)
        warnings += outcome.warnings.map { "\(location): \($0)" }
        if setsMatchVariables, outcome.matched, let captures = outcome.captures, program.requiredCapabilities.contains("variables") {
            matchVariables = captures.map { Self.truncated($0, to: context.maximumVariableSize) }
        }
        return outcome.matched
    }

    /// The fields with any of the names, in message order, narrowed by `:index`.
    func fields(_ names: [SieveText], index: SieveHeaderIndex?) -> [SieveMessage.HeaderField] {
        var result: [SieveMessage.HeaderField] = []
        for name in names.map({ expand($0).lowercased() }) {
            let named = message.headerFields.filter { $0.name.lowercased() == name }
            if let index {
                let position = index.fromLast ? named.count - index.position : index.position - 1
                if named.indices.contains(position) { result.append(named[position]) }
            } else {
                result += named
            }
        }
        return result
    }

    /// The address part a test compares; `nil` when the address has none (RFC 5233 §4:
    /// an address without a separator has no detail). The first of any `separators`
    /// splits user from detail.
    static func part(_ part: SieveAddressPart, of address: SieveAddressList.Address, separators: String) -> String? {
        // RFC 5228 §2.7.4: an invalid address is seen by :all alone.
        if let written = address.invalidText { return part == .all ? written : nil }
        switch part {
        case .all: return address.full
        case .localpart: return address.localPart
        case .domain: return address.domain ?? ""
        case .user:
            return String(address.localPart.prefix { !separators.contains($0) })
        case .detail:
            guard let separator = address.localPart.firstIndex(where: separators.contains) else { return nil }
            return String(address.localPart[address.localPart.index(after: separator)...])
        }
    }

    // RFC 7352 §3: the ID is the Message-ID unless :header or :uniqueid says otherwise;
    // a message without one is never a duplicate.
    private mutating func duplicateTest(_ duplicate: SieveDuplicateTest) -> Bool {
        let uniqueID: String?
        switch duplicate.source {
        case .messageID: uniqueID = fields([SieveText(literal: "message-id")], index: nil).first.map { SieveHeaderValue.unfold($0.value) }
        case .header(let name): uniqueID = fields([name], index: nil).first.map { SieveHeaderValue.unfold($0.value) }
        case .uniqueID(let value): uniqueID = expand(value)
        }
        guard let uniqueID, !uniqueID.isEmpty else { return false }
        let check = SieveDuplicateCheck(
            handle: duplicate.handle.map(expand) ?? "", uniqueID: uniqueID, seconds: duplicate.seconds, last: duplicate.last)
        duplicateChecks.append(check)
        return context.isDuplicate(check)
    }
}
