/// Checks, at compile time, the scripts a script includes when they can be loaded then:
/// a missing script, one that does not compile, recursion and the include limits become
/// errors at the `include` that leads to them, after the errors of the included script
/// (RFC 6609 §3.2 asks that recursion be detected, and lets it be found when compiling).
struct SieveIncludeChecker {
    let capabilities: SieveCapabilities
    let loadScript: (_ name: String, _ location: SieveIncludeLocation) -> String?
    var maximumIncludes = SieveLimits.maximumIncludes
    var maximumDepth = SieveLimits.maximumIncludeDepth
    /// Every script included so far ("location:name"), against `maximumIncludes`.
    private var included: Set<String> = []

    init(capabilities: SieveCapabilities, loadScript: @escaping (_ name: String, _ location: SieveIncludeLocation) -> String?) {
        self.capabilities = capabilities
        self.loadScript = loadScript
    }

    /// The include errors of a compiled script; `chain` holds the scripts that include it.
    mutating func errors(in statements: [SieveStatement], chain: [String] = []) -> [SieveError] {
        var errors: [SieveError] = []
        for statement in statements {
            switch statement.command {
            case .conditional(let branches, let otherwise):
                for branch in branches { errors += self.errors(in: branch.statements, chain: chain) }
                errors += self.errors(in: otherwise ?? [], chain: chain)
            case .include(let command):
                errors += self.errors(including: command, at: statement.location, chain: chain)
            default:
                break
            }
        }
        return errors
    }

    private mutating func errors(including command: SieveIncludeCommand, at location: SourceLocation, chain: [String]) -> [SieveError] {
        let key = "\(command.location.rawValue):\(command.name)"
        func failure(_ message: String) -> [SieveError] { [SieveError(location: location, message: message)] }
        if chain.contains(key) { return failure("script '\(command.name)' includes itself") }
        if chain.count >= maximumDepth { return failure("includes nested deeper than \(maximumDepth)") }
        if !included.contains(key), included.count >= maximumIncludes { return failure("more than \(maximumIncludes) includes") }
        guard let source = loadScript(command.name, command.location) else {
            return command.optional ? [] : failure("\(command.location.rawValue) script '\(command.name)' does not exist")
        }
        included.insert(key)
        let (commands, syntaxErrors) = SieveParser.parseAll(source)
        var inner = syntaxErrors
        if syntaxErrors.isEmpty {
            let (program, validationErrors) = SieveValidator.validateAll(commands, available: capabilities)
            inner = validationErrors + errors(in: program.statements, chain: chain + [key])
        }
        return inner.isEmpty ? [] : inner + failure("failed to include script '\(command.name)'")
    }
}
