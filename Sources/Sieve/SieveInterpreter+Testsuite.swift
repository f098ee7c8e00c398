/// Running the testsuite extension's commands and tests.
extension SieveInterpreter {
    /// Returns `true` to unwind the statements, as `test_fail` does up to its `test`.
    mutating func testsuiteCommand(_ command: SieveTestsuiteCommand, at location: SourceLocation) throws(SieveRuntimeError) -> Bool {
        guard testsuite != nil else { return false }
        switch command {
        case .test(let name, let block):
            testsuite?.testsRun += 1
            testsuite?.currentFailure = nil
            do {
                _ = try execute(block)
            } catch {
                testsuite?.currentFailure = "runtime error: \(error)"
            }
            includes.returning = false
            if let failure = testsuite?.currentFailure {
                testsuite?.failures.append("\(name): \(failure)")
                testsuite?.currentFailure = nil
            }
        case .fail(let reason):
            let text = expand(reason)
            testsuite?.currentFailure = text
            return true
        case .set(let item, let value):
            let text = expand(value)
            let name = expand(item).lowercased()
            switch name {
            case "message":
                let auth = message.envelopeAuth
                message = SieveMessage(parsing: Array(text.utf8))
                // As in Pigeonhole's test suite, a new message brings its own envelope: the
                // recipient from Envelope-To or To, the sender from Return-Path, Sender or
                // From (the authenticated user stays); and it comes without flags.
                message.envelopeTo = Self.firstAddress(of: ["envelope-to", "to"], in: message) ?? "recipient@example.com"
                message.envelopeFrom = Self.firstAddress(of: ["return-path", "sender", "from"], in: message) ?? "sender@example.com"
                message.envelopeAuth = auth
                testsuite?.originalRecipient = message.envelopeTo
                internalFlags = []
                editHistory = []
                testsuite?.resultMessage = nil
            case "envelope.from": message.envelopeFrom = Self.envelopePath(text)
            case "envelope.to":
                message.envelopeTo = Self.envelopePath(text)
                testsuite?.originalRecipient = message.envelopeTo
            case "envelope.orig_to": testsuite?.originalRecipient = Self.envelopePath(text)
            case "envelope.auth": message.envelopeAuth = text.isEmpty ? nil : text
            case let other:
                throw SieveRuntimeError(kind: .invalidArgument, location: location, message: "unknown test_set item '\(other)'")
            }
        case .message(let source, let index):
            let expand = self.expand
            guard let found = testsuite?.message(from: source, index: index, expand: expand) else {
                testsuite?.currentFailure = "test_message: no message \(index) there"
                return true
            }
            (message, internalFlags) = (found.message, found.flags)
        case .resultReset:
            // As in Pigeonhole, resetting the result also forgets the messages sent so far.
            actions = SieveActionList()
            testsuite?.outbox = []
            editHistory = []
            testsuite?.resetResult()
        case .configSet(let name, let value):
            let (key, text) = (expand(name), expand(value))
            testsuite?.config[key] = text
            applySetting(key, text)
            if let policy = testsuite?.headerEditPolicy { context.headerEditPolicy = policy }
        case .configUnset(let name):
            let key = expand(name)
            testsuite?.config[key] = nil
            applySetting(key, nil)
            if let policy = testsuite?.headerEditPolicy { context.headerEditPolicy = policy }
        case .mailboxCreate(let name):
            let mailbox = expand(name)
            testsuite?.mailboxes[SieveTestsuiteState.mailboxName(mailbox), default: []] += []
        case .ignored:
            break
        }
        return false
    }

