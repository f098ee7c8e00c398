import Foundation
import Testing

@testable import SASL

struct ScramSHA256StateMachineTests {
    /// RFC 7677 §3: user "user", password "pencil".
    enum RFC7677 {
        static let clientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
        static let serverNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
        static let serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
        static let clientFinal =
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        static let serverFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
        static let salt = base64Bytes("W22ZaJ0SNY7soEsUEjb6gQ==")
        static let credentials = try! ScramCredentials.derive(password: "pencil", salt: salt, iterations: 4096)
    }

    static func server(
        nonce: String = RFC7677.serverNonce, configuration: SASLServerConfiguration = SASLFixtures.configuration
    ) -> SASLServer {
        SASLFixtures.server(.scramSHA256, nonce: nonce, configuration: configuration)
    }

    @Test func rfc7677ExampleWithInitialResponse() {
        var server = Self.server()
        let steps = [
            SASLStep(.start(bytes(RFC7677.clientFirst)), .lookupScramCredentials(username: "user", authzid: nil)),
            SASLStep(.scramCredentialsFound(RFC7677.credentials), .sendChallenge(bytes(RFC7677.serverFirst))),
            SASLStep(.receive(bytes(RFC7677.clientFinal)), .succeed(username: "user", authzid: nil, finalData: bytes(RFC7677.serverFinal))),
        ]
        #expect(server.replay(steps) == steps.map(\.action))
    }

    @Test(arguments: [nil, [UInt8]()])
    func rfc7677ExampleWithoutInitialResponse(_ initialResponse: [UInt8]?) {
        var server = Self.server()
        let steps = [
            SASLStep(.start(initialResponse), .sendChallenge([])),
            SASLStep(.receive(bytes(RFC7677.clientFirst)), .lookupScramCredentials(username: "user", authzid: nil)),
            SASLStep(.scramCredentialsFound(RFC7677.credentials), .sendChallenge(bytes(RFC7677.serverFirst))),
            SASLStep(.receive(bytes(RFC7677.clientFinal)), .succeed(username: "user", authzid: nil, finalData: bytes(RFC7677.serverFinal))),
        ]
        #expect(server.replay(steps) == steps.map(\.action))
    }

    static let challengeConfiguration = SASLServerConfiguration(
        challengeHost: "localhost", scramDecoyKey: SASLFixtures.decoyKey, successData: .asChallenge)!

    @Test(arguments: [
        ([UInt8](), SASLAction.succeed(username: "user", authzid: nil, finalData: nil)),
        (bytes("v=x"), .fail(.malformed)),
    ])
    func serverFinalAsChallenge(_ acknowledgement: [UInt8], last: SASLAction) {
        var server = Self.server(configuration: Self.challengeConfiguration)
        let steps = [
            SASLStep(.start(bytes(RFC7677.clientFirst)), .lookupScramCredentials(username: "user", authzid: nil)),
            SASLStep(.scramCredentialsFound(RFC7677.credentials), .sendChallenge(bytes(RFC7677.serverFirst))),
            SASLStep(.receive(bytes(RFC7677.clientFinal)), .sendChallenge(bytes(RFC7677.serverFinal))),
            SASLStep(.receive(acknowledgement), last),
        ]
        #expect(server.replay(steps) == steps.map(\.action))
    }

