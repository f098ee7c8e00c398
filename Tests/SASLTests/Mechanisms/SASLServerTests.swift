import Testing

@testable import SASL

struct SASLServerTests {
    /// Every event, for checking that none is accepted after the end.
    static let everyEvent: [SASLEvent] = [
        .start(nil), .start(bytes("\0tim\0pw")), .receive([]), .receive(bytes("tim")), .cancel,
        .passwordVerified(true), .legacySecretFound("secret"), .scramCredentialsFound(nil),
    ]

    /// Ways to reach the end of an exchange, for each mechanism.
    static let endings: [(SASLMechanismName, [SASLEvent])] = [
        (.plain, [.start(bytes("\0tim\0pw")), .passwordVerified(true)]),
        (.plain, [.start(bytes("\0tim\0pw")), .passwordVerified(false)]),
        (.plain, [.start(bytes("garbage"))]),
        (.login, [.start(nil), .cancel]),
        (.login, [.start(bytes("tim")), .receive(bytes("pw")), .passwordVerified(true)]),
        (.cramMD5, [.start(nil), .receive(bytes("tim b913a602c7eda7a495b4e6e7334d3890")), .legacySecretFound(nil)]),
        (.scramSHA256, [.start(bytes("n,,n=user,r=abc")), .scramCredentialsFound(nil), .receive(bytes("c=biws"))]),
        (.scramSHA256, [.cancel]),
    ]

    @Test(arguments: endings)
    func everyEventAfterTheEndIsMalformed(_ mechanism: SASLMechanismName, events: [SASLEvent]) {
        var server = SASLFixtures.server(mechanism)
        let actions = events.map { server.handle($0) }
        #expect(actions.last?.isTerminal == true)
        #expect(actions.dropLast().allSatisfy { !$0.isTerminal })
        #expect(server.isFinished)
        for event in Self.everyEvent {
            #expect(server.handle(event) == .fail(.malformed))
            #expect(server.isFinished)
        }
    }

    @Test(arguments: SASLMechanismName.allCases)
    func cancelEndsTheExchange(_ mechanism: SASLMechanismName) {
        var beforeStart = SASLFixtures.server(mechanism)
        #expect(beforeStart.cancel() == .fail(.cancelled))
        #expect(beforeStart.cancel() == .fail(.malformed))

        var midway = SASLFixtures.server(mechanism)
        #expect(midway.start(initialResponse: nil).isTerminal == false)
        #expect(midway.cancel() == .fail(.cancelled))
        #expect(midway.receive([]) == .fail(.malformed))
    }

    @Test(arguments: SASLMechanismName.allCases)
    func eventsBeforeStartAreMalformed(_ mechanism: SASLMechanismName) {
        for event in Self.everyEvent where !(event.isStart || event.isCancel) {
            var server = SASLFixtures.server(mechanism)
            #expect(server.handle(event) == .fail(.malformed))
            #expect(server.isFinished)
        }
    }

    @Test(arguments: SASLMechanismName.allCases)
    func startTwiceIsMalformed(_ mechanism: SASLMechanismName) {
        var server = SASLFixtures.server(mechanism)
        _ = server.start(initialResponse: nil)
        #expect(server.start(initialResponse: nil) == .fail(.malformed))
        #expect(server.isFinished)
    }

    /// Answers meant for other mechanisms end the exchange.
    @Test(arguments: [
        (SASLMechanismName.plain, SASLEvent.legacySecretFound("x")),
        (.plain, .scramCredentialsFound(nil)),
        (.login, .legacySecretFound("x")),
        (.cramMD5, .passwordVerified(true)),
        (.scramSHA256, .passwordVerified(true)),
        (.scramSHA256, .legacySecretFound("x")),
    ])
    func foreignAnswersAreMalformed(_ mechanism: SASLMechanismName, event: SASLEvent) {
        var server = SASLFixtures.server(mechanism)
        _ = server.start(initialResponse: nil)
        #expect(server.handle(event) == .fail(.malformed))
        #expect(server.isFinished)
    }

    @Test(arguments: SASLMechanismName.allCases)
    func oversizedResponsesAreRefused(_ mechanism: SASLMechanismName) {
        let tooLong = [UInt8](repeating: UInt8(ascii: "a"), count: SASLLimits.maximumResponseByteCount + 1)
        var initial = SASLFixtures.server(mechanism)
        #expect(initial.start(initialResponse: tooLong) == .fail(.malformed))

        var later = SASLFixtures.server(mechanism)
        _ = later.start(initialResponse: nil)
        #expect(later.receive(tooLong) == .fail(.malformed))
    }

