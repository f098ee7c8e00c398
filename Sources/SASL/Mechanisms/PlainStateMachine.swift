/// PLAIN: one client message with the password, checked by the driver.
///
/// Without an initial response the server sends an empty challenge and waits for the
/// message (RFC 4422 §5: PLAIN is client-first).
/// - SeeAlso: RFC 4616 §2, §3
struct PlainStateMachine: SASLMechanismStateMachine {
    private enum State: Sendable {
        case initial
        case awaitingMessage
        case awaitingVerification(username: String, authzid: String?)
        case finished
    }

    private var state = State.initial

    mutating func start(initialResponse: [UInt8]?) -> SASLAction {
        guard case .initial = state else { return finish(.malformed) }
        guard let initialResponse else {
            state = .awaitingMessage
            return .sendChallenge([])
        }
        return handle(initialResponse)
    }

    mutating func receive(_ response: [UInt8]) -> SASLAction {
        guard case .awaitingMessage = state else { return finish(.malformed) }
        return handle(response)
    }

    mutating func passwordVerified(_ ok: Bool) -> SASLAction {
        guard case .awaitingVerification(let username, let authzid) = state else { return finish(.malformed) }
        guard ok else { return finish(.authenticationFailed) }
        state = .finished
        return .succeed(username: username, authzid: authzid, finalData: nil)
    }

    private mutating func handle(_ response: [UInt8]) -> SASLAction {
        guard let message = PlainMessage.parse(response) else { return finish(.malformed) }
        guard SASLIdentity.permits(authzid: message.authzid, for: message.authcid) else {
            return finish(.authzidNotPermitted)
        }
        state = .awaitingVerification(username: message.authcid, authzid: message.authzid)
        return .verifyPassword(username: message.authcid, authzid: message.authzid, password: message.password)
    }

    private mutating func finish(_ failure: SASLFailure) -> SASLAction {
        state = .finished
        return .fail(failure)
    }
}
