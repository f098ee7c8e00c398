/// Validation of tests and of the match arguments they share.
extension SieveValidator {
    /// A test with an error is recorded and stands in as `false`; the tests inside it are
    /// not checked (a test that takes none reports the first one as its error).
    /// Like a command, a test's arguments and a sub-test it does not take are separate
    /// errors; an unknown test is only that.
    mutating func test(_ test: SieveSyntax.Test) -> SieveTest {
        let name = test.name.lowercased()
        guard isTest(name) else {
            let what =
                isCommand(name) || ["if", "elsif", "else", "require"].contains(name)
                ? "'\(test.name)' is a command; it cannot be used as a test" : "unknown test '\(test.name)'"
            record(SieveError(location: test.location, message: what))
            return .false
        }
        var result = SieveTest.false
        do {
            result = try checkedTest(test)
        } catch {
            record(error)
        }
        if !["not", "allof", "anyof"].contains(name), let inner = test.arguments.tests.first {
            // A tag written without its colon parses as a test: "address matches ...".
            let tag = inner.name.lowercased()
            if !test.arguments.testsAreList, Self.tagNames.contains(tag) {
                record(
                    SieveError(location: inner.location, message: "missing colon before the '\(tag)' tag of the \(name) test (':\(tag)')"))
            } else {
                record(SieveError(location: inner.location, message: "'\(test.name)' does not take a test"))
            }
            result = .false
        }
        return result
    }

    /// Tags of the tests, to recognise one whose colon is missing.
    private static let tagNames: Set<String> = [
        "is", "contains", "matches", "regex", "count", "value", "comparator", "all", "localpart", "domain", "user", "detail",
        "over", "under", "index", "last", "raw", "content", "text", "zone", "originalzone",
    ]

    private mutating func checkedTest(_ test: SieveSyntax.Test) throws(SieveError) -> SieveTest {
        let name = test.name.lowercased()
        let at = test.location
        let arguments = test.arguments.arguments
        switch name {
        case "true", "false":
            try SieveArgumentReader(arguments, of: name, at: at, shapes: [:]).finish()
            return name == "true" ? .true : .false
        case "not":
            guard arguments.isEmpty, test.arguments.tests.count == 1, !test.arguments.testsAreList else {
                throw SieveError(location: at, message: "'not' needs exactly one test")
            }
            return .not(self.test(test.arguments.tests[0]))
        case "allof", "anyof":
            guard arguments.isEmpty, test.arguments.testsAreList else {
                throw SieveError(location: at, message: "'\(name)' needs a test list in parentheses")
            }
            var tests: [SieveTest] = []
            for inner in test.arguments.tests { tests.append(self.test(inner)) }
            return name == "allof" ? .allOf(tests) : .anyOf(tests)
        default:
            return try simpleTest(name, arguments, at: at)
        }
    }

