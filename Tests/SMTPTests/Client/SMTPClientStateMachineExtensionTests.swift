import SMTP
import Testing

/// HELO fallback, AUTH, and the MAIL and RCPT parameters that depend on what the server
/// announced.
struct SMTPClientStateMachineExtensionTests {
    private typealias Failure = SMTPDeliveryResult.Failure

    /// An envelope that asks for every parameter there is.
    private static func richEnvelope(body: SMTPClientEnvelope.Body = .sevenBit, requiresSMTPUTF8: Bool = false) throws -> SMTPClientEnvelope
    {
        try SMTPClientEnvelope(
            sender: "a@bar.com",
            recipients: [try SMTPClientRecipient("x@foo.com", notify: [.failure, .delay], originalRecipient: "x+tag@foo.com")],
            size: 1234, returnContent: .headers, envelopeID: "QQ=314159", body: body, requiresSMTPUTF8: requiresSMTPUTF8)
    }

    /// The opening up to the point where MAIL goes out, with `lines` announced after EHLO.
    private static func opening(_ lines: [String]) -> String {
        (["S: 220 foo.com ESMTP", "C: EHLO bar.com", lines.isEmpty ? "S: 250 foo.com" : "S: 250-foo.com"]
            + lines.enumerated().map { "S: 250\($0.offset == lines.count - 1 ? " " : "-")\($0.element)" }).joined(separator: "\n")
    }

    /// The session after MAIL went out, when RCPT has no parameters.
    private static let rest = "S: 250 OK\nC: RCPT TO:<x@foo.com>\n" + afterRecipient

    /// The session after RCPT went out.
    private static let afterRecipient = """
        S: 250 OK
        C: DATA
        S: 354 go
        C: Hello
        C: .
        S: 250 OK
        C: QUIT
        S: 221 bye
        -- close
        """

    @Test("EHLO refused with 502: HELO, and no extension parameters at all (RFC 5321 §3.2)")
    func heloFallback() throws {
        var session = SMTPClientTranscript(configuration: try ClientFixture.configuration(), envelope: try Self.richEnvelope())
        session.run(
            """
            S: 220 foo.com ESMTP
            C: EHLO bar.com
            S: 502 5.5.2 command not recognized
            C: HELO bar.com
            S: 250 foo.com
            C: MAIL FROM:<a@bar.com>
            """ + "\n" + Self.rest)
        #expect(session.result()?.deliveredRecipients == ["x@foo.com"])
    }

    @Test("HELO refused too, or EHLO refused with 4yz: the session fails")
    func helloRefused() throws {
        var bothRefused = SMTPClientTranscript(configuration: try ClientFixture.configuration(), envelope: try Self.richEnvelope())
        bothRefused.run("S: 220 foo.com\nC: EHLO bar.com\nS: 500 what\nC: HELO bar.com\nS: 550 go away\nC: QUIT\nS: 221 bye\n-- close")
        #expect(bothRefused.result()?.sessionFailure == Failure(.permanent, .helloRefused, reply: SMTPReply(550, nil, "go away")))
        var transient = SMTPClientTranscript(configuration: try ClientFixture.configuration(), envelope: try Self.richEnvelope())
        transient.run("S: 220 foo.com\nC: EHLO bar.com\nS: 451 try later\nC: QUIT\nS: 221 bye\n-- close")
        #expect(transient.result()?.sessionFailure == Failure(.temporary, .helloRefused, reply: SMTPReply(451, nil, "try later")))
    }

