/// Sieve mail filtering (RFC 5228 and extensions): compile a script once, run it per
/// message, get back actions. Pure: no I/O, no clock, no Foundation.
///
/// Public API:
/// - `SieveScript.compile(_:capabilities:) throws(SieveError) -> SieveProgram`: lexes,
///   parses and validates; errors carry `line:column`.
/// - `SieveScript.check(_:capabilities:) -> [SieveError]`: every error at once (the
///   parser and validator recover after each), for ManageSieve's CHECKSCRIPT and editors.
/// - `SieveScript.parse(_:) throws(SieveError) -> [SieveSyntax.Command]`: the generic
///   syntax tree only (for ManageSieve's CHECKSCRIPT-style syntax checks and tools).
/// - `SieveProgram.run(on:context:) throws(SieveRuntimeError) -> SieveResult`: runs one
///   message; on error the caller keeps the message (RFC 5228 §2.10.6).
/// - `SieveResult`: `actions: [SieveAction]`, `implicitKeep`, `implicitKeepFlags`,
///   `editedHeader`, `duplicateChecks`.
/// - `SieveAction.json`: one JSON object per action, keys in a fixed order.
/// - `SieveMessage` (header fields, body, size, envelope), `SieveRunContext`
///   (environment items, duplicate and mailbox look-ups and the `include` script loader
///   as closures, and `now`, a `SieveTimestamp` for `date`/`currentdate`).
/// - `SieveTestsuite.run(_:host:)`: runs a Pigeonhole `vnd.dovecot.testsuite` file (for
///   tests only; the capability is not in `SieveCapabilities.all`).
/// - `SieveCapabilities.all`: the `require` names implemented; `SieveLimits`: every bound.
public enum SieveScript {
    public static func compile(_ source: String, capabilities: SieveCapabilities = .all) throws(SieveError) -> SieveProgram {
        try SieveValidator.validate(try SieveParser.parse(source), available: capabilities)
    }

    public static func parse(_ source: String) throws(SieveError) -> [SieveSyntax.Command] {
        try SieveParser.parse(source)
    }

    /// Every error in a script, in script order (at most `SieveLimits.maximumCompileErrors`);
    /// empty when it compiles. Lexical and syntax errors come alone: a script that does not
    /// parse is not validated.
    public static func check(_ source: String, capabilities: SieveCapabilities = .all) -> [SieveError] {
        let (commands, syntaxErrors) = SieveParser.parseAll(source)
        guard syntaxErrors.isEmpty else { return syntaxErrors }
        return SieveValidator.validateAll(commands, available: capabilities).1
    }
}

extension SieveProgram {
    public func run(on message: SieveMessage, context: SieveRunContext = SieveRunContext()) throws(SieveRuntimeError) -> SieveResult {
        var interpreter = SieveInterpreter(program: self, message: message, context: context)
        return try interpreter.run()
    }
}