    private mutating func simpleTest(_ name: String, _ arguments: [SieveSyntax.Argument], at: SourceLocation) throws(SieveError)
        -> SieveTest
    {
        switch name {
        case "exists", "mailboxexists":
            if name == "mailboxexists" { try need("mailbox", for: "'mailboxexists'", at: at) }
            var reader = try SieveArgumentReader(arguments, of: name, at: at, shapes: [:])
            let (names, location) = try reader.stringList(name == "exists" ? "header names" : "mailbox names")
            try reader.finish()
            return name == "exists" ? .exists(try texts(names, at: location)) : .mailboxExists(try texts(names, at: location))
        case "size":
            var reader = try SieveArgumentReader(arguments, of: name, at: at, shapes: ["over": .flag, "under": .flag])
            guard let comparison = try reader.oneOf(["over", "under"], what: "of ':over' and ':under'") else {
                throw SieveError(location: at, message: "'size' needs ':over' or ':under'")
            }
            let limit = try reader.number("limit")
            try reader.finish()
            return .size(over: comparison.name == "over", limit: limit)
        case "header":
            var reader = try SieveArgumentReader(arguments, of: name, at: at, shapes: matchShapes().merging(indexShapes()) { a, _ in a })
            let index = try headerIndex(reader, always: false)
            let (names, location) = try reader.stringList("header names")
            let match = try self.match(&reader, keysWhat: "keys")
            try reader.finish()
            return .header(names: try texts(names, at: location), index: index, match: match)
        case "address", "envelope":
            if name == "envelope" { try need("envelope", for: "'envelope'", at: at) }
            var shapes = matchShapes().merging(addressPartShapes()) { a, _ in a }
            if name == "address" { shapes.merge(indexShapes()) { a, _ in a } }
            var reader = try SieveArgumentReader(arguments, of: name, at: at, shapes: shapes)
            let part = try addressPart(reader)
            let index = try headerIndex(reader, always: false)
            let (names, location) = try reader.stringList(name == "address" ? "header names" : "envelope parts")
            let match = try self.match(&reader, keysWhat: "keys")
            try reader.finish()
            if name == "envelope" {
                // "from" and "to" (RFC 5228 §5.4), and "auth", the authenticated sender.
                for part in names where !["from", "to", "auth"].contains(part.lowercased()) {
                    throw SieveError(location: location, message: "unknown envelope part '\(part)'")
                }
                return .envelope(parts: try texts(names, at: location), part: part, match: match)
            }
            let headerNames = try texts(names, at: location)
            // RFC 5228 §5.1: the address test is restricted to fields that hold addresses.
            for name in headerNames {
                if let constant = name.constant, !SieveAddressList.isAddressHeader(constant) {
                    throw SieveError(
                        location: location,
                        message: "header '\(constant)' is not allowed in the address test: it does not hold addresses (RFC 5228 §5.1)")
                }
            }
            return .address(names: headerNames, part: part, index: index, match: match)
        case "body":
            try need("body", for: "'body'", at: at)
            var shapes = matchShapes()
            shapes.merge(["raw": .flag, "content": .stringList, "text": .flag]) { a, _ in a }
            var reader = try SieveArgumentReader(arguments, of: name, at: at, shapes: shapes)
            let transformTag = try reader.oneOf(["raw", "content", "text"], what: "body transform")
            let match = try self.match(&reader, keysWhat: "keys")
            try reader.finish()
            var transform = SieveBodyTransform.text
            if transformTag?.name == "raw" { transform = .raw }
            if let parameter = transformTag?.parameter, case .strings(let types, _) = parameter.value {
                transform = .content(try texts(types, at: parameter.location))
            }
            return .body(transform, match: match)
        case "string":
            try need("variables", for: "'string'", at: at)
            var reader = try SieveArgumentReader(arguments, of: name, at: at, shapes: matchShapes())
            let (sources, location) = try reader.stringList("source")
            let match = try self.match(&reader, keysWhat: "keys")
            try reader.finish()
            return .string(sources: try texts(sources, at: location), match: match)
        case "environment":
            try need("environment", for: "'environment'", at: at)
            var reader = try SieveArgumentReader(arguments, of: name, at: at, shapes: matchShapes())
            let (item, location) = try reader.string("name")
            let match = try self.match(&reader, keysWhat: "keys")
            try reader.finish()
            return .environment(name: try text(item, at: location), match: match)
        case "duplicate":
            return try duplicateTest(arguments, at: at)
        case "date", "currentdate":
            return try dateTest(name, arguments, at: at)
        case "hasflag":
            try need("imap4flags", for: "'hasflag'", at: at)
            var reader = try SieveArgumentReader(arguments, of: name, at: at, shapes: matchShapes())
            var variables: [String] = []
            if reader.remainingPositional == 2 {
                let (names, location) = try reader.stringList("variable names")
                for raw in names { variables.append(try variableName(raw, at: location)) }
            }
            let match = try self.match(&reader, keysWhat: "flags")
            try reader.finish()
            return .hasFlag(variables: variables, match: match)
        case "ihave":
            try need("ihave", for: "'ihave'", at: at)
            var reader = try SieveArgumentReader(arguments, of: name, at: at, shapes: [:])
            let (names, location) = try reader.stringList("capabilities")
            try reader.finish()
            var constants: [String] = []
            for raw in names { constants.append(try constant(raw, at: location)) }
            return .ihave(constants)
        default:
            if testsuiteEnabled, let test = try testsuiteTest(name, arguments, at: at) { return test }
            throw SieveError(location: at, message: "unknown test '\(name)'")
        }
    }

    // MARK: - Match arguments