    @Test("HELO fallback where TLS is required: no STARTTLS without EHLO, so a temporary failure")
    func heloFallbackWithRequiredTLS() throws {
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(requireTLS: true), envelope: try Self.richEnvelope())
        session.run("S: 220 foo.com\nC: EHLO bar.com\nS: 502 no\nC: HELO bar.com\nS: 250 foo.com\nC: QUIT\nS: 221 bye\n-- close")
        #expect(session.result()?.sessionFailure == Failure(.temporary, .tlsUnavailable))
    }

    @Test("DSN, SIZE and BODY parameters go out only where announced (RFC 3461 §4, RFC 1870 §6, RFC 6152 §3)")
    func parametersWhereAnnounced() throws {
        var all = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(), envelope: try Self.richEnvelope(body: .eightBitMIME))
        all.run(
            Self.opening(["DSN", "SIZE 10000", "8BITMIME"])
                + "\nC: MAIL FROM:<a@bar.com> SIZE=1234 BODY=8BITMIME RET=HDRS ENVID=QQ+3D314159\n"
                + "S: 250 OK\nC: RCPT TO:<x@foo.com> NOTIFY=FAILURE,DELAY ORCPT=rfc822;x+2Btag@foo.com\n" + Self.afterRecipient)
        var none = SMTPClientTranscript(configuration: try ClientFixture.configuration(), envelope: try Self.richEnvelope())
        none.run(Self.opening([]) + "\nC: MAIL FROM:<a@bar.com>\n" + Self.rest)
        var sizeOnly = SMTPClientTranscript(configuration: try ClientFixture.configuration(), envelope: try Self.richEnvelope())
        sizeOnly.run(Self.opening(["SIZE"]) + "\nC: MAIL FROM:<a@bar.com> SIZE=1234\n" + Self.rest)
    }

    @Test("a message above the announced SIZE fails permanently before MAIL (RFC 1870 §6)")
    func messageTooLarge() throws {
        var session = SMTPClientTranscript(configuration: try ClientFixture.configuration(), envelope: try Self.richEnvelope())
        session.run(Self.opening(["SIZE 1000"]) + "\nC: QUIT\nS: 221 bye\n-- close")
        #expect(session.result()?.sessionFailure == Failure(.permanent, .messageTooLarge))
    }

    @Test("SMTPUTF8 is sent where needed and announced, with BODY=8BITMIME; refused where not announced")
    func smtpUTF8() throws {
        let envelope = try ClientFixture.envelope("a@bar.com", "j\u{F6}rg@foo.com")
        var announced = SMTPClientTranscript(configuration: try ClientFixture.configuration(), envelope: envelope)
        announced.run(
            Self.opening(["8BITMIME", "SMTPUTF8"]) + "\nC: MAIL FROM:<a@bar.com> BODY=8BITMIME SMTPUTF8\n"
                + Self.rest.replacing("x@foo.com", with: "j\u{F6}rg@foo.com"))
        var missing = SMTPClientTranscript(configuration: try ClientFixture.configuration(), envelope: envelope)
        missing.run(Self.opening(["8BITMIME"]) + "\nC: QUIT\nS: 221 bye\n-- close")
        #expect(missing.result()?.sessionFailure == Failure(.permanent, .smtpUTF8Unavailable))
    }

    @Test("an 8-bit body where 8BITMIME is not announced fails permanently (RFC 6152 §3)")
    func eightBitMIMEMissing() throws {
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(), envelope: try Self.richEnvelope(body: .eightBitMIME))
        session.run(Self.opening(["DSN"]) + "\nC: QUIT\nS: 221 bye\n-- close")
        #expect(session.result()?.sessionFailure == Failure(.permanent, .eightBitMIMEUnavailable))
    }

    @Test("credentials are never sent in plain text unless allowed")
    func noPlaintextAuthentication() throws {
        let configuration = try ClientFixture.configuration(credentials: ClientFixture.credentials)
        var session = SMTPClientTranscript(configuration: configuration, envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        session.run(Self.opening(["AUTH PLAIN"]) + "\nC: QUIT\nS: 221 bye\n-- close")
        #expect(session.result()?.sessionFailure == Failure(.temporary, .authenticationUnavailable))

        let allowed = try ClientFixture.configuration(credentials: ClientFixture.credentials, allowPlaintextAuth: true)
        var plain = SMTPClientTranscript(configuration: allowed, envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        plain.run(
            Self.opening(["AUTH PLAIN"]) + "\nC: AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\nS: 235 ok\nC: MAIL FROM:<a@bar.com>\n" + Self.rest
        )
        #expect(plain.result()?.deliveredRecipients == ["x@foo.com"])
    }

    @Test("no AUTH PLAIN on offer: temporary failure")
    func noPlainMechanism() throws {
        let configuration = try ClientFixture.configuration(isImplicitTLS: true, credentials: ClientFixture.credentials)
        var session = SMTPClientTranscript(configuration: configuration, envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        session.run(Self.opening(["AUTH LOGIN CRAM-MD5"]) + "\nC: QUIT\nS: 221 bye\n-- close")
        #expect(session.result()?.sessionFailure == Failure(.temporary, .authenticationUnavailable))
    }

    @Test("credentials refused: temporary failure, even for 535 (RFC 4954 §6)")
    func authenticationFailed() throws {
        let configuration = try ClientFixture.configuration(isImplicitTLS: true, credentials: ClientFixture.credentials)
        var session = SMTPClientTranscript(configuration: configuration, envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        session.run(
            Self.opening(["AUTH PLAIN"])
                + "\nC: AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\nS: 535 5.7.8 Authentication credentials invalid\nC: QUIT\nS: 221 bye\n-- close"
        )
        let reply = SMTPReply(535, "5.7.8", "Authentication credentials invalid")
        #expect(session.result()?.sessionFailure == Failure(.temporary, .authenticationFailed, reply: reply))
    }

    @Test("a 334 challenge after PLAIN's initial response: the client closes instead of answering")
    func unexpectedChallenge() throws {
        let configuration = try ClientFixture.configuration(isImplicitTLS: true, credentials: ClientFixture.credentials)
        var session = SMTPClientTranscript(configuration: configuration, envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        session.run(Self.opening(["AUTH PLAIN"]) + "\nC: AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\nS: 334 \n-- close")
        #expect(session.result()?.sessionFailure == Failure(.temporary, .authenticationFailed, reply: SMTPReply(334, nil, "")))
    }
}
