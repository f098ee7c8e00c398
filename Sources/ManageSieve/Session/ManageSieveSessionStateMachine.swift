import SASL
import Sieve

/// One ManageSieve session (RFC 5804) as a value-type state machine: methods named after
/// events return the action the driver performs.
///
/// States: non-authenticated (after the greeting, which is the capability list), a SASL
/// exchange, waiting for the driver to open the account's scripts, authenticated (with at
/// most one storage action outstanding), and logged out. Every rule a command is subject
/// to that needs no store lives here: which commands each state allows, STARTTLS once and
/// only before login, clear-text mechanisms only under TLS, script names, compiling
/// scripts before they are stored, and the quotas of the configuration.
public struct ManageSieveSessionStateMachine: Sendable {
    enum State: Sendable {
        case nonAuthenticated
        case authenticating(SASLServer)
        case awaitingLogin(finalData: [UInt8]?)
        case authenticated(owner: String)
        case awaitingStore(owner: String, Pending)
        case loggedOut
    }

    /// The storage action the session is waiting on, and what its result completes.
    enum Pending: Sendable {
        /// LISTSCRIPTS.
        case listing
        /// HAVESPACE, counting scripts for `maximumScripts`.
        case haveSpace(name: String)
        /// PUTSCRIPT, counting scripts for `maximumScripts` before storing.
        case putScriptCount(name: String, script: String)
        /// GETSCRIPT.
        case retrieval
        /// PUTSCRIPT, SETACTIVE, DELETESCRIPT, RENAMESCRIPT: success is a plain `OK`.
        case update
    }

    private(set) var state: State = .nonAuthenticated
    public private(set) var configuration: ManageSieveSessionConfiguration
    private var failedAuthentications = 0
    private var invalidCommandsInARow = 0
    private let makeSASL: @Sendable (SASLMechanismName) -> SASLServer

    public init(
        configuration: ManageSieveSessionConfiguration, makeSASL: @escaping @Sendable (SASLMechanismName) -> SASLServer
    ) {
        self.configuration = configuration
        self.makeSASL = makeSASL
    }

    /// Whether the session is waiting for a SASL client response rather than a command.
    public var expectsSASLResponse: Bool {
        if case .authenticating = state { return true }
        return false
    }

    /// The largest literal the parser should accept in the next command: a script's worth
    /// once logged in, only enough for a SASL response before.
    public var maximumLiteralLength: Int {
        switch state {
        case .authenticated, .awaitingStore: configuration.maximumScriptSize
        case .nonAuthenticated, .authenticating, .awaitingLogin, .loggedOut: ManageSieveLimits.unauthenticatedLiteralLength
        }
    }

    /// True after LOGOUT, a BYE, or the end of the connection.
    public var isClosed: Bool {
        if case .loggedOut = state { return true }
        return false
    }

    // MARK: Connection events

    /// The greeting: the capability list, then `OK` (RFC 5804 §1.7).
    public func greeting() -> ManageSieveSessionAction {
        .send(.capabilities(capabilities()))
    }

    /// The TLS handshake after STARTTLS completed: the capabilities are sent again, as the
    /// ones sent in plain text may have been tampered with (RFC 5804 §2.2).
    public mutating func tlsEstablished() -> ManageSieveSessionAction {
        configuration.tlsActive = true
        configuration.tlsAvailable = false
        return .send(.capabilities(capabilities()))
    }

    /// The client was idle too long: BYE, then close.
    public mutating func idleTimeout() -> ManageSieveSessionAction {
        bye(nil, "Idle timeout")
    }

    /// The server is shutting down: BYE with TRYLATER, then close.
    public mutating func serverShuttingDown() -> ManageSieveSessionAction {
        bye(.tryLater, "Server shutting down")
    }

    /// The connection ended; nothing more is sent.
    public mutating func connectionClosed() {
        state = .loggedOut
    }

    // MARK: Client input

    public mutating func receive(_ command: ManageSieveCommand) -> ManageSieveSessionAction {
        switch state {
        case .nonAuthenticated:
            invalidCommandsInARow = 0
            return nonAuthenticated(command)
        case .authenticated(let owner):
            invalidCommandsInARow = 0
            return authenticated(command, owner: owner)
        case .authenticating, .awaitingLogin, .awaitingStore:
            return .send(.no(nil, "Command out of sequence"))
        case .loggedOut:
            return .none
        }
    }