    /// The tags for `[COMPARATOR] [MATCH-TYPE]` under the required capabilities.
    func matchShapes() -> [String: SieveArgumentReader.TagShape] {
        var shapes: [String: SieveArgumentReader.TagShape] = ["comparator": .string, "is": .flag, "contains": .flag, "matches": .flag]
        if required.contains("relational") {
            shapes["count"] = .string
            shapes["value"] = .string
        }
        if required.contains("regex") { shapes["regex"] = .flag }
        return shapes
    }

    func indexShapes() -> [String: SieveArgumentReader.TagShape] {
        required.contains("index") ? ["index": .number, "last": .flag] : [:]
    }

    private func addressPartShapes() -> [String: SieveArgumentReader.TagShape] {
        var shapes: [String: SieveArgumentReader.TagShape] = ["all": .flag, "localpart": .flag, "domain": .flag]
        if required.contains("subaddress") {
            shapes["user"] = .flag
            shapes["detail"] = .flag
        }
        return shapes
    }

    private func addressPart(_ reader: SieveArgumentReader) throws(SieveError) -> SieveAddressPart {
        let tag = try reader.oneOf(["all", "localpart", "domain", "user", "detail"], what: "address part")
        return tag.flatMap { SieveAddressPart(rawValue: $0.name) } ?? .all
    }

    /// `:index <fieldno>` and `:last` (RFC 5260 §6); `always` for deleteheader, where
    /// the tags belong to editheader itself (RFC 5293 §5).
    func headerIndex(_ reader: SieveArgumentReader, always: Bool) throws(SieveError) -> SieveHeaderIndex? {
        guard let tag = reader.tags["index"] else {
            if let last = reader.tags["last"] {
                throw SieveError(location: last.location, message: "':last' needs ':index'")
            }
            return nil
        }
        guard case .number(let position) = tag.parameter?.value, position > 0 else {
            throw SieveError(location: tag.location, message: "':index' must be at least 1")
        }
        return SieveHeaderIndex(position: Int(clamping: position), fromLast: reader.flag("last"))
    }

    /// `[COMPARATOR] [MATCH-TYPE]` and the key list that follows as the next positional argument.
    func match(_ reader: inout SieveArgumentReader, keysWhat: String) throws(SieveError) -> SieveMatch {
        var comparator = SieveComparator.asciiCasemap
        if let tag = reader.tags["comparator"], let parameter = tag.parameter, case .strings(let names, _) = parameter.value {
            guard let known = SieveComparator(rawValue: names[0].lowercased()) else {
                throw SieveError(location: parameter.location, message: "unknown comparator '\(names[0])'")
            }
            if let capability = known.capability {
                try need(capability, for: "comparator '\(known.rawValue)'", at: parameter.location)
            }
            comparator = known
        }
        var type = SieveMatchType.is
        if let tag = try reader.oneOf(["is", "contains", "matches", "count", "value", "regex"], what: "match type") {
            switch tag.name {
            case "contains": type = .contains
            case "regex": type = .regex
            case "matches": type = .matches
            case "count", "value":
                guard let parameter = tag.parameter, case .strings(let names, _) = parameter.value,
                    let relation = SieveRelation(rawValue: names[0].lowercased())
                else {
                    throw SieveError(location: tag.location, message: "':\(tag.name)' needs one of gt, ge, lt, le, eq, ne")
                }
                type = tag.name == "count" ? .count(relation) : .value(relation)
            default: type = .is
            }
            if !comparator.supportsSubstrings, ["contains", "matches", "regex"].contains(tag.name) {
                throw SieveError(location: tag.location, message: "comparator '\(comparator.rawValue)' does not support ':\(tag.name)'")
            }
        }
        let (keys, location) = try reader.stringList(keysWhat)
        let texts = try texts(keys, at: location)
        if case .regex = type {
            // Constant patterns are checked now; others when the script runs.
            for key in texts {
                guard let constant = key.constant else { continue }
                do {
                    _ = try SieveRegex(constant, caseInsensitive: comparator == .asciiCasemap)
                } catch {
                    throw SieveError(location: location, message: "invalid regular expression '\(constant)': \(error.message)")
                }
            }
        }
        return SieveMatch(type: type, comparator: comparator, keys: texts)
    }
}
