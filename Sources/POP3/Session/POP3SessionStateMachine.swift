import SASL

/// One POP3 session (RFC 1939 with RFC 2449, 2595, 3206, 5034, 6856) as a value-type state
/// machine: methods named after events return the action the driver performs.
///
/// The driver feeds one event at a time and waits for each action's result before it
/// feeds the next, so pipelined commands (RFC 2449 PIPELINING) are answered in order.
/// DELE only marks in memory; the maildrop changes when QUIT enters the UPDATE state, so
/// a dropped connection changes nothing (RFC 1939 §6).
public struct POP3SessionStateMachine: Sendable {
    enum State: Sendable {
        case authorization(user: String?)
        case sasl(SASLServer)
        case awaitingLogin
        case transaction(Maildrop)
        case update
        case closed
    }

    struct Maildrop: Sendable {
        var messages: [POP3MessageInfo]
        var deleted: Set<Int> = []
        var retrieved: Set<Int> = []
        var policy: POP3Policy
    }

    private(set) var state: State = .authorization(user: nil)
    public private(set) var configuration: POP3SessionConfiguration
    /// RFC 6856: UTF8 was enabled; user names and passwords may be UTF-8.
    public private(set) var utf8Enabled = false
    private let makeSASL: @Sendable (SASLMechanismName) -> SASLServer

    public init(configuration: POP3SessionConfiguration, makeSASL: @escaping @Sendable (SASLMechanismName) -> SASLServer) {
        self.configuration = configuration
        self.makeSASL = makeSASL
    }

    /// Whether the session is waiting for a SASL client response rather than a command.
    public var expectsSASLResponse: Bool {
        if case .sasl = state { return true }
        return false
    }

    // MARK: events

    public func greeting() -> POP3SessionAction {
        var text = "\(configuration.implementation) ready"
        if let timestamp = configuration.apopTimestamp { text += " \(timestamp)" }
        return .send(.ok(text))
    }

    public mutating func receive(_ command: POP3Command) -> POP3SessionAction {
        switch state {
        case .authorization(let user): return authorization(command, user: user)
        case .transaction(var maildrop):
            let action = transaction(command, &maildrop)
            if case .transaction = state { state = .transaction(maildrop) }
            return action
        case .sasl, .awaitingLogin, .update, .closed:
            return .send(.error(nil, "command out of sequence"))
        }
    }

    /// A command line the parser refused.
    public mutating func receiveInvalid(_ error: POP3ParseError) -> POP3SessionAction {
        // RFC 5034 §4: a response the server cannot decode rejects the AUTH command.
        if case .sasl = state {
            state = .authorization(user: nil)
            return .send(.error(nil, "authentication failed: invalid response"))
        }
        switch error {
        case .lineTooLong: return .send(.error(nil, "line too long"))
        case .unknownCommand: return .send(.error(nil, "unknown command"))
        case .invalidArguments: return .send(.error(nil, "invalid arguments"))
        case .invalidBase64: return .send(.error(nil, "invalid base64"))
        case .invalidEncoding: return .send(.error(nil, "invalid characters in command"))
        }
    }

    public mutating func receive(_ response: SASLClientResponse) -> POP3SessionAction {
        guard case .sasl(var server) = state else { return .send(.error(nil, "command out of sequence")) }
        let action: SASLAction
        switch response {
        case .cancel: action = server.cancel()
        case .data(let bytes): action = server.receive(bytes)
        }
        state = .sasl(server)
        return perform(action)
    }

    public mutating func tlsEstablished() {
        configuration.tlsActive = true
        configuration.tlsAvailable = false
    }

    public mutating func saslPasswordVerified(_ ok: Bool) -> POP3SessionAction {
        saslEvent { $0.passwordVerified(ok) }
    }

    public mutating func saslLegacySecretFound(_ secret: String?) -> POP3SessionAction {
        saslEvent { $0.legacySecretFound(secret) }
    }

    public mutating func saslScramCredentialsFound(_ credentials: ScramCredentials?, canonicalUsername: String?)
        -> POP3SessionAction
    {
        saslEvent { $0.scramCredentialsFound(credentials, canonicalUsername: canonicalUsername) }
    }

    /// The driver authenticated the user and holds the maildrop lock.
    public mutating func loginSucceeded(messages: [POP3MessageInfo], policy: POP3Policy) -> POP3SessionAction {
        guard case .awaitingLogin = state else { return .none }
        state = .transaction(Maildrop(messages: messages, policy: policy))
        let octets = messages.reduce(Int64(0)) { $0 + $1.size }
        return .send(.ok("maildrop has \(messages.count) messages (\(octets) octets)"))
    }