    /// A command (or SASL response) the parser refused.
    public mutating func receiveInvalid(_ error: ManageSieveParseError) -> ManageSieveSessionAction {
        switch state {
        case .authenticating(var server):
            // RFC 5804 §2.1: a response that cannot be decoded rejects the AUTHENTICATE command.
            _ = server.cancel()
            return authenticationFailed("Invalid SASL response")
        case .loggedOut:
            return .none
        case .nonAuthenticated, .authenticated, .awaitingLogin, .awaitingStore:
            break
        }
        invalidCommandsInARow += 1
        if invalidCommandsInARow >= configuration.maximumInvalidCommands {
            return bye(nil, "Too many invalid commands")
        }
        switch error {
        case .lineTooLong: return .send(.no(nil, "Line too long"))
        case .literalTooLarge(let keyword) where isAuthenticated && (keyword == "PUTSCRIPT" || keyword == "CHECKSCRIPT"):
            return .send(.no(.quotaMaxSize, "Script too large"))
        case .literalTooLarge, .commandTooLarge: return .send(.no(nil, "Command too large"))
        case .quotedStringTooLong: return .send(.no(nil, "Quoted string too long; use a literal"))
        case .invalidQuotedString: return .send(.no(nil, "Invalid quoted string"))
        case .invalidLiteral: return .send(.no(nil, "Invalid literal"))
        case .unknownCommand: return .send(.no(nil, "Unknown command"))
        case .invalidArguments: return .send(.no(nil, "Invalid arguments"))
        case .invalidScriptName: return .send(.no(nil, "Invalid script name"))
        case .invalidSASLResponse, .invalidBase64: return .send(.no(nil, "Invalid base64"))
        case .invalidEncoding: return .send(.no(nil, "Invalid UTF-8"))
        }
    }

    /// The client's answer to a SASL challenge.
    public mutating func receive(_ response: ManageSieveSASLResponse) -> ManageSieveSessionAction {
        guard case .authenticating(var server) = state else { return .send(.no(nil, "Command out of sequence")) }
        let action: SASLAction
        switch response {
        case .cancel: action = server.cancel()
        case .data(let bytes): action = server.receive(bytes)
        }
        state = .authenticating(server)
        return perform(action)
    }

    private var isAuthenticated: Bool {
        switch state {
        case .authenticated, .awaitingStore: true
        case .nonAuthenticated, .authenticating, .awaitingLogin, .loggedOut: false
        }
    }

    // MARK: SASL and login events

    public mutating func saslPasswordVerified(_ ok: Bool) -> ManageSieveSessionAction {
        saslEvent { $0.passwordVerified(ok) }
    }

    public mutating func saslLegacySecretFound(_ secret: String?) -> ManageSieveSessionAction {
        saslEvent { $0.legacySecretFound(secret) }
    }

    public mutating func saslScramCredentialsFound(
        _ credentials: ScramCredentials?, canonicalUsername: String?
    ) -> ManageSieveSessionAction {
        saslEvent { $0.scramCredentialsFound(credentials, canonicalUsername: canonicalUsername) }
    }

    /// The driver opened the account's scripts. `owner` is the account's canonical name,
    /// advertised as `OWNER` from now on (RFC 5804 §1.7).
    public mutating func loginSucceeded(owner: String) -> ManageSieveSessionAction {
        guard case .awaitingLogin(let finalData) = state else { return .none }
        state = .authenticated(owner: owner)
        failedAuthentications = 0
        // RFC 5804 §2.1: SCRAM's server-final message goes with the OK, in a SASL code.
        return .send(.ok(finalData.map { .sasl($0) }, "Logged in"))
    }

    public mutating func loginFailed(_ failure: ManageSieveLoginFailure) -> ManageSieveSessionAction {
        guard case .awaitingLogin = state else { return .none }
        switch failure {
        case .notPermitted:
            return authenticationFailed("Authentication failed")
        case .temporary:
            state = .nonAuthenticated
            return .send(.no(.tryLater, "Temporary server problem; try again later"))
        }
    }

    // MARK: Store events

    /// The answer to `.listScripts`.
    public mutating func scriptsListed(_ scripts: [ManageSieveScriptEntry]) -> ManageSieveSessionAction {
        guard case .awaitingStore(let owner, let pending) = state else { return .none }
        state = .authenticated(owner: owner)
        switch pending {
        case .listing:
            return .send(.scriptList(scripts))
        case .haveSpace(let name):
            guard hasRoom(for: name, among: scripts) else { return .send(.no(.quotaMaxScripts, "Too many scripts")) }
            return .send(.ok(nil, "Putscript would succeed"))
        case .putScriptCount(let name, let script):
            guard hasRoom(for: name, among: scripts) else { return .send(.no(.quotaMaxScripts, "Too many scripts")) }
            state = .awaitingStore(owner: owner, .update)
            return .putScript(name: name, script: script)
        case .retrieval, .update:
            return .send(.no(.tryLater, "Unexpected result from the script store"))
        }
    }

