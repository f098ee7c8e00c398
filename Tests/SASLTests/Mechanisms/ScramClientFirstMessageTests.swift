import Testing

@testable import SASL

struct ScramClientFirstMessageTests {
    @Test(arguments: [
        ("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", "n,,", String?.none, "user", "rOprNGfwEbeRWgbNEkqO", "n=user,r=rOprNGfwEbeRWgbNEkqO"),
        ("y,,n=user,r=abc", "y,,", nil, "user", "abc", "n=user,r=abc"),
        ("n,a=user,n=user,r=abc", "n,a=user,", "user", "user", "abc", "n=user,r=abc"),
        ("n,a==2C=3D,n==3D=2C,r=abc", "n,a==2C=3D,", ",=", "=,", "abc", "n==3D=2C,r=abc"),
        ("n,,n=user,r=!\"#$%&'()*+-./:;<=>?@[\\]^_`{|}~", "n,,", nil, "user", "!\"#$%&'()*+-./:;<=>?@[\\]^_`{|}~", nil),
        ("n,,n=user,r=abc,x=1,Y=z=2", "n,,", nil, "user", "abc", "n=user,r=abc,x=1,Y=z=2"),
        ("n,,n=j\u{00F6}rg,r=abc", "n,,", nil, "j\u{00F6}rg", "abc", nil),
    ])
    func parses(
        _ message: String, gs2Header: String, authzid: String?, username: String, nonce: String, bare: String?
    ) throws {
        let parsed = try ScramClientFirstMessage.parse(bytes(message))
        #expect(parsed.gs2Header == bytes(gs2Header))
        #expect(parsed.authzid == authzid)
        #expect(parsed.username == username)
        #expect(parsed.clientNonce == nonce)
        #expect(parsed.bare == bytes(bare ?? String(message.dropFirst(gs2Header.count))))
    }

    static let longName = String(repeating: "u", count: SASLLimits.maximumUsernameByteCount + 1)

    @Test(arguments: [
        "",
        "n",
        "n,",
        "n,,",
        "n,,n=user",  // no nonce
        "n,,r=abc",  // no name
        "n,,r=abc,n=user",  // wrong order
        "x,,n=user,r=abc",  // unknown flag
        "N,,n=user,r=abc",  // flags and names are case-sensitive
        "n,,N=user,r=abc",
        "n,,n=user,R=abc",
        "p=,,n=user,r=abc",  // channel binding without a name
        "p=tls unique,,n=user,r=abc",
        "n,,m=ext,n=user,r=abc",  // mandatory extension
        "n,,n=user,r=abc,m=ext",
        "n,a=,n=user,r=abc",  // empty authzid
        "n,b=user,n=user,r=abc",
        "n,,n=,r=abc",  // empty name
        "n,,n=us=er,r=abc",  // "=" not followed by 2C or 3D
        "n,,n=user=,r=abc",
        "n,,n=user=2,r=abc",
        "n,,n=user=2c,r=abc",
        "n,,n=user,r=",  // empty nonce
        "n,,n=user,r=a b",  // space is not printable
        "n,,n=user,r=ab\u{00E9}",  // nor is non-ASCII
        "n,,n=user,r=abc,",  // empty extension
        "n,,n=user,r=abc,x=",  // extension without value
        "n,,n=user,r=abc,1=x",  // extension name not a letter
        "n,,n=user,r=abc,xy=z",
        "n,,n=us\u{0}er,r=abc",
        "n,,n=us\ter,r=abc",
        "n,,n=\(longName),r=abc",
    ])
    func rejectsMalformed(_ message: String) {
        #expect(throws: SASLFailure.malformed) { try ScramClientFirstMessage.parse(bytes(message)) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: SASLFailure.malformed) { try ScramClientFirstMessage.parse(bytes("n,,n=") + [0xC3] + bytes(",r=abc")) }
    }

    @Test(arguments: ["p=tls-unique,,n=user,r=abc", "p=tls-server-end-point,,n=user,r=abc", "p=tls-exporter,a=u,n=u,r=x"])
    func refusesChannelBinding(_ message: String) {
        #expect(throws: SASLFailure.channelBindingNotSupported) { try ScramClientFirstMessage.parse(bytes(message)) }
    }
}
