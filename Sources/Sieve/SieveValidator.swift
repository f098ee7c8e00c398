/// Checks a syntax tree against the commands, tests and capabilities this implementation
/// knows, and produces the typed program the interpreter runs.
/// - SeeAlso: RFC 5228 §3.2 (require), §2.6 (arguments), and each extension's RFC
struct SieveValidator {
    /// What the compilation may use.
    let available: SieveCapabilities
    /// What the script has required so far (and, inside an `ihave` block, what it tested).
    var required: Set<String> = []
    var requiredInOrder: [String] = []
    /// Names declared with `global` so far; references to them use the "global." name
    /// under which the interpreter shares them with included scripts (RFC 6609 §3.3).
    var globals: Set<String> = []

    static func validate(_ commands: [SieveSyntax.Command], available: SieveCapabilities) throws(SieveError) -> SieveProgram {
        var validator = SieveValidator(available: available)
        var index = 0
        // RFC 5228 §3.2: require must come before any other command.
        while index < commands.count, commands[index].name.lowercased() == "require" {
            try validator.require(commands[index])
            index += 1
        }
        let statements = try validator.block(commands[index...])
        return SieveProgram(requiredCapabilities: validator.requiredInOrder, statements: statements, capabilities: available)
    }

    // require <capabilities: string-list>
    private mutating func require(_ command: SieveSyntax.Command) throws(SieveError) {
        try noBlock(command)
        try noTests(command.arguments, of: "require", at: command.location)
        var reader = try SieveArgumentReader(command.arguments.arguments, of: "require", at: command.location, shapes: [:])
        let (names, location) = try reader.stringList("capabilities")
        try reader.finish()
        for name in names {
            let capability = name.lowercased()
            guard available.contains(capability) else {
                throw SieveError(location: location, message: "unsupported capability '\(name)'")
            }
            if required.insert(capability).inserted { requiredInOrder.append(capability) }
        }
        // RFC 6131 §2: vacation-seconds implies vacation.
        if required.contains("vacation-seconds") { required.insert("vacation") }
    }

    /// Validates a block; `elsif` and `else` attach to the `if` before them.
    mutating func block(_ commands: ArraySlice<SieveSyntax.Command>) throws(SieveError) -> [SieveStatement] {
        var statements: [SieveStatement] = []
        var index = commands.startIndex
        while index < commands.endIndex {
            let command = commands[index]
            index += 1
            switch command.name.lowercased() {
            case "if":
                var branches = [try branch(command)]
                var otherwise: [SieveStatement]?
                while index < commands.endIndex, otherwise == nil {
                    let next = commands[index]
                    let name = next.name.lowercased()
                    if name == "elsif" {
                        branches.append(try branch(next))
                    } else if name == "else" {
                        try noArguments(next)
                        otherwise = try block(of: next)
                    } else {
                        break
                    }
                    index += 1
                }
                statements.append(SieveStatement(command: .conditional(branches, otherwise: otherwise), location: command.location))
            case "elsif", "else":
                throw SieveError(location: command.location, message: "'\(command.name)' without a preceding 'if'")
            case "require":
                throw SieveError(location: command.location, message: "'require' must come before any other command")
            case "test" where testsuiteEnabled:
                statements.append(SieveStatement(command: try testsuiteBlock(command), location: command.location))
            default:
                try noBlock(command)
                statements.append(SieveStatement(command: try self.command(command), location: command.location))
            }
        }
        return statements
    }

    // if <test> <block>, elsif <test> <block>
    private mutating func branch(_ command: SieveSyntax.Command) throws(SieveError) -> SieveBranch {
        let arguments = command.arguments
        if let extra = arguments.arguments.first {
            throw SieveError(location: extra.location, message: "'\(command.name)' takes a test, not arguments")
        }
        guard arguments.tests.count == 1, !arguments.testsAreList else {
            throw SieveError(location: command.location, message: "'\(command.name)' needs exactly one test")
        }
        let test = try self.test(arguments.tests[0])
        // RFC 5463 §4: a block guarded by ihave may use what it tested for; when a
        // capability is missing the block can never run and is not validated.
        if case .ihave(let names) = test {
            guard names.allSatisfy(available.contains) else {
                try noBlockMissing(command)
                return SieveBranch(test: test, statements: [])
            }
            let saved = required
            required.formUnion(names.map { $0.lowercased() })
            defer { required = saved }
            return SieveBranch(test: test, statements: try block(of: command))
        }
        return SieveBranch(test: test, statements: try block(of: command))
    }