    /// The RFC proof with one bit changed, or with a nonce or GS2 header that is not this
    /// exchange's, or against another password's credentials.
    @Test(arguments: [
        ("p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVU=", "pencil"),
        ("p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "pencils"),
        ("c=biws", "c=eSws", "pencil"),
        ("c=biws", "c=bixhPXVzZXIs", "pencil"),  // n,a=user,
        ("hNlF$k0,", "hNlF$k1,", "pencil"),
        ("%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,", ",", "pencil"),
    ])
    func wrongProofFails(_ original: String, replacement: String, storedPassword: String) throws {
        let credentials = try ScramCredentials.derive(password: storedPassword, salt: RFC7677.salt, iterations: 4096)
        let clientFinal = RFC7677.clientFinal.replacingOccurrences(of: original, with: replacement)
        #expect(clientFinal != RFC7677.clientFinal || storedPassword != "pencil")
        var server = Self.server()
        let steps = [
            SASLStep(.start(bytes(RFC7677.clientFirst)), .lookupScramCredentials(username: "user", authzid: nil)),
            SASLStep(.scramCredentialsFound(credentials), .sendChallenge(bytes(RFC7677.serverFirst))),
            SASLStep(.receive(bytes(clientFinal)), .fail(.authenticationFailed)),
        ]
        #expect(server.replay(steps) == steps.map(\.action))
    }

    /// The server-first message of an unknown user, and its salt.
    static func decoyServerFirst(
        for clientFirst: String, canonicalUsername: String? = nil,
        configuration: SASLServerConfiguration = SASLFixtures.configuration
    ) -> (message: String, salt: [UInt8])? {
        var server = Self.server(configuration: configuration)
        guard case .lookupScramCredentials = server.start(initialResponse: bytes(clientFirst)),
            case .sendChallenge(let serverFirst) = server.scramCredentialsFound(nil, canonicalUsername: canonicalUsername)
        else { return nil }
        let message = String(decoding: serverFirst, as: UTF8.self)
        guard let saltField = message.split(separator: ",").first(where: { $0.hasPrefix("s=") }),
            let salt = Base64.decode(saltField.dropFirst(2), padded: true)
        else { return nil }
        return (message, salt)
    }

    @Test func unknownUserGetsServerFirstThenFails() throws {
        var server = Self.server()
        #expect(server.start(initialResponse: bytes(RFC7677.clientFirst)) == .lookupScramCredentials(username: "user", authzid: nil))
        guard case .sendChallenge(let serverFirst) = server.scramCredentialsFound(nil) else {
            Issue.record("no server-first message")
            return
        }
        let fields = String(decoding: serverFirst, as: UTF8.self).split(separator: ",").map(String.init)
        #expect(fields.count == 3)
        #expect(fields[0] == "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0")
        #expect(fields[1].hasPrefix("s="))
        #expect(Base64.decode(fields[1].dropFirst(2), padded: true)?.count == ScramCredentials.saltByteCount)
        #expect(fields[2] == "i=4096")

        // Even the proof a real "pencil" account would accept cannot open a decoy.
        let client = try #require(
            ScramTestClient(password: "pencil").clientFinal(
                clientFirstBare: "n=user,r=rOprNGfwEbeRWgbNEkqO", serverFirst: serverFirst, gs2Header: "n,,"))
        #expect(server.receive(client.message) == .fail(.authenticationFailed))
        #expect(server.isFinished)
    }

