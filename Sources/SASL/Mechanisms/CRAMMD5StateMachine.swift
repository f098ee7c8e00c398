import Crypto

/// CRAM-MD5: the server sends `<nonce@host>`, the client answers with its name and
/// HMAC-MD5(secret, challenge), and the server compares against the stored legacy secret.
///
/// An unknown user, a user without a legacy secret and a wrong digest all end the same
/// way, after the same computation.
/// - SeeAlso: RFC 2195 §2, RFC 2104
struct CRAMMD5StateMachine: SASLMechanismStateMachine {
    private enum State: Sendable {
        case initial
        case awaitingResponse
        case awaitingSecret(CRAMMD5Response)
        case finished
    }

    /// The exact challenge bytes, which are the HMAC input.
    let challenge: [UInt8]
    private var state = State.initial

    init(nonce: String, host: String) {
        challenge = Array("<\(nonce)@\(host)>".utf8)
    }

    /// Server-first: an initial response has no place here (RFC 4422 §4).
    mutating func start(initialResponse: [UInt8]?) -> SASLAction {
        guard case .initial = state, initialResponse == nil else { return finish(.malformed) }
        state = .awaitingResponse
        return .sendChallenge(challenge)
    }

    mutating func receive(_ response: [UInt8]) -> SASLAction {
        guard case .awaitingResponse = state else { return finish(.malformed) }
        guard let parsed = CRAMMD5Response.parse(response) else { return finish(.malformed) }
        state = .awaitingSecret(parsed)
        return .lookupLegacySecret(username: parsed.username)
    }

    mutating func legacySecretFound(_ secret: String?) -> SASLAction {
        guard case .awaitingSecret(let response) = state else { return finish(.malformed) }
        // No secret still costs one HMAC; `known` keeps that one from ever succeeding.
        let known = secret?.isEmpty == false
        let key = SymmetricKey(data: Array((known ? secret ?? "" : "\u{0}no legacy secret").utf8))
        let expected = Array(HMAC<Insecure.MD5>.authenticationCode(for: challenge, using: key))
        let matches = ConstantTime.equals(expected, response.digest)
        guard matches, known else { return finish(.authenticationFailed) }
        state = .finished
        return .succeed(username: response.username, authzid: nil, finalData: nil)
    }

    private mutating func finish(_ failure: SASLFailure) -> SASLAction {
        state = .finished
        return .fail(failure)
    }
}
