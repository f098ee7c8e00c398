/// The testsuite's `test_multiscript`: a sequence of scripts run on one message.
extension SieveInterpreter {
    /// Runs the scripts in turn on the test's message, as Pigeonhole's multiscript
    /// execution (sieve_before, personal and sieve_after scripts) does. Each script starts
    /// from the message and imap4flags internal variable the previous one left (header
    /// edits carry on); its actions are performed when it ends. The next script runs only
    /// while the message is kept (implicitly, or by an explicit keep that passes it on);
    /// the keep of the last one stores it. A failing script ends the sequence, and the
    /// message is kept (RFC 5228 §2.10.6). Returns whether every script ran and every
    /// action succeeded.
    mutating func runMultiscript(_ paths: [String], state: inout SieveTestsuiteState) -> Bool {
        state.errors = []
        var current = message
        var flags: [String] = []
        var succeeded = true
        var keeps = true
        for (position, path) in paths.enumerated() {
            guard let inner = runSequenced(path, on: current, flags: flags, state: &state) else {
                succeeded = false
                break
            }
            let isLast = position == paths.count - 1
            let passesOn = inner.actions.implicitKeep || inner.actions.actions.contains { if case .keep = $0 { true } else { false } }
            for (index, action) in inner.actions.actions.enumerated() {
                // A keep before the last script passes the message on; the final keep stores it.
                if case .keep = action, !isLast { continue }
                let acted = SieveMessageSnapshot.message(forAction: index, in: inner.editHistory ?? [], current: inner.message)
                if let error = state.perform(action, message: acted, original: current) {
                    state.errors.append(error)
                    succeeded = false
                }
            }
            current = inner.message
            flags = inner.internalFlags
            keeps = isLast ? inner.actions.implicitKeep : passesOn
            if !passesOn || !succeeded { break }
        }
        if keeps || !succeeded {
            state.mailboxes["INBOX", default: []].append(SieveTestsuiteState.StoredMessage(message: current, flags: flags))
        }
        return succeeded
    }

    /// Compiles and runs one script of a sequence; `nil`, with the error recorded, when
    /// it cannot be read, does not compile or fails at run time.
    private func runSequenced(_ path: String, on message: SieveMessage, flags: [String], state: inout SieveTestsuiteState)
        -> SieveInterpreter?
    {
        guard let source = state.host.readScript(path) else {
            state.errors.append("script '\(path)' not found")
            return nil
        }
        let program: SieveProgram
        do {
            program = try SieveScript.compile(source, capabilities: state.capabilities)
        } catch {
            state.errors.append(error.message)
            return nil
        }
        var inner = SieveInterpreter(program: program, message: message, context: context)
        inner.internalFlags = flags
        inner.editHistory = []
        do {
            _ = try inner.run()
        } catch {
            state.errors += inner.warnings + [error.description]
            return nil
        }
        state.errors += inner.warnings
        return inner
    }
}
