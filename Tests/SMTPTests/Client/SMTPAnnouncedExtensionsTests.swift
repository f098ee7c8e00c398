import SMTP
import Testing

struct SMTPAnnouncedExtensionsTests {
    @Test("a full EHLO reply is read keyword by keyword, without regard to case")
    func fullReply() {
        let reply = SMTPReply(
            250, nil,
            [
                "mx.example.org Hello", "PIPELINING", "size 10240000", "STARTTLS", "AUTH PLAIN login", "dsn", "8BITMIME",
                "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "X-UNKNOWN foo",
            ])
        let extensions = SMTPAnnouncedExtensions(ehloReply: reply)
        #expect(extensions.pipelining)
        #expect(extensions.size)
        #expect(extensions.sizeLimit == 10_240_000)
        #expect(extensions.startTLS)
        #expect(extensions.authenticationMechanisms == ["PLAIN", "LOGIN"])
        #expect(extensions.deliveryStatusNotification)
        #expect(extensions.eightBitMIME)
        #expect(extensions.smtpUTF8)
        #expect(extensions.enhancedStatusCodes)
    }

    @Test("the first line is the server's name, never a keyword")
    func firstLineIsIgnored() {
        let extensions = SMTPAnnouncedExtensions(ehloReply: SMTPReply(250, nil, "PIPELINING"))
        #expect(extensions == SMTPAnnouncedExtensions())
    }

    @Test(
        "SIZE without a number, or 0, announces SIZE with no fixed limit (RFC 1870 §4)",
        arguments: ["SIZE", "SIZE 0", "SIZE junk"])
    func sizeWithoutLimit(_ line: String) {
        let extensions = SMTPAnnouncedExtensions(ehloReply: SMTPReply(250, nil, ["mx", line]))
        #expect(extensions.size)
        #expect(extensions.sizeLimit == nil)
    }

    @Test("AUTH lines add up, and empty lines are skipped")
    func authLinesAddUp() {
        let extensions = SMTPAnnouncedExtensions(ehloReply: SMTPReply(250, nil, ["mx", "AUTH LOGIN", "", "AUTH  CRAM-MD5 PLAIN"]))
        #expect(extensions.authenticationMechanisms == ["LOGIN", "CRAM-MD5", "PLAIN"])
    }
}