    /// The answer to `.getScript`.
    public mutating func scriptRetrieved(_ script: String) -> ManageSieveSessionAction {
        guard case .awaitingStore(let owner, .retrieval) = state else { return .none }
        state = .authenticated(owner: owner)
        return .send(.script(script))
    }

    /// The answer to `.putScript`, `.setActive`, `.deleteScript` and `.renameScript`.
    public mutating func storeSucceeded() -> ManageSieveSessionAction {
        guard case .awaitingStore(let owner, .update) = state else { return .none }
        state = .authenticated(owner: owner)
        return .send(.ok(nil, "Completed"))
    }

    /// Any storage action failed.
    public mutating func storeFailed(_ failure: ManageSieveStoreFailure) -> ManageSieveSessionAction {
        guard case .awaitingStore(let owner, _) = state else { return .none }
        state = .authenticated(owner: owner)
        switch failure {
        case .nonexistent: return .send(.no(.nonexistent, "There is no script by that name"))
        case .alreadyExists: return .send(.no(.alreadyExists, "A script by that name already exists"))
        case .active: return .send(.no(.active, "You may not delete the active script"))
        case .quotaMaxScripts: return .send(.no(.quotaMaxScripts, "Too many scripts"))
        case .quota: return .send(.no(.quota, "Quota exceeded"))
        case .temporary: return .send(.no(.tryLater, "Temporary server problem; try again later"))
        }
    }

    // MARK: Non-authenticated state

    private mutating func nonAuthenticated(_ command: ManageSieveCommand) -> ManageSieveSessionAction {
        switch command {
        case .capability, .noop, .logout:
            return anyState(command)
        case .startTLS:
            guard !configuration.tlsActive else { return .send(.no(nil, "TLS is already active")) }
            guard configuration.tlsAvailable else { return .send(.no(nil, "TLS is not available")) }
            return .startTLS(.ok(nil, "Begin TLS negotiation now"))
        case .authenticate(let name, let initialResponse):
            guard let mechanism = SASLMechanismName(wireName: name), configuration.mechanisms.contains(mechanism) else {
                return .send(.no(nil, "Unsupported authentication mechanism"))
            }
            guard configuration.usableMechanisms.contains(mechanism) else {
                return .send(.no(.encryptNeeded, "Use STARTTLS before sending a password"))
            }
            var server = makeSASL(mechanism)
            let action = server.start(initialResponse: initialResponse)
            state = .authenticating(server)
            return perform(action)
        case .haveSpace, .putScript, .listScripts, .setActive, .getScript, .deleteScript, .renameScript, .checkScript,
            .unauthenticate:
            return .send(.no(nil, "Authenticate first"))
        }
    }

    /// CAPABILITY, NOOP and LOGOUT, which every state allows (RFC 5804 §4 `command-any`).
    private mutating func anyState(_ command: ManageSieveCommand) -> ManageSieveSessionAction {
        switch command {
        case .capability:
            return .send(.capabilities(capabilities()))
        case .noop(let tag):
            return .send(.ok(tag.map { .tag($0) }, "Done"))
        case .logout:
            state = .loggedOut
            return .sendAndClose(.ok(nil, "Logout completed"))
        default:
            return .send(.no(nil, "Command out of sequence"))
        }
    }

    private mutating func saslEvent(_ event: (inout SASLServer) -> SASLAction) -> ManageSieveSessionAction {
        guard case .authenticating(var server) = state else { return .none }
        let action = event(&server)
        state = .authenticating(server)
        return perform(action)
    }

    private mutating func perform(_ action: SASLAction) -> ManageSieveSessionAction {
        switch action {
        case .sendChallenge(let bytes):
            return .send(.saslChallenge(bytes))
        case .verifyPassword, .lookupLegacySecret, .lookupScramCredentials:
            return .saslLookup(action)
        case .succeed(let username, _, let finalData):
            state = .awaitingLogin(finalData: finalData)
            return .openScripts(user: username)
        case .fail(.cancelled):
            state = .nonAuthenticated
            return .send(.no(nil, "Authentication cancelled"))
        case .fail:
            return authenticationFailed("Authentication failed")
        }
    }

    /// A failed AUTHENTICATE: `NO`, or BYE once the client has failed too often
    /// (RFC 5804 §2.1 shows this).
    private mutating func authenticationFailed(_ text: String) -> ManageSieveSessionAction {
        state = .nonAuthenticated
        failedAuthentications += 1
        if failedAuthentications >= configuration.maximumAuthenticationFailures {
            return bye(nil, "Too many failed authentication attempts")
        }
        return .send(.no(nil, text))
    }

