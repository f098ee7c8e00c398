import Crypto
import Testing

@testable import SASL

struct CRAMMD5StateMachineTests {
    /// RFC 2195 §2 example.
    enum RFC2195 {
        static let challenge = bytes("<1896.697170952@postoffice.reston.mci.net>")
        static let response = bytes("tim b913a602c7eda7a495b4e6e7334d3890")
        static let secret = "tanstaaftanstaaf"
    }

    @Test func rfc2195Example() {
        var server = SASLFixtures.server(.cramMD5, nonce: "1896.697170952")
        // The base64 of the challenge and response, as the RFC shows them on the wire.
        #expect(base64Bytes("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+") == RFC2195.challenge)
        #expect(base64Bytes("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw") == RFC2195.response)

        let steps = [
            SASLStep(.start(nil), .sendChallenge(RFC2195.challenge)),
            SASLStep(.receive(RFC2195.response), .lookupLegacySecret(username: "tim")),
            SASLStep(.legacySecretFound(RFC2195.secret), .succeed(username: "tim", authzid: nil, finalData: nil)),
        ]
        #expect(server.replay(steps) == steps.map(\.action))
    }

    @Test(arguments: [
        ("tim b913a602c7eda7a495b4e6e7334d3891", "tanstaaftanstaaf"),  // wrong digest
        ("tim b913a602c7eda7a495b4e6e7334d3890", "tanstaaf"),  // wrong secret
    ])
    func wrongDigestFails(_ response: String, secret: String) {
        var server = SASLFixtures.server(.cramMD5)
        #expect(server.start(initialResponse: nil) == .sendChallenge(RFC2195.challenge))
        #expect(server.receive(bytes(response)) == .lookupLegacySecret(username: "tim"))
        #expect(server.legacySecretFound(secret) == .fail(.authenticationFailed))
    }

    /// No secret ends exactly like a wrong digest, even against the right digest.
    @Test(arguments: [String?.none, ""])
    func missingSecretFailsLikeWrongDigest(_ secret: String?) {
        var server = SASLFixtures.server(.cramMD5)
        _ = server.start(initialResponse: nil)
        #expect(server.receive(RFC2195.response) == .lookupLegacySecret(username: "tim"))
        #expect(server.legacySecretFound(secret) == .fail(.authenticationFailed))
    }

    @Test func upperCaseDigestIsAccepted() {
        var server = SASLFixtures.server(.cramMD5)
        _ = server.start(initialResponse: nil)
        _ = server.receive(bytes("tim B913A602C7EDA7A495B4E6E7334D3890"))
        #expect(server.legacySecretFound(RFC2195.secret) == .succeed(username: "tim", authzid: nil, finalData: nil))
    }

    @Test func nameMayContainSpace() {
        let challenge = bytes("<1896.697170952@postoffice.reston.mci.net>")
        let digest = HMAC<Insecure.MD5>.authenticationCode(for: challenge, using: SymmetricKey(data: bytes("secret")))
        var server = SASLFixtures.server(.cramMD5)
        _ = server.start(initialResponse: nil)
        #expect(server.receive(bytes("tim toady \(Hex.encode(digest))")) == .lookupLegacySecret(username: "tim toady"))
        #expect(server.legacySecretFound("secret") == .succeed(username: "tim toady", authzid: nil, finalData: nil))
    }

    @Test(arguments: [
        "",
        "tim",
        "tim ",
        " b913a602c7eda7a495b4e6e7334d3890",  // no name
        "b913a602c7eda7a495b4e6e7334d3890",  // no space
        "tim b913a602c7eda7a495b4e6e7334d389",  // 31 digits
        "tim b913a602c7eda7a495b4e6e7334d38900",  // 33 digits
        "tim b913a602c7eda7a495b4e6e7334d389g",  // not hex
        "tim b913a602c7eda7a495b4e6e7334d3890 ",  // trailing space
        "tim\tb913a602c7eda7a495b4e6e7334d3890",  // tab, not space
        "t\u{0}m b913a602c7eda7a495b4e6e7334d3890",  // NUL in the name
    ])
    func malformedResponseFails(_ response: String) {
        var server = SASLFixtures.server(.cramMD5)
        _ = server.start(initialResponse: nil)
        #expect(server.receive(bytes(response)) == .fail(.malformed))
    }

    @Test func initialResponseIsRefused() {
        var server = SASLFixtures.server(.cramMD5)
        #expect(server.start(initialResponse: RFC2195.response) == .fail(.malformed))
    }

    @Test func emptyInitialResponseCountsAsNone() {
        var server = SASLFixtures.server(.cramMD5)
        #expect(server.start(initialResponse: []) == .sendChallenge(RFC2195.challenge))
    }

    /// `<random.digits@host>` with 128 random bits, new for every exchange.
    @Test func randomChallengeHasRFCShape() throws {
        var first = SASLServer(mechanism: .cramMD5, configuration: SASLFixtures.configuration)
        var second = SASLServer(mechanism: .cramMD5, configuration: SASLFixtures.configuration)
        guard case .sendChallenge(let one) = first.start(initialResponse: nil),
            case .sendChallenge(let two) = second.start(initialResponse: nil)
        else {
            Issue.record("no challenge")
            return
        }
        #expect(one != two)
        let text = String(decoding: one, as: UTF8.self)
        #expect(text.hasPrefix("<") && text.hasSuffix("@postoffice.reston.mci.net>"))
        let unique = text.dropFirst().prefix { $0 != "@" }
        let parts = unique.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 2)
        #expect(parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
    }

    @Test func secretForOtherEventsIsRefused() {
        var server = SASLFixtures.server(.cramMD5)
        _ = server.start(initialResponse: nil)
        #expect(server.legacySecretFound(RFC2195.secret) == .fail(.malformed))
        #expect(server.isFinished)
    }
}