    public mutating func loginFailed(_ failure: POP3LoginFailure) -> POP3SessionAction {
        guard case .awaitingLogin = state else { return .none }
        state = .authorization(user: nil)
        switch failure {
        case .badCredentials: return .send(.error(.auth, "authentication failed"))
        case .inUse: return .send(.error(.inUse, "maildrop is in use by another session"))
        case .loginDelay: return .send(.error(.loginDelay, "logged in too recently; try again later"))
        case .temporary: return .send(.error(.sysTemp, "temporary server problem; try again later"))
        }
    }

    public mutating func updateFinished(ok: Bool) -> POP3SessionAction {
        state = .closed
        return ok
            ? .sendAndClose(.ok("bye"))
            : .sendAndClose(.error(.sysTemp, "some deleted messages were not removed"))
    }

    /// The connection ended without QUIT: nothing changes (RFC 1939 §6).
    public mutating func connectionClosed() {
        state = .closed
    }

    // MARK: AUTHORIZATION

    private mutating func authorization(_ command: POP3Command, user: String?) -> POP3SessionAction {
        switch command {
        case .capa: return .send(.multiline("capability list follows", lines: capabilities(after: nil)))
        case .noop: return .send(.ok(""))
        case .quit:
            state = .closed
            return .sendAndClose(.ok("bye"))
        case .stls:
            guard configuration.tlsAvailable, !configuration.tlsActive else {
                return .send(.error(nil, configuration.tlsActive ? "TLS is already on" : "TLS is not available"))
            }
            state = .authorization(user: nil)
            return .startTLS(.ok("begin TLS negotiation"))
        case .utf8:
            utf8Enabled = true
            return .send(.ok("UTF8 enabled"))
        case .lang(let tag):
            return language(tag)
        case .user(let name):
            guard configuration.plaintextAllowed else { return plaintextRefused() }
            state = .authorization(user: name)
            return .send(.ok("send PASS"))
        case .pass(let password):
            guard configuration.plaintextAllowed else { return plaintextRefused() }
            guard let user else { return .send(.error(nil, "send USER first")) }
            state = .awaitingLogin
            return .verifyPassword(user: user, password: password)
        case .apop(let name, let digest):
            guard configuration.apopTimestamp != nil else { return .send(.error(nil, "APOP is not available")) }
            state = .awaitingLogin
            return .verifyAPOP(user: name, digest: digest)
        case .auth(nil, _):
            return .send(.multiline("mechanisms follow", lines: configuration.usableMechanisms.map(\.rawValue)))
        case .auth(let name?, let initial):
            guard let mechanism = configuration.usableMechanisms.first(where: { $0.rawValue == name }) else {
                if configuration.mechanisms.contains(where: { $0.rawValue == name }) { return plaintextRefused() }
                return .send(.error(nil, "unsupported mechanism"))
            }
            var server = makeSASL(mechanism)
            let initialBytes: [UInt8]?
            switch initial {
            case nil: initialBytes = nil
            case .empty?: initialBytes = []
            case .data(let bytes)?: initialBytes = bytes
            }
            let action = server.start(initialResponse: initialBytes)
            state = .sasl(server)
            return perform(action)
        case .stat, .list, .retr, .dele, .rset, .top, .uidl:
            return .send(.error(nil, "not logged in"))
        }
    }

    /// RFC 6856 §3: LANG lists the languages, or picks one; responses are in English only.
    private func language(_ tag: String?) -> POP3SessionAction {
        guard let tag else { return .send(.multiline("language listing follows", lines: ["en English"])) }
        return tag.lowercased() == "en" || tag == "*" ? .send(.ok("en English")) : .send(.error(nil, "language not available"))
    }

    private func plaintextRefused() -> POP3SessionAction {
        .send(.error(.auth, "plaintext authentication is not allowed without TLS; use STLS"))
    }

    private mutating func saslEvent(_ event: (inout SASLServer) -> SASLAction) -> POP3SessionAction {
        guard case .sasl(var server) = state else { return .none }
        let action = event(&server)
        state = .sasl(server)
        return perform(action)
    }

    private mutating func perform(_ action: SASLAction) -> POP3SessionAction {
        switch action {
        case .sendChallenge(let bytes):
            return .send(.saslChallenge(bytes))
        case .verifyPassword, .lookupLegacySecret, .lookupScramCredentials:
            return .saslLookup(action)
        case .succeed(let username, _, _):
            // POP3 has no "success with data" (RFC 5034 §4): SCRAM's server-final message
            // went out as a challenge (`SASLServerConfiguration.SuccessData.asChallenge`).
            state = .awaitingLogin
            return .openMaildrop(user: username)
        case .fail(let failure):
            state = .authorization(user: nil)
            switch failure {
            case .cancelled: return .send(.error(nil, "authentication cancelled"))
            case .malformed: return .send(.error(nil, "malformed authentication exchange"))
            case .authenticationFailed, .authzidNotPermitted, .channelBindingNotSupported, .credentialsUnusable:
                return .send(.error(.auth, "authentication failed"))
            }
        }
    }

