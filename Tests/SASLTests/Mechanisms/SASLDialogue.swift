import Foundation

@testable import SASL

/// One event a driver feeds a `SASLServer`, for table-driven dialogues.
enum SASLEvent: Sendable {
    case start([UInt8]?)
    case receive([UInt8])
    case cancel
    case passwordVerified(Bool)
    case legacySecretFound(String?)
    case scramCredentialsFound(ScramCredentials?, canonicalUsername: String? = nil)
}

/// A dialogue step: the event, then the action the server must answer with.
struct SASLStep: Sendable {
    var event: SASLEvent
    var action: SASLAction

    init(_ event: SASLEvent, _ action: SASLAction) {
        self.event = event
        self.action = action
    }
}

extension SASLServer {
    mutating func handle(_ event: SASLEvent) -> SASLAction {
        switch event {
        case .start(let initialResponse): start(initialResponse: initialResponse)
        case .receive(let response): receive(response)
        case .cancel: cancel()
        case .passwordVerified(let ok): passwordVerified(ok)
        case .legacySecretFound(let secret): legacySecretFound(secret)
        case .scramCredentialsFound(let credentials, let name): scramCredentialsFound(credentials, canonicalUsername: name)
        }
    }

    /// Feeds every step and returns the actions actually produced.
    mutating func replay(_ steps: [SASLStep]) -> [SASLAction] {
        steps.map { handle($0.event) }
    }
}

enum SASLFixtures {
    static let decoyKey = ScramDecoyKey(rawBytes: Array(repeating: 0x5A, count: 32))!
    static let configuration = SASLServerConfiguration(
        challengeHost: "postoffice.reston.mci.net", scramDecoyKey: decoyKey)!

    static func server(
        _ mechanism: SASLMechanismName, nonce: String = "1896.697170952",
        configuration: SASLServerConfiguration = configuration
    ) -> SASLServer {
        SASLServer(mechanism: mechanism, configuration: configuration, nonce: nonce)
    }
}

/// UTF-8 bytes of a string literal, for readable tables.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

func base64Bytes(_ text: String) -> [UInt8] {
    Array(Data(base64Encoded: text)!)
}