    /// At the limit the message still reaches the mechanism: a PLAIN password that fills it.
    @Test func responseAtTheLimitIsParsed() {
        let password = String(repeating: "p", count: SASLLimits.maximumResponseByteCount - 5)
        var server = SASLFixtures.server(.plain)
        #expect(
            server.start(initialResponse: bytes("\0tim\0\(password)")) == .verifyPassword(username: "tim", authzid: nil, password: password)
        )
    }

    @Test func descriptionsHideSecrets() {
        let action = SASLAction.verifyPassword(username: "tim", authzid: nil, password: "tanstaaftanstaaf")
        var server = SASLFixtures.server(.plain)
        _ = server.start(initialResponse: bytes("\0tim\0tanstaaftanstaaf"))
        let texts = [
            String(describing: action), String(reflecting: action), dumped(action),
            String(describing: server), String(reflecting: server), dumped(server),
            String(describing: [action]),
        ]
        for text in texts {
            #expect(!text.contains("tanstaaf"))
        }
        #expect(String(describing: action).contains("redacted"))

        let configuration = SASLFixtures.configuration
        let keyText = SASLFixtures.decoyKey.rawBytes.map(String.init).joined(separator: ", ")
        for text in [String(describing: configuration), String(reflecting: configuration), dumped(configuration)] {
            #expect(!text.contains(keyText))
            #expect(!text.contains("90, 90, 90"))
        }
    }

    @Test(arguments: [
        ("PLAIN", SASLMechanismName?.some(.plain)),
        ("plain", .plain),
        ("Login", .login),
        ("cram-md5", .cramMD5),
        ("SCRAM-SHA-256", .scramSHA256),
        ("scram-sha-256", .scramSHA256),
        ("SCRAM-SHA-256-PLUS", nil),
        ("SCRAM-SHA-1", nil),
        ("DIGEST-MD5", nil),
        ("", nil),
        ("PLAIN ", nil),
        ("PLA\u{0130}N", nil),
    ])
    func mechanismNames(_ wireName: String, expected: SASLMechanismName?) {
        #expect(SASLMechanismName(wireName: wireName) == expected)
    }

    @Test func onlyPasswordMechanismsNeedTLS() {
        #expect(SASLMechanismName.allCases.filter(\.sendsPasswordInClear) == [.plain, .login])
    }

    @Test(arguments: [
        "", "mail example.org", "<mail.example.org>", "user@mail.example.org", "a,b", "caf\u{00E9}.example",
        String(repeating: "a", count: 256),
    ])
    func configurationRefusesBadHost(_ host: String) {
        #expect(SASLServerConfiguration(challengeHost: host, scramDecoyKey: SASLFixtures.decoyKey) == nil)
    }

    @Test(arguments: [4095, 0, 10_000_001])
    func configurationRefusesBadDecoyIterations(_ iterations: Int) {
        #expect(
            SASLServerConfiguration(challengeHost: "localhost", scramDecoyKey: SASLFixtures.decoyKey, scramDecoyIterations: iterations)
                == nil)
    }

    @Test(arguments: [0, 31, 33])
    func decoyKeyNeeds32Bytes(_ count: Int) {
        #expect(ScramDecoyKey(rawBytes: Array(repeating: 1, count: count)) == nil)
    }

    @Test func decoyKeyRoundTripsAndHidesItself() throws {
        let key = ScramDecoyKey.generate()
        #expect(key.rawBytes.count == 32)
        #expect(ScramDecoyKey.generate().rawBytes != key.rawBytes)
        let copy = try #require(ScramDecoyKey(rawBytes: key.rawBytes))
        #expect(copy.decoyCredentials(for: "ghost", iterations: 4096) == key.decoyCredentials(for: "ghost", iterations: 4096))
        for text in [String(describing: key), String(reflecting: key), dumped(key)] {
            #expect(!text.contains(key.rawBytes.map(String.init).joined(separator: ", ")))
        }
    }
}

extension SASLEvent {
    var isStart: Bool {
        if case .start = self { return true }
        return false
    }

    var isCancel: Bool {
        if case .cancel = self { return true }
        return false
    }
}
