/// What the include extension tracks during one run.
/// - SeeAlso: RFC 6609 §3.2
struct SieveIncludeState {
    /// "location:name" of each script being run, outermost first, for recursion detection.
    var chain: [String] = []
    /// Every script included so far, for `:once`.
    var included: Set<String> = []
    /// Includes performed, against `SieveLimits.maximumIncludes`.
    var count = 0
    /// Compiled scripts, so a script included twice is loaded and compiled once.
    var programs: [String: SieveProgram] = [:]
    /// Set by `return` while the statements unwind to the include that ran them.
    var returning = false
}

/// Running `include`: the included script runs with its own local variables and match
/// variables; variables declared `global` are shared (stored under "global.name");
/// `stop` ends everything and `return` ends the included script only.
/// - SeeAlso: RFC 6609 §3.2–§3.4
extension SieveInterpreter {
    /// Returns `true` when the included script executed `stop`.
    mutating func include(_ command: SieveIncludeCommand, at location: SourceLocation) throws(SieveRuntimeError) -> Bool {
        func failure(_ message: String) -> SieveRuntimeError {
            SieveRuntimeError(kind: .includeFailed, location: location, message: message)
        }
        let key = "\(command.location.rawValue):\(command.name)"
        if command.once, includes.included.contains(key) { return false }
        guard !includes.chain.contains(key) else {
            throw failure("script '\(command.name)' includes itself")
        }
        guard includes.chain.count < SieveLimits.maximumIncludeDepth else {
            throw failure("includes nested deeper than \(SieveLimits.maximumIncludeDepth)")
        }
        guard includes.count < SieveLimits.maximumIncludes else {
            throw failure("more than \(SieveLimits.maximumIncludes) includes")
        }
        let included: SieveProgram
        if let cached = includes.programs[key] {
            included = cached
        } else {
            guard let source = context.loadScript(command.name, command.location) else {
                if command.optional { return false }
                throw failure("\(command.location.rawValue) script '\(command.name)' does not exist")
            }
            try charge(1 + source.utf8.count / 64, at: location)
            do {
                included = try SieveScript.compile(source, capabilities: program.capabilities)
            } catch {
                throw failure("script '\(command.name)' does not compile: \(error)")
            }
            includes.programs[key] = included
        }
        includes.count += 1
        includes.included.insert(key)
        includes.chain.append(key)
        let outerProgram = program
        let outerMatchVariables = matchVariables
        let outerLocals = variables.filter { !$0.key.hasPrefix("global.") }
        variables = variables.filter { $0.key.hasPrefix("global.") }
        matchVariables = []
        program = included
        let stopped = try execute(included.statements)
        program = outerProgram
        matchVariables = outerMatchVariables
        variables = variables.filter { $0.key.hasPrefix("global.") }.merging(outerLocals) { _, local in local }
        includes.chain.removeLast()
        if includes.returning {
            includes.returning = false
            return false
        }
        return stopped
    }
}
