import Testing

@testable import SASL

struct LoginStateMachineTests {
    static let dialogues: [(String, [SASLStep])] = [
        (
            "prompts for both",
            [
                SASLStep(.start(nil), .sendChallenge(bytes("Username:"))),
                SASLStep(.receive(bytes("tim")), .sendChallenge(bytes("Password:"))),
                SASLStep(.receive(bytes("tanstaaf")), .verifyPassword(username: "tim", authzid: nil, password: "tanstaaf")),
                SASLStep(.passwordVerified(true), .succeed(username: "tim", authzid: nil, finalData: nil)),
            ]
        ),
        (
            "initial response is the user name",
            [
                SASLStep(.start(bytes("tim")), .sendChallenge(bytes("Password:"))),
                SASLStep(.receive(bytes("tanstaaf")), .verifyPassword(username: "tim", authzid: nil, password: "tanstaaf")),
                SASLStep(.passwordVerified(true), .succeed(username: "tim", authzid: nil, finalData: nil)),
            ]
        ),
        (
            "empty initial response counts as none",
            [
                SASLStep(.start([]), .sendChallenge(bytes("Username:"))),
                SASLStep(.receive(bytes("tim")), .sendChallenge(bytes("Password:"))),
            ]
        ),
        (
            "wrong password",
            [
                SASLStep(.start(bytes("tim")), .sendChallenge(bytes("Password:"))),
                SASLStep(.receive(bytes("wrong")), .verifyPassword(username: "tim", authzid: nil, password: "wrong")),
                SASLStep(.passwordVerified(false), .fail(.authenticationFailed)),
                SASLStep(.receive(bytes("again")), .fail(.malformed)),
            ]
        ),
        (
            "empty user name",
            [
                SASLStep(.start(nil), .sendChallenge(bytes("Username:"))),
                SASLStep(.receive([]), .fail(.malformed)),
            ]
        ),
        (
            "user name not UTF-8",
            [SASLStep(.start([0x74, 0xFF]), .fail(.malformed))]
        ),
        (
            "user name with a line break",
            [SASLStep(.start(bytes("tim\r\nroot")), .fail(.malformed))]
        ),
        (
            "empty password",
            [
                SASLStep(.start(bytes("tim")), .sendChallenge(bytes("Password:"))),
                SASLStep(.receive([]), .fail(.malformed)),
            ]
        ),
        (
            "password with NUL",
            [
                SASLStep(.start(bytes("tim")), .sendChallenge(bytes("Password:"))),
                SASLStep(.receive(bytes("pass\0word")), .fail(.malformed)),
            ]
        ),
        (
            "password verified before it was asked for",
            [
                SASLStep(.start(bytes("tim")), .sendChallenge(bytes("Password:"))),
                SASLStep(.passwordVerified(true), .fail(.malformed)),
            ]
        ),
    ]

    @Test(arguments: dialogues)
    func dialogue(_ name: String, steps: [SASLStep]) {
        var server = SASLFixtures.server(.login)
        #expect(server.replay(steps) == steps.map(\.action), "\(name)")
    }
}
