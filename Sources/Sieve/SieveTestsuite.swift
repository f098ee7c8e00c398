/// Runs test files of Pigeonhole's `vnd.dovecot.testsuite` extension, so that this module
/// can be checked against Pigeonhole's own test suite.
///
/// The capability is never in `SieveCapabilities.all`: only a test runner enables it, by
/// compiling with `SieveTestsuite.capabilities`. Files are read through the host's
/// closures; the module itself still does no I/O.
/// - SeeAlso: Pigeonhole's "vnd.dovecot.testsuite" documentation
public enum SieveTestsuite {
    public static let capability = "vnd.dovecot.testsuite"

    /// Everything this module implements, plus the testsuite extension.
    public static let capabilities = SieveCapabilities(SieveCapabilities.supportedNames + [capability])

    /// Compiles and runs one test file; every `test` block runs, and each failure is reported.
    public static func run(_ source: String, host: SieveTestsuiteHost) -> SieveTestsuiteReport {
        let program: SieveProgram
        do {
            program = try SieveScript.compile(source, capabilities: capabilities)
        } catch {
            return SieveTestsuiteReport(testsRun: 0, failures: ["compile: \(error)"])
        }
        let context = SieveRunContext(environment: host.environment, now: host.now, loadScript: host.loadIncluded)
        let message = SieveMessage(parsing: [], envelopeFrom: host.envelopeFrom, envelopeTo: host.envelopeTo)
        var interpreter = SieveInterpreter(program: program, message: message, context: context)
        interpreter.testsuite = SieveTestsuiteState(host: host)
        interpreter.editHistory = []
        interpreter.variables["tst.path"] = host.path
        do {
            _ = try interpreter.run()
        } catch {
            interpreter.testsuite?.failures.append("run: \(error)")
        }
        if let failure = interpreter.testsuite?.currentFailure {
            interpreter.testsuite?.failures.append("outside a test: \(failure)")
        }
        let state = interpreter.testsuite ?? SieveTestsuiteState(host: host)
        return SieveTestsuiteReport(testsRun: state.testsRun, failures: state.failures)
    }
}

/// What a test file may ask of the world.
public struct SieveTestsuiteHost: Sendable {
    /// The source of a script `test_script_compile` names, by its path relative to the
    /// test file's directory; `nil` when there is none.
    public var readScript: @Sendable (_ path: String) -> String?
    /// The source of a script `include` names (see `SieveRunContext.loadScript`).
    public var loadIncluded: @Sendable (_ name: String, _ location: SieveIncludeLocation) -> String?
    public var now: SieveTimestamp
    /// The test file's directory, as `${tst.path}` gives it (Pigeonhole's testsuite namespace).
    public var path: String
    /// The envelope before any `test_set` changes it.
    public var envelopeFrom: String
    public var envelopeTo: String
    /// The `environment` items (RFC 5183 §4) the test files see.
    public var environment: [String: String]

    /// The items Pigeonhole's own test runner reports: it runs as the mail store ("MS")
    /// during delivery, under its own name (RFC 5183 §4).
    public static let pigeonholeEnvironment = [
        "name": "Pigeonhole Sieve", "version": "0.5.19", "location": "MS", "phase": "during",
    ]

    public init(
        readScript: @escaping @Sendable (_ path: String) -> String?,
        loadIncluded: @escaping @Sendable (_ name: String, _ location: SieveIncludeLocation) -> String? = { _, _ in nil },
        now: SieveTimestamp = SieveTimestamp(secondsSince1970: 0), path: String = ".",
        envelopeFrom: String = "sender@example.com", envelopeTo: String = "recipient@example.com",
        environment: [String: String] = SieveTestsuiteHost.pigeonholeEnvironment
    ) {
        self.readScript = readScript
        self.loadIncluded = loadIncluded
        self.now = now
        self.path = path
        self.envelopeFrom = envelopeFrom
        self.envelopeTo = envelopeTo
        self.environment = environment
    }
}

/// The outcome of one test file.
public struct SieveTestsuiteReport: Sendable, Hashable {
    /// `test` blocks run.
    public var testsRun: Int
    /// One line per failure: "test name: reason", or where outside a test it happened.
    public var failures: [String]

    public var passed: Bool { failures.isEmpty }
}
