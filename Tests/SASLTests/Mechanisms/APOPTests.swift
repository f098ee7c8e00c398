import Crypto
import Testing

@testable import SASL

struct APOPTests {
    /// RFC 1939 §7 example.
    enum RFC1939 {
        static let timestamp = "<1896.697170952@dbc.mtview.ca.us>"
        static let secret = "tanstaaf"
        static let digest = "c4c9334bac560ecc979e58001b3e22fb"
    }

    @Test func rfc1939Example() {
        #expect(APOP.timestamp(unique: "1896.697170952", host: "dbc.mtview.ca.us") == RFC1939.timestamp)
        #expect(APOP.verify(digest: RFC1939.digest, timestamp: RFC1939.timestamp, secret: RFC1939.secret))
    }

    @Test(arguments: [
        (RFC1939.digest.uppercased(), RFC1939.timestamp, RFC1939.secret, true),
        (RFC1939.digest, RFC1939.timestamp, "tanstaaF", false),  // wrong secret
        (RFC1939.digest, "<1896.697170953@dbc.mtview.ca.us>", RFC1939.secret, false),  // another greeting
        (RFC1939.digest, RFC1939.timestamp, "", false),  // no secret
        ("c4c9334bac560ecc979e58001b3e22fc", RFC1939.timestamp, RFC1939.secret, false),
        ("c4c9334bac560ecc979e58001b3e22f", RFC1939.timestamp, RFC1939.secret, false),  // 31 digits
        ("c4c9334bac560ecc979e58001b3e22fb00", RFC1939.timestamp, RFC1939.secret, false),  // 34 digits
        ("c4c9334bac560ecc979e58001b3e22fg", RFC1939.timestamp, RFC1939.secret, false),  // not hex
        (" c4c9334bac560ecc979e58001b3e22fb", RFC1939.timestamp, RFC1939.secret, false),
        ("", RFC1939.timestamp, RFC1939.secret, false),
    ])
    func verifies(_ digest: String, timestamp: String, secret: String, expected: Bool) {
        #expect(APOP.verify(digest: digest, timestamp: timestamp, secret: secret) == expected)
    }

    /// The right digest of an empty secret is still refused: no account has one, and an
    /// unknown user is checked with an empty secret.
    @Test func emptySecretNeverMatches() {
        let digest = Hex.encode(Insecure.MD5.hash(data: Array(RFC1939.timestamp.utf8)))
        #expect(digest.utf8.count == 32)
        #expect(!APOP.verify(digest: digest, timestamp: RFC1939.timestamp, secret: ""))
    }

    @Test func timestampsDifferByUniquePart() {
        #expect(APOP.timestamp(unique: "1.2", host: "h") != APOP.timestamp(unique: "1.3", host: "h"))
        #expect(APOP.timestamp(unique: "4711.1700000000", host: "pop.example.org") == "<4711.1700000000@pop.example.org>")
    }
}
