/// One mechanism's side of an exchange: events in, actions out, no I/O.
///
/// `SASLServer` feeds it only while the exchange runs, applies the response size limit
/// first, and ends the exchange on any terminal action. An event the mechanism does not
/// expect in its current state answers `.fail(.malformed)`.
protocol SASLMechanismStateMachine: Sendable {
    /// `initialResponse` is nil when the client sent none; an empty one arrives as nil too.
    mutating func start(initialResponse: [UInt8]?) -> SASLAction
    mutating func receive(_ response: [UInt8]) -> SASLAction
    mutating func passwordVerified(_ ok: Bool) -> SASLAction
    mutating func legacySecretFound(_ secret: String?) -> SASLAction
    mutating func scramCredentialsFound(_ credentials: ScramCredentials?, canonicalUsername: String?) -> SASLAction
}

extension SASLMechanismStateMachine {
    mutating func passwordVerified(_ ok: Bool) -> SASLAction {
        .fail(.malformed)
    }

    mutating func legacySecretFound(_ secret: String?) -> SASLAction {
        .fail(.malformed)
    }

    mutating func scramCredentialsFound(_ credentials: ScramCredentials?, canonicalUsername: String?) -> SASLAction {
        .fail(.malformed)
    }
}