    @Test func decoySaltIsStablePerName() throws {
        let first = try #require(Self.decoyServerFirst(for: "n,,n=ghost,r=abc"))
        let again = try #require(Self.decoyServerFirst(for: "n,,n=ghost,r=abc"))
        let otherNonce = try #require(Self.decoyServerFirst(for: "n,,n=ghost,r=xyz"))
        let otherCase = try #require(Self.decoyServerFirst(for: "n,,n=GHOST,r=abc"))
        let otherName = try #require(Self.decoyServerFirst(for: "n,,n=spook,r=abc"))
        #expect(first.salt == again.salt)
        #expect(first.salt == otherNonce.salt)
        #expect(first.salt == otherCase.salt)
        #expect(first.salt != otherName.salt)

        // The store's own folding wins when the driver gives it.
        let folded = try #require(Self.decoyServerFirst(for: "n,,n=ghost@example.org,r=abc", canonicalUsername: "ghost"))
        #expect(folded.salt == first.salt)

        let otherKey = try #require(
            SASLServerConfiguration(challengeHost: "localhost", scramDecoyKey: ScramDecoyKey.generate()))
        let elsewhere = try #require(Self.decoyServerFirst(for: "n,,n=ghost,r=abc", configuration: otherKey))
        #expect(first.salt != elsewhere.salt)
    }

    @Test func decoyIterationsFollowConfiguration() throws {
        let configuration = try #require(
            SASLServerConfiguration(challengeHost: "localhost", scramDecoyKey: SASLFixtures.decoyKey, scramDecoyIterations: 8192))
        let decoy = try #require(Self.decoyServerFirst(for: "n,,n=ghost,r=abc", configuration: configuration))
        #expect(decoy.message.hasSuffix(",i=8192"))
    }

    static func credentials(iterations: Int = 4096, saltCount: Int = 16, storedKeyCount: Int = 32, serverKeyCount: Int = 32)
        -> ScramCredentials
    {
        ScramCredentials(
            salt: Array(repeating: 1, count: saltCount), iterations: iterations,
            storedKey: Array(repeating: 2, count: storedKeyCount), serverKey: Array(repeating: 3, count: serverKeyCount))
    }

    @Test(arguments: [
        credentials(iterations: 4095),
        credentials(iterations: 0),
        credentials(iterations: -4096),
        credentials(iterations: 10_000_001),
        credentials(iterations: Int.max),
        credentials(saltCount: 7),
        credentials(saltCount: 65),
        credentials(storedKeyCount: 31),
        credentials(serverKeyCount: 33),
    ])
    func unusableStoredCredentialsFail(_ credentials: ScramCredentials) {
        var server = Self.server()
        _ = server.start(initialResponse: bytes(RFC7677.clientFirst))
        #expect(server.scramCredentialsFound(credentials) == .fail(.credentialsUnusable))
        #expect(server.isFinished)
    }

    /// Whole exchanges with the test client: GS2 header variants, escaped names, extensions.
    @Test(arguments: [
        ("n,,", "n=user,r=fyko+d2lbbFgONRv9qkxdawL", "user", String?.none, ""),
        ("n,a=user,", "n=user,r=fyko+d2lbbFgONRv9qkxdawL", "user", "user", ""),
        ("y,,", "n=user,r=fyko+d2lbbFgONRv9qkxdawL", "user", nil, ""),
        ("n,a=us=2Cer=3D,", "n=us=2Cer=3D,r=abc", "us,er=", "us,er=", ""),
        ("n,,", "n=user,r=abc,x=optional extension", "user", nil, ",y=another"),
        ("n,,", "n=j\u{00F6}rg,r=abc", "j\u{00F6}rg", nil, ""),
    ])
    func completeExchange(gs2Header: String, bare: String, username: String, authzid: String?, finalExtensions: String) throws {
        let credentials = try ScramCredentials.derive(password: "pencil", salt: RFC7677.salt, iterations: 4096)
        var server = Self.server()
        #expect(server.start(initialResponse: bytes(gs2Header + bare)) == .lookupScramCredentials(username: username, authzid: authzid))
        guard case .sendChallenge(let serverFirst) = server.scramCredentialsFound(credentials) else {
            Issue.record("no server-first message")
            return
        }
        let client = try #require(
            ScramTestClient(password: "pencil").clientFinal(
                clientFirstBare: bare, serverFirst: serverFirst, gs2Header: gs2Header, extensions: finalExtensions))
        #expect(server.receive(client.message) == .succeed(username: username, authzid: authzid, finalData: client.verifier))
    }

    @Test(arguments: [
        ("n,a=admin,n=user,r=abc", SASLFailure.authzidNotPermitted),
        ("n,a=User,n=user,r=abc", .authzidNotPermitted),
        ("p=tls-unique,,n=user,r=abc", .channelBindingNotSupported),
        ("p=tls-exporter,a=user,n=user,r=abc", .channelBindingNotSupported),
        ("n,,m=must-understand,n=user,r=abc", .malformed),
        ("n,,n=user", .malformed),
        ("n,,n=user,r=abc\u{0}", .malformed),
    ])
    func clientFirstFailures(_ clientFirst: String, failure: SASLFailure) {
        var server = Self.server()
        #expect(server.start(initialResponse: bytes(clientFirst)) == .fail(failure))
        #expect(server.isFinished)
    }

    @Test(arguments: [
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",  // no proof
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=",
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9yg==",  // 16-byte proof
        "c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",  // no nonce
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=,x=1",
        "",
    ])
    func malformedClientFinalFails(_ clientFinal: String) {
        var server = Self.server()
        _ = server.start(initialResponse: bytes(RFC7677.clientFirst))
        _ = server.scramCredentialsFound(RFC7677.credentials)
        #expect(server.receive(bytes(clientFinal)) == .fail(.malformed))
    }

    @Test func eventsOutOfOrderFail() {
        var early = Self.server()
        #expect(early.start(initialResponse: nil) == .sendChallenge([]))
        #expect(early.scramCredentialsFound(RFC7677.credentials) == .fail(.malformed))

        var waiting = Self.server()
        _ = waiting.start(initialResponse: bytes(RFC7677.clientFirst))
        #expect(waiting.receive(bytes(RFC7677.clientFinal)) == .fail(.malformed))

        var twice = Self.server()
        _ = twice.start(initialResponse: bytes(RFC7677.clientFirst))
        _ = twice.scramCredentialsFound(RFC7677.credentials)
        #expect(twice.scramCredentialsFound(RFC7677.credentials) == .fail(.malformed))
    }

    @Test func randomServerNonceIsPrintableAndFresh() {
        func serverFirst() -> String {
            var server = SASLServer(mechanism: .scramSHA256, configuration: SASLFixtures.configuration)
            _ = server.start(initialResponse: bytes("n,,n=user,r=abc"))
            guard case .sendChallenge(let message) = server.scramCredentialsFound(RFC7677.credentials) else { return "" }
            return String(decoding: message, as: UTF8.self)
        }
        let one = serverFirst()
        let two = serverFirst()
        #expect(one.hasPrefix("r=abc"))
        #expect(one != two)
        let nonce = one.split(separator: ",")[0].dropFirst(2)
        #expect(ScramSyntax.isNonce(ArraySlice(nonce.utf8)))
        #expect(nonce.utf8.count >= 3 + 24)
    }
}