    private mutating func bye(_ code: ManageSieveResponseCode?, _ text: String) -> ManageSieveSessionAction {
        state = .loggedOut
        return .sendAndClose(.bye(code, text))
    }

    // MARK: Authenticated state

    private mutating func authenticated(_ command: ManageSieveCommand, owner: String) -> ManageSieveSessionAction {
        switch command {
        case .capability, .noop, .logout:
            return anyState(command)
        case .authenticate, .startTLS:
            return .send(.no(nil, "Already authenticated"))
        case .unauthenticate:
            state = .nonAuthenticated
            return .releaseScripts(.ok(nil, "Unauthenticated"))
        case .listScripts:
            state = .awaitingStore(owner: owner, .listing)
            return .listScripts
        case .haveSpace(let name, let size):
            // RFC 5804 §2.5: the size the script would have, against both quotas.
            guard size <= configuration.maximumScriptSize else { return .send(.no(.quotaMaxSize, "Script too large")) }
            guard configuration.maximumScripts != nil else { return .send(.ok(nil, "Putscript would succeed")) }
            state = .awaitingStore(owner: owner, .haveSpace(name: name))
            return .listScripts
        case .putScript(let name, let script):
            if let refusal = check(script) { return refusal }
            guard configuration.maximumScripts != nil else {
                state = .awaitingStore(owner: owner, .update)
                return .putScript(name: name, script: script)
            }
            state = .awaitingStore(owner: owner, .putScriptCount(name: name, script: script))
            return .listScripts
        case .checkScript(let script):
            return check(script) ?? .send(.ok(nil, "Script is valid"))
        case .setActive(let name):
            state = .awaitingStore(owner: owner, .update)
            return .setActive(name: name)
        case .getScript(let name):
            state = .awaitingStore(owner: owner, .retrieval)
            return .getScript(name: name)
        case .deleteScript(let name):
            state = .awaitingStore(owner: owner, .update)
            return .deleteScript(name: name)
        case .renameScript(let oldName, let newName):
            state = .awaitingStore(owner: owner, .update)
            return .renameScript(oldName: oldName, newName: newName)
        }
    }

    /// Checks a script for PUTSCRIPT and CHECKSCRIPT (RFC 5804 §2.6, §2.12): its size
    /// against `QUOTA/MAXSIZE`, then compiles it with the extensions this session offers.
    /// Nil when it may be stored; otherwise the `NO` carrying the compiler's
    /// `line:column: message`.
    private func check(_ script: String) -> ManageSieveSessionAction? {
        guard script.utf8.count <= configuration.maximumScriptSize else { return .send(.no(.quotaMaxSize, "Script too large")) }
        do {
            _ = try SieveScript.compile(script, capabilities: configuration.sieveCapabilities)
            return nil
        } catch {
            return .send(.no(nil, error.description))
        }
    }

    /// Whether storing `name` keeps the account within `maximumScripts`: replacing a script
    /// takes no new slot (RFC 5804 §2.5).
    private func hasRoom(for name: String, among scripts: [ManageSieveScriptEntry]) -> Bool {
        guard let limit = configuration.maximumScripts else { return true }
        return scripts.contains { Array($0.name.utf8) == Array(name.utf8) } || scripts.count < limit
    }

    // MARK: Capabilities

    /// What is true for this connection now (RFC 5804 §1.7): STARTTLS only before TLS and
    /// before login, OWNER only after login; the SASL list holds only the mechanisms usable
    /// now, and is empty only when STARTTLS is offered.
    func capabilities() -> [ManageSieveCapability] {
        var list = [
            ManageSieveCapability("IMPLEMENTATION", configuration.implementation),
            ManageSieveCapability("SASL", configuration.usableMechanisms.map(\.rawValue).joined(separator: " ")),
            ManageSieveCapability("SIEVE", configuration.sieveCapabilities.advertised),
        ]
        var owner: String?
        switch state {
        case .authenticated(let name), .awaitingStore(let name, _): owner = name
        case .nonAuthenticated, .authenticating, .awaitingLogin, .loggedOut: owner = nil
        }
        if owner == nil, configuration.tlsAvailable, !configuration.tlsActive {
            list.append(ManageSieveCapability("STARTTLS"))
        }
        if let redirects = configuration.maximumRedirects {
            list.append(ManageSieveCapability("MAXREDIRECTS", String(redirects)))
        }
        if let owner { list.append(ManageSieveCapability("OWNER", owner)) }
        list.append(ManageSieveCapability("VERSION", "1.0"))
        list.append(ManageSieveCapability("UNAUTHENTICATE"))
        return list
    }
}
