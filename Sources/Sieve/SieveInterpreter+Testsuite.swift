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
                message = SieveMessage(parsing: Array(text.utf8), envelopeFrom: message.envelopeFrom, envelopeTo: message.envelopeTo)
                // A new message comes without flags.
                internalFlags = []
                testsuite?.resultMessage = nil
            case "envelope.from": message.envelopeFrom = Self.envelopePath(text)
            case "envelope.to": message.envelopeTo = Self.envelopePath(text)
            case "envelope.orig_to", "envelope.auth": testsuite?.config[name] = text
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
            actions = SieveActionList()
            testsuite?.resultMessage = nil
            testsuite?.resultFlags = nil
        case .configSet(let name, let value):
            let (key, text) = (expand(name), expand(value))
            testsuite?.config[key] = text
        case .configUnset(let name):
            let key = expand(name)
            testsuite?.config[key] = nil
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
            let errors = SieveScript.check(source, capabilities: SieveTestsuite.capabilities)
            guard errors.isEmpty else {
                // As in Pigeonhole's test log: each error's message, then one line saying
                // which stage failed.
                let (_, syntaxErrors) = SieveParser.parseAll(source)
                state.errors = errors.map(\.message) + [syntaxErrors.isEmpty ? "validation failed" : "parse failed"]
                return false
            }
            do {
                state.compiled = try SieveScript.compile(source, capabilities: SieveTestsuite.capabilities)
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
            if appendResult {
                inner.actions = actions
                inner.message = state.resultMessage ?? message
            }
            do {
                _ = try inner.run()
            } catch {
                state.errors = inner.warnings + [error.description]
                return false
            }
            state.errors = inner.warnings
            actions = inner.actions
            state.resultMessage = inner.message
            state.resultFlags = inner.internalFlags
            return true
        case .resultExecute:
            state.executeResult(actions, original: message, implicitKeepFlags: state.resultFlags ?? internalFlags)
            actions = SieveActionList()
            return true
        case .resultAction(let index, let match):
            let names = actions.actions.compactMap(SieveTestsuiteState.actionName)
            return try compare(Self.select(names, index), match, at: location)
        case .error(let index, let match):
            return try compare(Self.select(state.errors, index), match, at: location)
        case .message(let source, let index):
            guard let found = state.message(from: source, index: index, expand: expand) else { return false }
            (message, internalFlags) = (found.message, found.flags)
            return true
        }
    }

    /// The one value at a 1-based `:index`, or all of them.
    private static func select(_ values: [String], _ index: Int?) -> [String] {
        guard let index else { return values }
        return values.indices.contains(index - 1) ? [values[index - 1]] : []
    }

    /// An envelope address as test_set gives it, without angle brackets.
    private static func envelopePath(_ text: String) -> String {
        var path = text.trimmingWhiteSpace()
        if path.hasPrefix("<"), path.hasSuffix(">") { path = String(path.dropFirst().dropLast()) }
        return path
    }
}