    mutating func testsuiteTest(_ test: SieveTestsuiteTest, at location: SourceLocation) throws(SieveRuntimeError) -> Bool {
        guard var state = testsuite else { return false }
        defer { testsuite = state }
        switch test {
        case .scriptCompile(let path):
            let name = expand(path)
            state.compiled = nil
            guard let source = state.host.readScript(name) else {
                state.errors = ["script '\(name)' not found"]
                return false
            }
            var errors = SieveScript.check(source, capabilities: state.capabilities)
            // Included scripts are at hand, so include problems are compile errors here.
            if case (let commands, []) = SieveParser.parseAll(source) {
                let program = SieveValidator.validateAll(commands, available: state.capabilities).0
                var checker = SieveIncludeChecker(capabilities: state.capabilities, loadScript: state.host.loadIncluded)
                if let limit = state.config["sieve_include_max_includes"].flatMap({ Int($0) }) { checker.maximumIncludes = limit }
                if let limit = state.config["sieve_include_max_nesting_depth"].flatMap({ Int($0) }) { checker.maximumDepth = limit }
                errors += checker.errors(in: program.statements)
            }
            guard errors.isEmpty else {
                // As in Pigeonhole's test log: each error's message, then one line saying
                // which stage failed.
                let (_, syntaxErrors) = SieveParser.parseAll(source)
                state.errors = errors.map(\.message) + [syntaxErrors.isEmpty ? "validation failed" : "parse failed"]
                return false
            }
            do {
                state.compiled = try SieveScript.compile(source, capabilities: state.capabilities)
                state.errors = []
                return true
            } catch {
                state.errors = [error.message]
                return false
            }
        case .scriptRun(let appendResult):
            guard let compiled = state.compiled else {
                state.errors = ["no script compiled"]
                return false
            }
            var inner = SieveInterpreter(program: compiled, message: message, context: context)
            inner.editHistory = []
            // Without :append_result the run starts a new result, as in Pigeonhole.
            if !appendResult { state.resetResult() }
            if appendResult {
                inner.actions = actions
                inner.message = state.resultMessage ?? message
                inner.editHistory = editHistory
            }
            do {
                _ = try inner.run()
            } catch {
                state.errors = inner.warnings + [error.description]
                return false
            }
            state.errors = inner.warnings
            actions = inner.actions
            editHistory = inner.editHistory
            state.resultMessage = inner.message
            state.resultFlags = inner.internalFlags
            return true
        case .resultExecute:
            let succeeded = state.executeResult(
                actions, original: message, history: editHistory ?? [], implicitKeepFlags: state.resultFlags ?? internalFlags)
            actions = SieveActionList()
            editHistory = []
            return succeeded
        case .resultAction(let index, let match):
            let names = (state.executed + actions.actions).compactMap(SieveTestsuiteState.actionName)
            return try compare(Self.select(names, index), match, at: location)
        case .error(let index, let match):
            return try compare(Self.select(state.errors, index), match, at: location)
        case .message(let source, let index):
            guard let found = state.message(from: source, index: index, expand: expand) else { return false }
            (message, internalFlags) = (found.message, found.flags)
            return true
        case .multiscript(let paths):
            return runMultiscript(paths.map(expand), state: &state)
        }
    }

    /// Carries a Pigeonhole setting this module models into the run context; `nil`
    /// restores the default. Unknown settings are only kept in the state.
    private mutating func applySetting(_ key: String, _ value: String?) {
        switch key {
        case "sieve_variables_max_variable_size":
            context.maximumVariableSize = value.flatMap { Int($0) } ?? SieveLimits.maximumVariableSize
        case "recipient_delimiter", "sieve_subaddress_sep":
            context.subaddressSeparators = value.flatMap { $0.isEmpty ? nil : $0 } ?? SieveLimits.subaddressSeparators
        default:
            break
        }
    }

    /// The one value at a 1-based `:index`, or all of them.
    private static func select(_ values: [String], _ index: Int?) -> [String] {
        guard let index else { return values }
        return values.indices.contains(index - 1) ? [values[index - 1]] : []
    }

    /// The first address of the first of these fields that has one, as SMTP writes it.
    private static func firstAddress(of names: [String], in message: SieveMessage) -> String? {
        for name in names {
            guard let field = message.headerFields.first(where: { $0.name.lowercased() == name }) else { continue }
            if let address = SieveAddressList.parse(SieveHeaderValue.unfold(field.value)).first, !address.localPart.isEmpty {
                return address.encoded
            }
        }
        return nil
    }

    /// An envelope address as test_set gives it, without angle brackets.
    private static func envelopePath(_ text: String) -> String {
        var path = text.trimmingWhiteSpace()
        if path.hasPrefix("<"), path.hasSuffix(">") { path = String(path.dropFirst().dropLast()) }
        return path
    }
}