    private mutating func block(of command: SieveSyntax.Command) throws(SieveError) -> [SieveStatement] {
        guard let commands = command.block else {
            throw SieveError(location: command.location, message: "'\(command.name)' needs a block")
        }
        return try block(commands[...])
    }

    private func noBlockMissing(_ command: SieveSyntax.Command) throws(SieveError) {
        if command.block == nil {
            throw SieveError(location: command.location, message: "'\(command.name)' needs a block")
        }
    }

    // MARK: - Shared checks

    func noBlock(_ command: SieveSyntax.Command) throws(SieveError) {
        if command.block != nil {
            throw SieveError(location: command.location, message: "'\(command.name)' does not take a block")
        }
    }

    func noTests(_ arguments: SieveSyntax.Arguments, of owner: String, at location: SourceLocation) throws(SieveError) {
        if let test = arguments.tests.first {
            throw SieveError(location: test.location, message: "'\(owner)' does not take a test")
        }
    }

    private func noArguments(_ command: SieveSyntax.Command) throws(SieveError) {
        if let argument = command.arguments.arguments.first {
            throw SieveError(location: argument.location, message: "'\(command.name)' takes no arguments")
        }
        try noTests(command.arguments, of: command.name, at: command.location)
    }

    /// Fails unless the script required `capability` (RFC 5228 §3.2).
    func need(_ capability: String, for what: String, at location: SourceLocation) throws(SieveError) {
        guard required.contains(capability) else {
            throw SieveError(location: location, message: "\(what) requires \"\(capability)\"")
        }
    }

    /// A string from the script as the interpreter will see it: encoded characters
    /// decoded, then variable references found.
    func text(_ raw: String, at location: SourceLocation) throws(SieveError) -> SieveText {
        var value = raw
        if required.contains("encoded-character") {
            do {
                value = try SieveEncodedCharacter.decode(raw)
            } catch .invalidCodePoint(let code) {
                throw SieveError(location: location, message: "invalid Unicode code point '\(code)' in encoded character")
            } catch {
                throw SieveError(location: location, message: "encoded characters do not form valid UTF-8")
            }
        }
        guard required.contains("variables") else { return SieveText(literal: value) }
        var parsed = SieveText.parsingVariables(value)
        for (index, part) in parsed.parts.enumerated() {
            if case .variable(let name) = part { parsed.parts[index] = .variable(try variableName(name, at: location)) }
        }
        return parsed
    }

    /// A variable name as the interpreter stores it: lowercased, and "global." in front of
    /// a name declared global. Namespaces other than "global" (RFC 6609 §3.5, which needs
    /// "include") are errors (RFC 5229 §3).
    func variableName(_ raw: String, at location: SourceLocation) throws(SieveError) -> String {
        let name = raw.lowercased()
        let components = name.split(separator: ".", omittingEmptySubsequences: false)
        guard components.allSatisfy({ SieveText.isVariableName(String($0)) }) else {
            throw SieveError(location: location, message: "invalid variable name '\(raw)'")
        }
        if components.count == 1 { return globals.contains(name) ? "global." + name : name }
        guard components[0] == "global", required.contains("include") else {
            throw SieveError(location: location, message: "unknown variable namespace '\(components[0])' in '\(raw)'")
        }
        guard components.count == 2 else {
            throw SieveError(location: location, message: "variable namespace 'global' has no sub-namespaces ('\(raw)')")
        }
        return name
    }

    func texts(_ raw: [String], at location: SourceLocation) throws(SieveError) -> [SieveText] {
        var result: [SieveText] = []
        for string in raw { result.append(try text(string, at: location)) }
        return result
    }

    /// A string that must be known at compile time, such as a variable name.
    func constant(_ raw: String, at location: SourceLocation) throws(SieveError) -> String {
        let text = try text(raw, at: location)
        guard let constant = text.constant else {
            throw SieveError(location: location, message: "a variable reference is not allowed here")
        }
        return constant
    }
}
