import ManageSieve
import NIOCore
import Testing

/// The encoder, byte for byte.
@Suite struct ManageSieveResponseTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let response: ManageSieveResponse
        let wire: String
        var testDescription: String { escaped(Array(wire.utf8)) }

        init(_ response: ManageSieveResponse, _ wire: String) {
            self.response = response
            self.wire = wire
        }
    }

    static let vectors: [Vector] = [
        Vector(.ok(nil, nil), "OK\r\n"),
        Vector(.ok(nil, "Done"), "OK \"Done\"\r\n"),
        Vector(.no(nil, "There is no script by that name"), "NO \"There is no script by that name\"\r\n"),
        Vector(.no(.active, "You may not delete an active script"), "NO (ACTIVE) \"You may not delete an active script\"\r\n"),
        Vector(.bye(nil, "Too many failed authentication attempts"), "BYE \"Too many failed authentication attempts\"\r\n"),
        Vector(.bye(.tryLater, nil), "BYE (TRYLATER)\r\n"),
        Vector(.no(.authTooWeak, nil), "NO (AUTH-TOO-WEAK)\r\n"),
        Vector(.no(.encryptNeeded, nil), "NO (ENCRYPT-NEEDED)\r\n"),
        Vector(.no(.quota, nil), "NO (QUOTA)\r\n"),
        Vector(.no(.quotaMaxScripts, nil), "NO (QUOTA/MAXSCRIPTS)\r\n"),
        Vector(.no(.quotaMaxSize, "Quota exceeded"), "NO (QUOTA/MAXSIZE) \"Quota exceeded\"\r\n"),
        Vector(.no(.transitionNeeded, nil), "NO (TRANSITION-NEEDED)\r\n"),
        Vector(.no(.nonexistent, nil), "NO (NONEXISTENT)\r\n"),
        Vector(.no(.alreadyExists, nil), "NO (ALREADYEXISTS)\r\n"),
        Vector(.ok(.warnings, "line 3: unused"), "OK (WARNINGS) \"line 3: unused\"\r\n"),
        Vector(.bye(.referral("sieve://sieve.example.com"), nil), "BYE (REFERRAL sieve://sieve.example.com)\r\n"),
        Vector(.bye(.referral("sieve://x/a b)"), nil), "BYE (REFERRAL sieve://x/a%20b%29)\r\n"),
        Vector(.ok(.sasl(Array("v=abc".utf8)), nil), "OK (SASL \"dj1hYmM=\")\r\n"),
        Vector(.ok(.tag("STARTTLS-SYNC-42"), "Done"), "OK (TAG \"STARTTLS-SYNC-42\") \"Done\"\r\n"),
        // RFC 5804 §2.13 sends the tag as a literal; quoting is as good where it can be used.
        Vector(.ok(.tag("a\r\nb"), "Done"), "OK (TAG {4}\r\na\r\nb) \"Done\"\r\n"),
        Vector(.no(nil, "say \"hi\" \\ bye"), "NO \"say \\\"hi\\\" \\\\ bye\"\r\n"),
        // RFC 5804 §2.8: a multi-line message goes as a literal.
        Vector(.no(nil, "This is a multiline\r\nerror message"), "NO {34}\r\nThis is a multiline\r\nerror message\r\n"),
        Vector(.no(nil, String(repeating: "x", count: 1_024)), "NO \"\(String(repeating: "x", count: 1_024))\"\r\n"),
        Vector(.no(nil, String(repeating: "x", count: 1_025)), "NO {1025}\r\n\(String(repeating: "x", count: 1_025))\r\n"),
        Vector(.no(nil, String(repeating: "\"", count: 600)), "NO {600}\r\n\(String(repeating: "\"", count: 600))\r\n"),
        Vector(.no(nil, "nul\u{0}"), "NO {4}\r\nnul\u{0}\r\n"),
        Vector(.no(nil, "j\u{F6}rg"), "NO \"j\u{F6}rg\"\r\n"),
        // RFC 5804 §1.7.
        Vector(
            .capabilities([
                ManageSieveCapability("IMPLEMENTATION", "Example1 ManageSieved v001"),
                ManageSieveCapability("SASL", "DIGEST-MD5 GSSAPI"), ManageSieveCapability("SIEVE", "fileinto vacation"),
                ManageSieveCapability("StartTLS"), ManageSieveCapability("NOTIFY", "xmpp mailto"),
                ManageSieveCapability("MAXREDIRECTS", "5"), ManageSieveCapability("VERSION", "1.0"),
            ]),
            """
            "IMPLEMENTATION" "Example1 ManageSieved v001"\r
            "SASL" "DIGEST-MD5 GSSAPI"\r
            "SIEVE" "fileinto vacation"\r
            "StartTLS"\r
            "NOTIFY" "xmpp mailto"\r
            "MAXREDIRECTS" "5"\r
            "VERSION" "1.0"\r
            OK\r

            """),
        Vector(.capabilities([ManageSieveCapability("SASL", "")]), "\"SASL\" \"\"\r\nOK\r\n"),
        // RFC 5804 §2.7.
        Vector(
            .scriptList([
                ManageSieveScriptEntry(name: "summer_script"), ManageSieveScriptEntry(name: "vac\u{E4}tion_script"),
                ManageSieveScriptEntry(name: "clever\"script"), ManageSieveScriptEntry(name: "main_script", isActive: true),
            ]),
            "\"summer_script\"\r\n\"vac\u{E4}tion_script\"\r\n\"clever\\\"script\"\r\n\"main_script\" ACTIVE\r\nOK\r\n"),
        Vector(.scriptList([]), "OK\r\n"),
        // RFC 5804 §2.9.
        Vector(
            .script("#this is my wonderful script\r\nreject \"I reject all\";\r\n"),
            "{54}\r\n#this is my wonderful script\r\nreject \"I reject all\";\r\n\r\nOK\r\n"),
        Vector(.script(""), "{0}\r\n\r\nOK\r\n"),
        Vector(.saslChallenge([]), "\"\"\r\n"),
        Vector(.saslChallenge(Array("r=abc,s=QSXCR+Q6sek8bf92,i=4096".utf8)), "\"cj1hYmMscz1RU1hDUitRNnNlazhiZjkyLGk9NDA5Ng==\"\r\n"),
    ]

    @Test(arguments: vectors)
    func encodesExactly(_ vector: Vector) {
        var buffer = ByteBuffer()
        vector.response.encode(into: &buffer)
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == vector.wire)
    }
}
