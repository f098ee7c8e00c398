/// LOGIN: the server prompts for the user name, then for the password; the driver checks
/// the password. An initial response is the user name.
///
/// The prompts are the ones clients have long seen (`Username:`, `Password:`); clients
/// ignore their content. LOGIN has no authorization identity.
/// - SeeAlso: draft-murchison-sasl-login-00 §2
struct LoginStateMachine: SASLMechanismStateMachine {
    static let usernamePrompt = Array("Username:".utf8)
    static let passwordPrompt = Array("Password:".utf8)

    private enum State: Sendable {
        case initial
        case awaitingUsername
        case awaitingPassword(username: String)
        case awaitingVerification(username: String)
        case finished
    }

    private var state = State.initial

    mutating func start(initialResponse: [UInt8]?) -> SASLAction {
        guard case .initial = state else { return finish(.malformed) }
        guard let initialResponse else {
            state = .awaitingUsername
            return .sendChallenge(Self.usernamePrompt)
        }
        return handleUsername(initialResponse)
    }

    mutating func receive(_ response: [UInt8]) -> SASLAction {
        switch state {
        case .awaitingUsername:
            return handleUsername(response)
        case .awaitingPassword(let username):
            guard let password = SASLIdentity.parsePassword(response) else { return finish(.malformed) }
            state = .awaitingVerification(username: username)
            return .verifyPassword(username: username, authzid: nil, password: password)
        case .initial, .awaitingVerification, .finished:
            return finish(.malformed)
        }
    }

    mutating func passwordVerified(_ ok: Bool) -> SASLAction {
        guard case .awaitingVerification(let username) = state else { return finish(.malformed) }
        guard ok else { return finish(.authenticationFailed) }
        state = .finished
        return .succeed(username: username, authzid: nil, finalData: nil)
    }

    private mutating func handleUsername(_ response: [UInt8]) -> SASLAction {
        guard let username = SASLIdentity.parse(response) else { return finish(.malformed) }
        state = .awaitingPassword(username: username)
        return .sendChallenge(Self.passwordPrompt)
    }

    private mutating func finish(_ failure: SASLFailure) -> SASLAction {
        state = .finished
        return .fail(failure)
    }
}
