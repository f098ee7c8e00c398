import NIOCore
import Testing

@testable import SMTP

private func wire(_ command: SMTPClientCommand) -> String {
    var buffer = ByteBuffer()
    command.encode(into: &buffer)
    return String(buffer: buffer)
}

struct SMTPClientCommandTests {
    static let credentials = SMTPClientConfiguration.Credentials(user: "tim", password: "tanstaaftanstaaf")

    static let vectors: [(SMTPClientCommand, String)] = [
        (.ehlo("bar.com"), "EHLO bar.com\r\n"),
        (.helo("[192.0.2.1]"), "HELO [192.0.2.1]\r\n"),
        (.startTLS, "STARTTLS\r\n"),
        // RFC 4616 §4's example message, as RFC 4954 §4's initial response.
        (.authPlain(credentials), "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n"),
        (.mail(reversePath: "Smith@bar.com", parameters: []), "MAIL FROM:<Smith@bar.com>\r\n"),
        (.mail(reversePath: "", parameters: []), "MAIL FROM:<>\r\n"),
        (
            .mail(reversePath: "a@b.example", parameters: [.init("SIZE", "1000"), .init("BODY", "8BITMIME"), .init("SMTPUTF8")]),
            "MAIL FROM:<a@b.example> SIZE=1000 BODY=8BITMIME SMTPUTF8\r\n"
        ),
        (.recipient(forwardPath: "Jones@foo.com", parameters: []), "RCPT TO:<Jones@foo.com>\r\n"),
        (
            .recipient(forwardPath: "c@d.example", parameters: [.init("NOTIFY", "SUCCESS,FAILURE"), .init("ORCPT", "rfc822;c@d.example")]),
            "RCPT TO:<c@d.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;c@d.example\r\n"
        ),
        (.data, "DATA\r\n"),
        (.endOfData, ".\r\n"),
        (.reset, "RSET\r\n"),
        (.quit, "QUIT\r\n"),
    ]

    @Test("every command encodes as RFC 5321 §4.1 spells it")
    func encoding() {
        for (command, expected) in Self.vectors {
            #expect(wire(command) == expected)
        }
    }

    @Test("the description hides AUTH's initial response and shows the rest")
    func description() {
        #expect(SMTPClientCommand.authPlain(Self.credentials).description == "AUTH PLAIN <secret>")
        #expect(!"\(SMTPClientCommand.authPlain(Self.credentials))".contains("tanstaaf"))
        #expect(!"\(Self.credentials)".contains("tanstaaf"))
        #expect(SMTPClientCommand.mail(reversePath: "", parameters: [.init("SIZE", "1")]).description == "MAIL FROM:<> SIZE=1")
    }

    @Test(
        "xtext escapes +, = and octets outside ! to ~ (RFC 3461 §4)",
        arguments: [
            ("QQ314159", "QQ314159"),
            ("a+b=c", "a+2Bb+3Dc"),
            ("two words", "two+20words"),
            ("j\u{F6}rg", "j+C3+B6rg"),
            ("!~", "!~"),
            ("\u{7F}\u{0}", "+7F+00"),
            ("", ""),
        ])
    func xtext(_ text: String, _ expected: String) {
        #expect(SMTPClientCommand.Parameter.xtext(text) == expected)
    }

    @Test(
        "base64 matches RFC 4648 §10's test vectors",
        arguments: [("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
    func base64(_ text: String, _ expected: String) {
        #expect(SMTPClientBase64.encode(Array(text.utf8)) == Array(expected.utf8))
    }

    @Test("an empty initial response is sent as =")
    func emptyBase64() {
        #expect(SMTPClientBase64.encode([]) == Array("=".utf8))
    }

    @Test("all 256 octet values survive base64")
    func base64AllOctets() {
        let encoded = SMTPClientBase64.encode(Array(0...255))
        #expect(encoded.count == 344)
        #expect(String(decoding: encoded.suffix(8), as: UTF8.self) == "/P3+/w==")
    }
}
