import Testing

@testable import SASL

struct ScramClientFinalMessageTests {
    static let proof = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="

    @Test(arguments: [
        ("c=biws,r=abc,p=\(proof)", "n,,", "abc", "c=biws,r=abc"),
        ("c=eSws,r=abc%def,p=\(proof)", "y,,", "abc%def", "c=eSws,r=abc%def"),
        ("c=bixhPXVzZXIs,r=abc,x=1,y=2,p=\(proof)", "n,a=user,", "abc", "c=bixhPXVzZXIs,r=abc,x=1,y=2"),
    ])
    func parses(_ message: String, channelBinding: String, nonce: String, withoutProof: String) throws {
        let parsed = try ScramClientFinalMessage.parse(bytes(message))
        #expect(parsed.channelBinding == bytes(channelBinding))
        #expect(parsed.nonce == nonce)
        #expect(parsed.proof == base64Bytes(Self.proof))
        #expect(parsed.withoutProof == bytes(withoutProof))
    }

    @Test(arguments: [
        "",
        "c=biws",
        "c=biws,r=abc",
        "c=biws,r=abc,p=",
        "c=,r=abc,p=\(proof)",  // empty channel binding
        "c=biws,r=,p=\(proof)",  // empty nonce
        "r=abc,c=biws,p=\(proof)",  // wrong order
        "c=biws,p=\(proof),r=abc",
        "c=biws,r=abc,p=\(proof),x=1",  // proof not last
        "c=biws,r=abc,m=1,p=\(proof)",  // mandatory extension
        "c=biws,r=abc,,p=\(proof)",
        "C=biws,r=abc,p=\(proof)",
        "c=biws,r=abc,P=\(proof)",
        "c=biw,r=abc,p=\(proof)",  // not base64
        "c=bix=,r=abc,p=\(proof)",  // non-zero padding bits
        "c=biws,r=abc,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ",  // unpadded
        "c=biws,r=abc,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=\n",
        "c=biws,r=abc,p=dHzbZapWIk4jUhN+Ute9yg==",  // 16 bytes
        "c=biws,r=abc,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVRB",  // 33 bytes
        "c=biws,r=a\u{0}c,p=\(proof)",
    ])
    func rejectsMalformed(_ message: String) {
        #expect(throws: SASLFailure.malformed) { try ScramClientFinalMessage.parse(bytes(message)) }
    }
}
