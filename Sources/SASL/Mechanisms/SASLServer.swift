/// The server side of one SASL exchange, as a value-type state machine that does no I/O.
///
/// The protocol session calls the event methods and performs the action each returns:
/// sending a challenge, or consulting the store and answering with the matching event
/// (`passwordVerified`, `legacySecretFound`, `scramCredentialsFound`). The exchange ends
/// with `.succeed` or `.fail`; every event after that returns `.fail(.malformed)`, as
/// does an event the exchange is not waiting for.
///
/// The protocol layer decodes base64 and recognises `*` (then calls `cancel()`); this type
/// sees raw bytes only and never logs.
/// - SeeAlso: RFC 4422 §3, §5
public struct SASLServer: Sendable {
    public let mechanism: SASLMechanismName
    private var machine: any SASLMechanismStateMachine
    private var phase = Phase.ready

    private enum Phase: Sendable {
        case ready
        case exchanging
        case finished
    }

    /// An exchange with a fresh random server nonce.
    public init(mechanism: SASLMechanismName, configuration: SASLServerConfiguration) {
        var generator = SystemRandomNumberGenerator()
        self.init(
            mechanism: mechanism,
            configuration: configuration,
            nonce: ChallengeToken.random(for: mechanism, using: &generator))
    }

    /// An exchange with a given server nonce, for tests and transcripts: SCRAM's s-nonce,
    /// or what precedes `@` in the CRAM-MD5 challenge; ignored by PLAIN and LOGIN.
    ///
    /// - Precondition: `nonce` is 1 to 255 printable ASCII characters without `,`, `<`,
    ///   `>` or `@`. A programming error otherwise, since clients never choose it.
    public init(mechanism: SASLMechanismName, configuration: SASLServerConfiguration, nonce: String) {
        precondition(ChallengeToken.isValid(nonce), "SASL server nonce must be printable ASCII without , < > @")
        self.mechanism = mechanism
        switch mechanism {
        case .plain:
            machine = PlainStateMachine()
        case .login:
            machine = LoginStateMachine()
        case .cramMD5:
            machine = CRAMMD5StateMachine(nonce: nonce, host: configuration.challengeHost)
        case .scramSHA256:
            machine = ScramSHA256StateMachine(serverNonce: nonce, configuration: configuration)
        }
    }

    /// True once `.succeed` or `.fail` has been returned.
    public var isFinished: Bool {
        phase == .finished
    }

    /// Begins the exchange after `AUTH <mechanism> [initial-response]`.
    ///
    /// `initialResponse` is nil when the client sent none. An empty one (`=`) counts as
    /// none: no mechanism here has an empty first message, and clients that send `=` mean
    /// "ask me". A client-first mechanism then sends an empty challenge (RFC 4422 §5).
    public mutating func start(initialResponse: [UInt8]?) -> SASLAction {
        guard phase == .ready else { return finish(.fail(.malformed)) }
        phase = .exchanging
        let response = initialResponse?.isEmpty == true ? nil : initialResponse
        if let response, response.count > SASLLimits.maximumResponseByteCount {
            return finish(.fail(.malformed))
        }
        return finish(machine.start(initialResponse: response))
    }

    /// A client response to the last challenge, base64-decoded.
    public mutating func receive(_ response: [UInt8]) -> SASLAction {
        guard phase == .exchanging else { return finish(.fail(.malformed)) }
        guard response.count <= SASLLimits.maximumResponseByteCount else { return finish(.fail(.malformed)) }
        return finish(machine.receive(response))
    }

    /// The client cancelled (`*`), or the session is abandoning the exchange.
    public mutating func cancel() -> SASLAction {
        guard phase != .finished else { return .fail(.malformed) }
        return finish(.fail(.cancelled))
    }

    /// The answer to `.verifyPassword`.
    public mutating func passwordVerified(_ ok: Bool) -> SASLAction {
        guard phase == .exchanging else { return finish(.fail(.malformed)) }
        return finish(machine.passwordVerified(ok))
    }

    /// The answer to `.lookupLegacySecret`: the opened secret, or nil for an unknown user
    /// or a user without one.
    public mutating func legacySecretFound(_ secret: String?) -> SASLAction {
        guard phase == .exchanging else { return finish(.fail(.malformed)) }
        return finish(machine.legacySecretFound(secret))
    }

    /// The answer to `.lookupScramCredentials`: the stored credentials, or nil for an
    /// unknown user.
    ///
    /// `canonicalUsername` is the name the store folded the user name to before the lookup
    /// (nil: ASCII lower case of the name as sent). An unknown user's decoy salt is derived
    /// from it, so that `JDoe` and `jdoe` get one salt, as they would for a real account.
    public mutating func scramCredentialsFound(
        _ credentials: ScramCredentials?, canonicalUsername: String? = nil
    ) -> SASLAction {
        guard phase == .exchanging else { return finish(.fail(.malformed)) }
        return finish(machine.scramCredentialsFound(credentials, canonicalUsername: canonicalUsername))
    }

    private mutating func finish(_ action: SASLAction) -> SASLAction {
        if action.isTerminal {
            phase = .finished
        }
        return action
    }
}

/// Shows the mechanism and whether the exchange is over; never nonces, names or keys.
extension SASLServer: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "SASLServer(\(mechanism.rawValue), \(phase))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["mechanism": mechanism, "isFinished": isFinished])
    }
}
