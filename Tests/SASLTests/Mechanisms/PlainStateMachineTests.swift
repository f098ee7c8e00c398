import Testing

@testable import SASL

struct PlainStateMachineTests {
    /// RFC 4616 §4 examples, plus the same exchanges without an initial response.
    static let dialogues: [(String, [SASLStep])] = [
        (
            "RFC 4616 §4 first example",
            [
                SASLStep(
                    .start(bytes("\0tim\0tanstaaftanstaaf")),
                    .verifyPassword(username: "tim", authzid: nil, password: "tanstaaftanstaaf")),
                SASLStep(.passwordVerified(true), .succeed(username: "tim", authzid: nil, finalData: nil)),
            ]
        ),
        (
            // Ursel acting as Kurt: proxy authorization, which Popstore does not offer.
            "RFC 4616 §4 second example",
            [SASLStep(.start(bytes("Ursel\0Kurt\0xipj3plmq")), .fail(.authzidNotPermitted))]
        ),
        (
            "authzid equal to authcid",
            [
                SASLStep(.start(bytes("Kurt\0Kurt\0xipj3plmq")), .verifyPassword(username: "Kurt", authzid: "Kurt", password: "xipj3plmq")),
                SASLStep(.passwordVerified(true), .succeed(username: "Kurt", authzid: "Kurt", finalData: nil)),
            ]
        ),
        (
            "no initial response: empty challenge first",
            [
                SASLStep(.start(nil), .sendChallenge([])),
                SASLStep(
                    .receive(bytes("\0tim\0tanstaaftanstaaf")), .verifyPassword(username: "tim", authzid: nil, password: "tanstaaftanstaaf")
                ),
                SASLStep(.passwordVerified(true), .succeed(username: "tim", authzid: nil, finalData: nil)),
            ]
        ),
        (
            "empty initial response counts as none",
            [
                SASLStep(.start([]), .sendChallenge([])),
                SASLStep(.receive(bytes("\0tim\0pw")), .verifyPassword(username: "tim", authzid: nil, password: "pw")),
                SASLStep(.passwordVerified(true), .succeed(username: "tim", authzid: nil, finalData: nil)),
            ]
        ),
        (
            "wrong password",
            [
                SASLStep(.start(bytes("\0tim\0wrong")), .verifyPassword(username: "tim", authzid: nil, password: "wrong")),
                SASLStep(.passwordVerified(false), .fail(.authenticationFailed)),
                SASLStep(.passwordVerified(true), .fail(.malformed)),
            ]
        ),
        (
            "UTF-8 name and password",
            [
                SASLStep(
                    .start(bytes("\0j\u{00F6}rg\0p\u{00E4}ss w\u{00F6}rd")),
                    .verifyPassword(username: "j\u{00F6}rg", authzid: nil, password: "p\u{00E4}ss w\u{00F6}rd")),
                SASLStep(.passwordVerified(false), .fail(.authenticationFailed)),
            ]
        ),
        (
            "a second message while the password is checked",
            [
                SASLStep(.start(bytes("\0tim\0pw")), .verifyPassword(username: "tim", authzid: nil, password: "pw")),
                SASLStep(.receive(bytes("\0tim\0pw")), .fail(.malformed)),
            ]
        ),
    ]

    @Test(arguments: dialogues)
    func dialogue(_ name: String, steps: [SASLStep]) {
        var server = SASLFixtures.server(.plain)
        #expect(server.replay(steps) == steps.map(\.action), "\(name)")
    }

    static let longest = String(repeating: "a", count: SASLLimits.maximumUsernameByteCount)

    @Test(arguments: [
        bytes("tim"),  // no NUL
        bytes("\0tim"),  // one NUL
        bytes("\0tim\0"),  // empty password
        bytes("\0\0pw"),  // empty authcid
        bytes("a\0b\0c\0d"),  // three NULs
        bytes("\0\0"),
        [0] + [0xFF] + [0] + bytes("pw"),  // authcid not UTF-8
        bytes("\0tim\0") + [0xC3],  // password not UTF-8
        [0xC3, 0x28] + bytes("\0tim\0pw"),  // authzid not UTF-8
        bytes("\0tim\nroot\0pw"),  // control character in a name
        bytes("\0tim\u{0085}\0pw"),  // C1 control character in a name
        bytes("\0\(longest)a\0pw"),  // name too long
        bytes("\(longest)a\0\(longest)a\0pw"),  // authzid too long
    ])
    func malformedMessageFails(_ message: [UInt8]) {
        var server = SASLFixtures.server(.plain)
        #expect(server.start(initialResponse: message) == .fail(.malformed))
        #expect(server.isFinished)

        var waiting = SASLFixtures.server(.plain)
        #expect(waiting.start(initialResponse: nil) == .sendChallenge([]))
        #expect(waiting.receive(message) == .fail(.malformed))
    }

    @Test func longestNameIsAccepted() {
        var server = SASLFixtures.server(.plain)
        let action = server.start(initialResponse: bytes("\0\(Self.longest)\0pw"))
        #expect(action == .verifyPassword(username: Self.longest, authzid: nil, password: "pw"))
    }

    @Test(arguments: [
        (bytes("\0tim\0pw"), "tim", String?.none, "pw"),
        (bytes("tim\0tim\0pw"), "tim", "tim", "pw"),
        (bytes("\0tim\0a\u{0007}b c"), "tim", nil, "a\u{0007}b c"),  // SASLprep judges the password later
    ])
    func parsesMessage(_ message: [UInt8], authcid: String, authzid: String?, password: String) {
        #expect(PlainMessage.parse(message) == PlainMessage(authzid: authzid, authcid: authcid, password: password))
    }
}
