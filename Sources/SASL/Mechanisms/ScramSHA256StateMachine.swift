import Crypto

/// SCRAM-SHA-256, server side, without channel binding.
///
///     C: client-first   n,,n=user,r=<c-nonce>
///     S: server-first   r=<c-nonce><s-nonce>,s=<salt>,i=<iterations>
///     C: client-final   c=biws,r=<c-nonce><s-nonce>,p=<proof>
///     S: server-final   v=<ServerSignature>
///
/// The proof is checked against StoredKey only: ClientKey = proof XOR
/// HMAC(StoredKey, AuthMessage) must hash to StoredKey. For an unknown user the exchange
/// goes on with decoy credentials (a salt derived from `ScramDecoyKey`) and fails at the
/// proof, so the server-first message does not say whether the user exists.
/// - SeeAlso: RFC 5802 §3, §5, §9; RFC 7677
struct ScramSHA256StateMachine: SASLMechanismStateMachine {
    /// What the final step needs; built when the server-first message is sent.
    private struct Exchange: Sendable {
        var username: String
        var authzid: String?
        var gs2Header: [UInt8]
        var nonce: String
        /// client-first-message-bare "," server-first-message "," — the AuthMessage so far.
        var authMessagePrefix: [UInt8]
        var storedKey: [UInt8]
        var serverKey: [UInt8]
        var isDecoy: Bool
    }

    private enum State: Sendable {
        case initial
        case awaitingClientFirst
        case awaitingCredentials(ScramClientFirstMessage)
        case awaitingClientFinal(Exchange)
        case awaitingAcknowledgement(username: String, authzid: String?)
        case finished
    }

    let serverNonce: String
    let decoyKey: ScramDecoyKey
    let decoyIterations: Int
    let successData: SASLServerConfiguration.SuccessData
    private var state = State.initial

    init(serverNonce: String, configuration: SASLServerConfiguration) {
        self.serverNonce = serverNonce
        decoyKey = configuration.scramDecoyKey
        decoyIterations = configuration.scramDecoyIterations
        successData = configuration.successData
    }

    mutating func start(initialResponse: [UInt8]?) -> SASLAction {
        guard case .initial = state else { return finish(.malformed) }
        guard let initialResponse else {
            state = .awaitingClientFirst
            return .sendChallenge([])
        }
        return handleClientFirst(initialResponse)
    }

    mutating func receive(_ response: [UInt8]) -> SASLAction {
        switch state {
        case .awaitingClientFirst:
            return handleClientFirst(response)
        case .awaitingClientFinal(let exchange):
            return handleClientFinal(response, exchange: exchange)
        case .awaitingAcknowledgement(let username, let authzid):
            // RFC 4422 §5: the answer to additional data sent as a challenge is empty.
            guard response.isEmpty else { return finish(.malformed) }
            state = .finished
            return .succeed(username: username, authzid: authzid, finalData: nil)
        case .initial, .awaitingCredentials, .finished:
            return finish(.malformed)
        }
    }

    mutating func scramCredentialsFound(_ credentials: ScramCredentials?, canonicalUsername: String?) -> SASLAction {
        guard case .awaitingCredentials(let clientFirst) = state else { return finish(.malformed) }
        let used: ScramCredentials
        if let credentials {
            guard ScramCredentials.iterationRange.contains(credentials.iterations),
                ScramCredentials.saltByteCountRange.contains(credentials.salt.count),
                credentials.storedKey.count == ScramCredentials.keyByteCount,
                credentials.serverKey.count == ScramCredentials.keyByteCount
            else { return finish(.credentialsUnusable) }
            used = credentials
        } else {
            // Keyed on the name the store would look up, so that every spelling of one
            // name gets one salt, as a real account's does.
            let name = canonicalUsername ?? Self.asciiLowercased(clientFirst.username)
            used = decoyKey.decoyCredentials(for: name, iterations: decoyIterations)
        }

        let nonce = clientFirst.clientNonce + serverNonce
        // server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count ["," extensions]
        let serverFirst = Array("r=\(nonce),s=\(Base64.encode(used.salt, padded: true)),i=\(used.iterations)".utf8)
        state = .awaitingClientFinal(
            Exchange(
                username: clientFirst.username,
                authzid: clientFirst.authzid,
                gs2Header: clientFirst.gs2Header,
                nonce: nonce,
                authMessagePrefix: clientFirst.bare + [UInt8(ascii: ",")] + serverFirst + [UInt8(ascii: ",")],
                storedKey: used.storedKey,
                serverKey: used.serverKey,
                isDecoy: credentials == nil
            ))
        return .sendChallenge(serverFirst)
    }

    private mutating func handleClientFirst(_ response: [UInt8]) -> SASLAction {
        let clientFirst: ScramClientFirstMessage
        do {
            clientFirst = try ScramClientFirstMessage.parse(response)
        } catch {
            return finish(error)
        }
        guard SASLIdentity.permits(authzid: clientFirst.authzid, for: clientFirst.username) else {
            return finish(.authzidNotPermitted)
        }
        state = .awaitingCredentials(clientFirst)
        return .lookupScramCredentials(username: clientFirst.username, authzid: clientFirst.authzid)
    }

    private mutating func handleClientFinal(_ response: [UInt8], exchange: Exchange) -> SASLAction {
        let clientFinal: ScramClientFinalMessage
        do {
            clientFinal = try ScramClientFinalMessage.parse(response)
        } catch {
            return finish(error)
        }
        // A changed GS2 header or nonce means the proof covers another exchange.
        guard clientFinal.channelBinding == exchange.gs2Header, clientFinal.nonce == exchange.nonce else {
            return finish(.authenticationFailed)
        }

        let authMessage = exchange.authMessagePrefix + clientFinal.withoutProof
        let clientSignature = Self.hmac(key: exchange.storedKey, authMessage)
        let clientKey = zip(clientFinal.proof, clientSignature).map { $0 ^ $1 }
        let proofHolds = ConstantTime.equals(Array(SHA256.hash(data: clientKey)), exchange.storedKey)
        guard proofHolds, !exchange.isDecoy else { return finish(.authenticationFailed) }

        // server-final-message = (server-error / verifier) ["," extensions]
        let verifier = Array("v=\(Base64.encode(Self.hmac(key: exchange.serverKey, authMessage), padded: true))".utf8)
        switch successData {
        case .withOutcome:
            state = .finished
            return .succeed(username: exchange.username, authzid: exchange.authzid, finalData: verifier)
        case .asChallenge:
            state = .awaitingAcknowledgement(username: exchange.username, authzid: exchange.authzid)
            return .sendChallenge(verifier)
        }
    }

    private mutating func finish(_ failure: SASLFailure) -> SASLAction {
        state = .finished
        return .fail(failure)
    }

    private static func hmac(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// ASCII case folding, as Popstore names fold (`NameRules`), for when the driver gives
    /// no canonical name.
    static func asciiLowercased(_ name: String) -> String {
        String(decoding: name.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}