    // MARK: TRANSACTION

    private mutating func transaction(_ command: POP3Command, _ maildrop: inout Maildrop) -> POP3SessionAction {
        switch command {
        case .stat:
            let live = maildrop.messages.indices.filter { !maildrop.deleted.contains($0) }
            let octets = live.reduce(Int64(0)) { $0 + maildrop.messages[$1].size }
            return .send(.ok("\(live.count) \(octets)"))
        case .list(nil):
            let lines = maildrop.messages.indices.filter { !maildrop.deleted.contains($0) }.map {
                "\($0 + 1) \(maildrop.messages[$0].size)"
            }
            return .send(.multiline("\(lines.count) messages", lines: lines))
        case .list(let number?):
            guard let index = live(number, maildrop) else { return noSuchMessage() }
            return .send(.ok("\(number) \(maildrop.messages[index].size)"))
        case .uidl(nil):
            let lines = maildrop.messages.indices.filter { !maildrop.deleted.contains($0) }.map { "\($0 + 1) \(maildrop.messages[$0].uid)" }
            return .send(.multiline("unique-id listing follows", lines: lines))
        case .uidl(let number?):
            guard let index = live(number, maildrop) else { return noSuchMessage() }
            return .send(.ok("\(number) \(maildrop.messages[index].uid)"))
        case .retr(let number):
            guard let index = live(number, maildrop) else { return noSuchMessage() }
            maildrop.retrieved.insert(index)
            return .sendMessage(number: number, uid: maildrop.messages[index].uid, bodyLines: nil)
        case .top(let number, let lines):
            guard let index = live(number, maildrop) else { return noSuchMessage() }
            return .sendMessage(number: number, uid: maildrop.messages[index].uid, bodyLines: lines)
        case .dele(let number):
            guard let index = live(number, maildrop) else { return noSuchMessage() }
            maildrop.deleted.insert(index)
            return .send(.ok("message \(number) deleted"))
        case .rset:
            maildrop.deleted = []
            return .send(.ok("maildrop has \(maildrop.messages.count) messages"))
        case .noop:
            return .send(.ok(""))
        case .capa:
            return .send(.multiline("capability list follows", lines: capabilities(after: maildrop.policy)))
        case .quit:
            state = .update
            let deleted = maildrop.deleted.sorted().map { maildrop.messages[$0].uid }
            let retrieved = maildrop.retrieved.subtracting(maildrop.deleted).sorted().map { maildrop.messages[$0].uid }
            return .commitUpdate(deleted: deleted, retrieved: retrieved)
        case .user, .pass, .apop, .auth, .stls, .utf8:
            return .send(.error(nil, "already logged in"))
        case .lang(let tag):
            return language(tag)
        }
    }

    private func live(_ number: Int, _ maildrop: Maildrop) -> Int? {
        let index = number - 1
        guard maildrop.messages.indices.contains(index), !maildrop.deleted.contains(index) else { return nil }
        return index
    }

    private func noSuchMessage() -> POP3SessionAction { .send(.error(nil, "no such message")) }

    // MARK: CAPA

    /// What is true for this connection now (RFC 2449 §5); after login EXPIRE and
    /// LOGIN-DELAY carry the account's own values (RFC 2449 §6.5, §6.7).
    func capabilities(after policy: POP3Policy?) -> [String] {
        var lines = ["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"]
        let loggedIn = policy != nil
        if !loggedIn {
            if configuration.plaintextAllowed { lines.append("USER") }
            let mechanisms = configuration.usableMechanisms
            if !mechanisms.isEmpty { lines.append("SASL " + mechanisms.map(\.rawValue).joined(separator: " ")) }
            if configuration.tlsAvailable && !configuration.tlsActive { lines.append("STLS") }
            lines.append("UTF8 USER")
            lines.append("LANG")
        }
        let effective = policy ?? configuration.policy
        if let days = effective.expireDays { lines.append("EXPIRE " + (days == .max ? "NEVER" : String(days)) + (loggedIn ? "" : " USER")) }
        if let delay = effective.loginDelaySeconds { lines.append("LOGIN-DELAY \(delay)" + (loggedIn ? "" : " USER")) }
        lines.append("IMPLEMENTATION \(configuration.implementation)")
        return lines
    }
}
