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
    /// Names assigned to so far, to report once when a script declares more variables than
    /// the interpreter will hold (RFC 5229 §6 asks for compile-time reports of limits).
    var declaredVariables: Set<String> = []

    /// Every error found so far, in script order; validation goes on after each one.
    var errors: [SieveError] = []

    /// Validates a whole script; throws the first error.
    static func validate(_ commands: [SieveSyntax.Command], available: SieveCapabilities) throws(SieveError) -> SieveProgram {
        let (program, errors) = validateAll(commands, available: available)
        if let first = errors.first { throw first }
        return program
    }

    /// Validates a whole script and reports every error, at most
    /// `SieveLimits.maximumCompileErrors`. A command or test with an error is reported
    /// once and left out; the commands in its block are still checked, the tests inside
    /// a test that has an error are not. The program is only meaningful without errors.
    static func validateAll(_ commands: [SieveSyntax.Command], available: SieveCapabilities) -> (SieveProgram, [SieveError]) {
        var validator = SieveValidator(available: available)
        var index = 0
        // RFC 5228 §3.2: require must come before any other command.
        while index < commands.count, commands[index].name.lowercased() == "require" {
            validator.require(commands[index])
            index += 1
        }
        let statements = validator.block(commands[index...])
        let program = SieveProgram(requiredCapabilities: validator.requiredInOrder, statements: statements, capabilities: available)
        return (program, Array(validator.errors.prefix(SieveLimits.maximumCompileErrors)))
    }

    mutating func record(_ error: SieveError) {
        if errors.count < SieveLimits.maximumCompileErrors { errors.append(error) }
    }

    // require <capabilities: string-list>
    /// Each unsupported name is its own error; the supported ones are still required.
    private mutating func require(_ command: SieveSyntax.Command) {
        do {
            try noBlock(command)
            try noTests(command.arguments, of: "require", at: command.location)
            var reader = try SieveArgumentReader(command.arguments.arguments, of: "require", at: command.location, shapes: [:])
            let (names, location) = try reader.stringList("capabilities")
            try reader.finish()
            for name in names {
                let capability = name.lowercased()
                guard available.contains(capability) else {
                    record(SieveError(location: location, message: "unsupported capability '\(name)'"))
                    continue
                }
                if required.insert(capability).inserted { requiredInOrder.append(capability) }
            }
        } catch {
            record(error)
        }
        // RFC 6131 §2: vacation-seconds implies vacation.
        if required.contains("vacation-seconds") { required.insert("vacation") }
    }

    /// Validates a block; `elsif` and `else` attach to the `if` before them. A command with
    /// an error is recorded and left out.
    mutating func block(_ commands: ArraySlice<SieveSyntax.Command>) -> [SieveStatement] {
        var statements: [SieveStatement] = []
        var index = commands.startIndex
        while index < commands.endIndex {
            let command = commands[index]
            index += 1
            switch command.name.lowercased() {
            case "if":
                var branches = [branch(command)]
                var otherwise: [SieveStatement]?
                while index < commands.endIndex, otherwise == nil {
                    let next = commands[index]
                    let name = next.name.lowercased()
                    if name == "elsif" {
                        branches.append(branch(next))
                    } else if name == "else" {
                        do {
                            try noArguments(next)
                        } catch {
                            record(error)
                        }
                        otherwise = block(of: next)
                    } else {
                        break
                    }
                    index += 1
                }
                statements.append(SieveStatement(command: .conditional(branches, otherwise: otherwise), location: command.location))
            case "elsif", "else":
                // One error for the whole if-less chain; its parts are still checked.
                record(SieveError(location: command.location, message: "'\(command.name)' without a preceding 'if'"))
                var next: SieveSyntax.Command? = command
                while let part = next {
                    if part.name.lowercased() == "elsif" {
                        _ = branch(part)
                        next =
                            index < commands.endIndex && ["elsif", "else"].contains(commands[index].name.lowercased())
                            ? commands[index] : nil
                    } else {
                        _ = block(of: part)
                        next = nil
                    }
                    if next != nil { index += 1 }
                }
            case "require":
                record(SieveError(location: command.location, message: "'require' must come before any other command"))
            case "test" where testsuiteEnabled:
                do {
                    statements.append(SieveStatement(command: try testsuiteBlock(command), location: command.location))
                } catch {
                    record(error)
                }
            default:
                // A command given a test or a block it does not take is reported for
                // that alone; otherwise its arguments are checked. An unknown command is
                // only that.
                guard isCommand(command.name.lowercased()) else {
                    let isTest = isTest(command.name.lowercased())
                    let what = isTest ? "'\(command.name)' is a test; it cannot be used as a command" : "unknown command '\(command.name)'"
                    record(SieveError(location: command.location, message: what))
                    continue
                }
                let shapeErrors = shapeErrors(command)
                guard shapeErrors.isEmpty else {
                    for error in shapeErrors { record(error) }
                    continue
                }
                do {
                    statements.append(SieveStatement(command: try self.command(command), location: command.location))
                } catch {
                    record(error)
                }
            }
        }
        return statements
    }

    // if <test> <block>, elsif <test> <block>
    /// Errors in the arguments or the test are recorded; the block is checked regardless.
    private mutating func branch(_ command: SieveSyntax.Command) -> SieveBranch {
        let arguments = command.arguments
        var test = SieveTest.false
        if let extra = arguments.arguments.first {
            record(SieveError(location: extra.location, message: "'\(command.name)' takes a test, not arguments"))
        } else if arguments.tests.count != 1 || arguments.testsAreList {
            record(SieveError(location: command.location, message: "'\(command.name)' needs exactly one test"))
        } else {
            test = self.test(arguments.tests[0])
        }
        // RFC 5463 §4: a block guarded by ihave may use what it tested for; when a
        // capability is missing the block can never run and is not validated.
        if case .ihave(let names) = test {
            guard names.allSatisfy(SieveCapabilities.ihaveCanEnable), names.allSatisfy(available.contains) else {
                if command.block == nil {
                    record(SieveError(location: command.location, message: "'\(command.name)' needs a block"))
                }
                return SieveBranch(test: test, statements: [])
            }
            let saved = required
            required.formUnion(names.map { $0.lowercased() })
            defer { required = saved }
            return SieveBranch(test: test, statements: block(of: command))
        }
        return SieveBranch(test: test, statements: block(of: command))
    }

    private mutating func block(of command: SieveSyntax.Command) -> [SieveStatement] {
        guard let commands = command.block else {
            record(SieveError(location: command.location, message: "'\(command.name)' needs a block"))
            return []
        }
        return block(commands[...])
    }

    // MARK: - Shared checks

    /// Why a command that takes neither tests nor a block has them: one error for the
    /// test, one for the block. A test after a command usually means a missing ";" (RFC
    /// 5228 §8.2).
    private func shapeErrors(_ command: SieveSyntax.Command) -> [SieveError] {
        var errors: [SieveError] = []
        if let test = command.arguments.tests.first {
            if command.arguments.testsAreList || isTest(test.name.lowercased()) {
                errors.append(SieveError(location: test.location, message: "'\(command.name)' does not take a test"))
            } else {
                errors.append(
                    SieveError(
                        location: test.location, message: "missing semicolon after the '\(command.name)' command, before '\(test.name)'"))
            }
        }
        if command.block != nil {
            errors.append(SieveError(location: command.location, message: "'\(command.name)' does not take a block"))
        }
        return errors
    }

    /// Whether `name` (lowercased) is a command known under what the script may use.
    func isCommand(_ name: String) -> Bool {
        Self.commandNames.contains(name) || (testsuiteEnabled && Self.testsuiteCommandNames.contains(name))
    }

    /// Whether `name` (lowercased) is a test known under what the script may use.
    func isTest(_ name: String) -> Bool {
        Self.testNames.contains(name) || (testsuiteEnabled && Self.testsuiteTestNames.contains(name))
    }

    static let commandNames: Set<String> = [
        "stop", "discard", "keep", "redirect", "fileinto", "reject", "ereject", "vacation", "set", "addheader", "deleteheader",
        "setflag", "addflag", "removeflag", "include", "return", "global", "error",
    ]
    static let testNames: Set<String> = [
        "true", "false", "not", "allof", "anyof", "exists", "mailboxexists", "size", "header", "address", "envelope", "body",
        "string", "environment", "duplicate", "date", "currentdate", "hasflag", "ihave",
    ]

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
            switch part {
            case .variable(let name):
                parsed.parts[index] = .variable(try variableName(name, at: location))
            case .matchVariable(let number) where number > SieveLimits.maximumMatchVariableIndex:
                // RFC 5229 §6: a reference beyond the supported indices is a syntax error.
                throw SieveError(
                    location: location,
                    message:
                        "match variable index \(number == Int.max ? "beyond" : String(number)) exceeds the maximum \(SieveLimits.maximumMatchVariableIndex)"
                )
            default:
                break
            }
        }
        return parsed
    }

    /// A variable name as the interpreter stores it: lowercased, and "global." in front of
    /// a name declared global. Namespaces other than "global" (RFC 6609 §3.5, which needs
    /// "include") are errors (RFC 5229 §3).
    func variableName(_ raw: String, at location: SourceLocation) throws(SieveError) -> String {
        let name = raw.lowercased()
        if name.utf8.count > SieveLimits.maximumVariableNameLength {
            throw SieveError(
                location: location, message: "variable name '\(raw)' is longer than \(SieveLimits.maximumVariableNameLength) characters")
        }
        let components = name.split(separator: ".", omittingEmptySubsequences: false)
        guard components.allSatisfy({ SieveText.isVariableName(String($0)) }) else {
            throw SieveError(location: location, message: "invalid variable name '\(raw)'")
        }
        if components.count == 1 { return globals.contains(name) ? "global." + name : name }
        if components[0] == "tst", testsuiteEnabled {
            // The testsuite's read-only namespace: "tst.path", the test file's directory.
            guard components.count == 2 else {
                throw SieveError(location: location, message: "variable namespace 'tst' has no sub-namespaces ('\(raw)')")
            }
            return name
        }
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
