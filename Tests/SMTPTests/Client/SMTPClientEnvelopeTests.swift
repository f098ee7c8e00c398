import SMTP
import Testing

struct SMTPClientEnvelopeTests {
    @Test(
        "paths that could break the command line are refused",
        arguments: ["a@b\r\nRCPT TO:<evil@example.org>", "<a@b>", "a@b>", "a\u{0}@b", "a\t@b", "", String(repeating: "a", count: 255)])
    func invalidPaths(_ path: String) {
        #expect(throws: SMTPClientEnvelopeError.invalidPath(path)) { try SMTPClientRecipient(path) }
        guard !path.isEmpty else { return }  // an empty sender is the null reverse path
        #expect(throws: SMTPClientEnvelopeError.invalidPath(path)) {
            try SMTPClientEnvelope(sender: path, recipients: [try SMTPClientRecipient("x@y")])
        }
    }

    @Test("the longest path is accepted, and so is a quoted local part with a space")
    func validPaths() throws {
        _ = try SMTPClientRecipient(String(repeating: "a", count: 254))
        _ = try SMTPClientRecipient("\"john doe\"@example.org")
        _ = try SMTPClientRecipient("Postmaster")
    }

    @Test("an envelope needs a recipient, a non-negative size and a short enough ENVID")
    func envelopeChecks() throws {
        let recipient = try SMTPClientRecipient("x@y")
        #expect(throws: SMTPClientEnvelopeError.noRecipients) { try SMTPClientEnvelope(sender: "", recipients: []) }
        #expect(throws: SMTPClientEnvelopeError.invalidSize) { try SMTPClientEnvelope(sender: "", recipients: [recipient], size: -1) }
        #expect(throws: SMTPClientEnvelopeError.invalidEnvelopeID) {
            try SMTPClientEnvelope(sender: "", recipients: [recipient], envelopeID: "")
        }
        _ = try SMTPClientEnvelope(sender: "", recipients: [recipient], envelopeID: String(repeating: "q", count: 100))
        #expect(throws: SMTPClientEnvelopeError.invalidEnvelopeID) {
            try SMTPClientEnvelope(sender: "", recipients: [recipient], envelopeID: String(repeating: "q", count: 101))
        }
        // 34 plus signs are 102 octets of xtext.
        #expect(throws: SMTPClientEnvelopeError.invalidEnvelopeID) {
            try SMTPClientEnvelope(sender: "", recipients: [recipient], envelopeID: String(repeating: "+", count: 34))
        }
    }

    @Test("ORCPT must fit RFC 3461 §4.2's 500 octets once encoded")
    func originalRecipientLimit() throws {
        _ = try SMTPClientRecipient("x@y", originalRecipient: String(repeating: "o", count: 493))
        #expect(throws: SMTPClientEnvelopeError.invalidOriginalRecipient) {
            try SMTPClientRecipient("x@y", originalRecipient: String(repeating: "o", count: 494))
        }
        #expect(throws: SMTPClientEnvelopeError.invalidOriginalRecipient) { try SMTPClientRecipient("x@y", originalRecipient: "") }
    }

    @Test("a UTF-8 path makes the envelope need SMTPUTF8")
    func utf8PathNeedsSMTPUTF8() throws {
        let ascii = try SMTPClientEnvelope(sender: "a@b", recipients: [try SMTPClientRecipient("x@y")])
        #expect(!ascii.requiresSMTPUTF8)
        let utf8Recipient = try SMTPClientEnvelope(sender: "a@b", recipients: [try SMTPClientRecipient("j\u{F6}rg@y")])
        #expect(utf8Recipient.requiresSMTPUTF8)
        let utf8Sender = try SMTPClientEnvelope(sender: "\u{7528}@b", recipients: [try SMTPClientRecipient("x@y")])
        #expect(utf8Sender.requiresSMTPUTF8)
    }

    @Test(
        "the EHLO name is a domain or an address literal",
        arguments: ["bar.com", "mail-1.example.org", "[192.0.2.1]", "[IPv6:2001:db8::1]", "localhost"])
    func validHeloNames(_ name: String) throws {
        #expect(try SMTPClientConfiguration(heloName: name).heloName == name)
    }

    @Test(
        "anything else is refused as EHLO name",
        arguments: ["", "bar com", "bar.com\r\nMAIL FROM:<x>", "[]", "[192.0.2.1", "b\u{E4}r.com", String(repeating: "a", count: 256)])
    func invalidHeloNames(_ name: String) {
        #expect(throws: SMTPClientConfigurationError.invalidHeloName) { try SMTPClientConfiguration(heloName: name) }
    }

    @Test("credentials must be non-empty and free of NUL (RFC 4616 §2)")
    func credentialChecks() {
        for (user, password) in [("", "secret"), ("tim", ""), ("t\u{0}im", "secret"), ("tim", "sec\u{0}ret")] {
            #expect(throws: SMTPClientConfigurationError.invalidCredentials) {
                try SMTPClientConfiguration(heloName: "bar.com", credentials: .init(user: user, password: password))
            }
        }
    }
}
