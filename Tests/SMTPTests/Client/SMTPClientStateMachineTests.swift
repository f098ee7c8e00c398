import SMTP
import Testing

/// Whole sessions, starting with the RFCs' own examples.
struct SMTPClientStateMachineTests {
    @Test("RFC 5321 Appendix D.1: a typical transaction, one recipient refused")
    func rfc5321AppendixD1() throws {
        let envelope = try ClientFixture.envelope("Smith@bar.com", "Jones@foo.com", "Green@foo.com", "Brown@foo.com")
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(), envelope: envelope, message: "Blah blah blah...\r\n...etc. etc. etc.\r\n")
        // The second body line starts with a dot, so the client doubles it on the wire.
        session.run(
            """
            S: 220 foo.com Simple Mail Transfer Service Ready
            C: EHLO bar.com
            S: 250-foo.com greets bar.com
            S: 250-8BITMIME
            S: 250-SIZE
            S: 250-DSN
            S: 250 HELP
            C: MAIL FROM:<Smith@bar.com>
            S: 250 OK
            C: RCPT TO:<Jones@foo.com>
            S: 250 OK
            C: RCPT TO:<Green@foo.com>
            S: 550 No such user here
            C: RCPT TO:<Brown@foo.com>
            S: 250 OK
            C: DATA
            S: 354 Start mail input; end with <CRLF>.<CRLF>
            C: Blah blah blah...
            C: ....etc. etc. etc.
            C: .
            S: 250 OK
            C: QUIT
            S: 221 foo.com Service closing transmission channel
            -- close
            """)
        let ok = SMTPReply(250, nil, "OK")
        #expect(
            session.result()
                == SMTPDeliveryResult(
                    recipients: [
                        ClientFixture.delivered("Jones@foo.com", ok),
                        ClientFixture.refused("Green@foo.com", SMTPReply(550, nil, "No such user here")),
                        ClientFixture.delivered("Brown@foo.com", ok),
                    ],
                    sessionFailure: nil))
        #expect(session.result()?.deliveredRecipients == ["Jones@foo.com", "Brown@foo.com"])
    }

    @Test("RFC 2920 §3.2: MAIL, the RCPTs and DATA in one batch, QUIT right behind the data")
    func rfc2920Pipelining() throws {
        let envelope = try ClientFixture.envelope("mrose@dbc.mtview.ca.us", "ned@innosoft.com", "dan@innosoft.com", "kvc@innosoft.com")
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(heloName: "dbc.mtview.ca.us"), envelope: envelope, message: "Hi\r\n")
        session.run(
            """
            S: 220 innosoft.com SMTP service ready
            C: EHLO dbc.mtview.ca.us
            S: 250-innosoft.com
            S: 250 PIPELINING
            C: MAIL FROM:<mrose@dbc.mtview.ca.us>
            C: RCPT TO:<ned@innosoft.com>
            C: RCPT TO:<dan@innosoft.com>
            C: RCPT TO:<kvc@innosoft.com>
            C: DATA
            S: 250 sender <mrose@dbc.mtview.ca.us> OK
            S: 250 recipient <ned@innosoft.com> OK
            S: 250 recipient <dan@innosoft.com> OK
            S: 250 recipient <kvc@innosoft.com> OK
            S: 354 enter mail, end with line containing only "."
            C: Hi
            C: .
            C: QUIT
            S: 250 message sent
            S: 221 goodbye
            -- close
            """)
        let sent = SMTPReply(250, nil, "message sent")
        #expect(session.result()?.deliveredRecipients == ["ned@innosoft.com", "dan@innosoft.com", "kvc@innosoft.com"])
        #expect(session.result()?.recipients.allSatisfy { $0.status == .delivered(sent) } == true)
        #expect(session.result()?.sessionFailure == nil)
    }

    @Test("RFC 2920 §3.2: every recipient refused in a batch, DATA refused, no data sent")
    func rfc2920PipeliningAllRefused() throws {
        let envelope = try ClientFixture.envelope("mrose@dbc.mtview.ca.us", "ned@innosoft.com", "dan@innosoft.com")
        var session = SMTPClientTranscript(configuration: try ClientFixture.configuration(heloName: "dbc.mtview.ca.us"), envelope: envelope)
        session.run(
            """
            S: 220 innosoft.com SMTP service ready
            C: EHLO dbc.mtview.ca.us
            S: 250-innosoft.com
            S: 250 PIPELINING
            C: MAIL FROM:<mrose@dbc.mtview.ca.us>
            C: RCPT TO:<ned@innosoft.com>
            C: RCPT TO:<dan@innosoft.com>
            C: DATA
            S: 250 sender <mrose@dbc.mtview.ca.us> OK
            S: 550 remote mail to <ned@innosoft.com> not allowed
            S: 550 remote mail to <dan@innosoft.com> not allowed
            S: 554 no valid recipients given
            C: QUIT
            S: 221 goodbye
            -- close
            """)
        #expect(
            session.result()
                == SMTPDeliveryResult(
                    recipients: [
                        ClientFixture.refused("ned@innosoft.com", SMTPReply(550, nil, "remote mail to <ned@innosoft.com> not allowed")),
                        ClientFixture.refused("dan@innosoft.com", SMTPReply(550, nil, "remote mail to <dan@innosoft.com> not allowed")),
                    ],
                    sessionFailure: nil))
    }

    @Test("a pipelined DATA accepted with no recipient is ended at once with a lone dot (RFC 2920 §3.1)")
    func pipelinedDataAcceptedWithoutRecipients() throws {
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        session.run(
            """
            S: 220 foo.com ESMTP
            C: EHLO bar.com
            S: 250-foo.com
            S: 250 PIPELINING
            C: MAIL FROM:<a@bar.com>
            C: RCPT TO:<x@foo.com>
            C: DATA
            S: 250 OK
            S: 550 5.1.1 no such user
            S: 354 go ahead
            C: .
            S: 554 5.5.1 no valid recipients
            C: QUIT
            S: 221 bye
            -- close
            """)
        #expect(session.result()?.recipients == [ClientFixture.refused("x@foo.com", SMTPReply(550, "5.1.1", "no such user"))])
        #expect(session.result()?.sessionFailure == nil)
    }

    @Test("a pipelined MAIL refused fails every recipient, whatever the RCPT replies say")
    func pipelinedSenderRefused() throws {
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        session.run(
            """
            S: 220 foo.com ESMTP
            C: EHLO bar.com
            S: 250-foo.com
            S: 250 PIPELINING
            C: MAIL FROM:<a@bar.com>
            C: RCPT TO:<x@foo.com>
            C: DATA
            S: 550 5.7.1 sender rejected
            S: 503 5.5.1 need MAIL first
            S: 503 5.5.1 need MAIL first
            C: QUIT
            S: 221 bye
            -- close
            """)
        let failure = SMTPDeliveryResult.Failure(.permanent, .senderRefused, reply: SMTPReply(550, "5.7.1", "sender rejected"))
        #expect(session.result() == SMTPDeliveryResult(recipients: [ClientFixture.failed("x@foo.com", failure)], sessionFailure: failure))
    }

    @Test("STARTTLS, then EHLO again, then AUTH PLAIN under TLS (RFC 3207 §4.2, RFC 4954 §4)")
    func startTLSThenAuthPlain() throws {
        let configuration = try ClientFixture.configuration(
            heloName: "relay.example.net", requireTLS: true, credentials: ClientFixture.credentials)
        let envelope = try SMTPClientEnvelope(sender: "tim@example.net", recipients: [try SMTPClientRecipient("ann@example.org")], size: 7)
        var session = SMTPClientTranscript(configuration: configuration, envelope: envelope)
        session.run(
            """
            S: 220 mx.example.org ESMTP
            C: EHLO relay.example.net
            S: 250-mx.example.org
            S: 250-AUTH PLAIN
            S: 250-PIPELINING
            S: 250 STARTTLS
            C: STARTTLS
            S: 220 2.0.0 Ready to start TLS
            -- TLS
            C: EHLO relay.example.net
            S: 250-mx.example.org
            S: 250-AUTH LOGIN PLAIN
            S: 250-ENHANCEDSTATUSCODES
            S: 250 SIZE 1000000
            C: AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm
            S: 235 2.7.0 Authentication successful
            C: MAIL FROM:<tim@example.net> SIZE=7
            S: 250 2.1.0 OK
            C: RCPT TO:<ann@example.org>
            S: 250 2.1.5 OK
            C: DATA
            S: 354 Go ahead
            C: Hello
            C: .
            S: 250 2.0.0 queued as 1234
            C: QUIT
            S: 221 2.0.0 bye
            -- close
            """)
        #expect(session.result()?.recipients == [ClientFixture.delivered("ann@example.org", SMTPReply(250, "2.0.0", "queued as 1234"))])
        #expect(session.machine.isTLSActive)
        // What the server said before TLS is forgotten: no PIPELINING after the second EHLO.
        #expect(!session.machine.extensions.pipelining)
    }

    @Test("with implicit TLS, AUTH goes out at once and no STARTTLS is sent (RFC 8314 §3)")
    func implicitTLS() throws {
        let configuration = try ClientFixture.configuration(requireTLS: true, isImplicitTLS: true, credentials: ClientFixture.credentials)
        var session = SMTPClientTranscript(configuration: configuration, envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        session.run(
            """
            S: 220 foo.com ESMTP
            C: EHLO bar.com
            S: 250-foo.com
            S: 250 AUTH PLAIN
            C: AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm
            S: 235 ok
            C: MAIL FROM:<a@bar.com>
            S: 250 ok
            C: RCPT TO:<x@foo.com>
            S: 250 ok
            C: DATA
            S: 354 go
            C: Hello
            C: .
            S: 250 ok
            C: QUIT
            S: 221 bye
            -- close
            """)
        #expect(session.result()?.deliveredRecipients == ["x@foo.com"])
    }
}
