import SMTP
import Testing

/// Sessions that fail, as a whole or for some recipients.
struct SMTPClientStateMachineFailureTests {
    private typealias Failure = SMTPDeliveryResult.Failure

    @Test("of three recipients, one refused 550 and one 450: per-recipient results")
    func mixedRecipientReplies() throws {
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(),
            envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com", "y@foo.com", "z@foo.com"))
        session.run(
            """
            S: 220 foo.com ESMTP
            C: EHLO bar.com
            S: 250 foo.com
            C: MAIL FROM:<a@bar.com>
            S: 250 2.1.0 OK
            C: RCPT TO:<x@foo.com>
            S: 550 5.1.1 no such user
            C: RCPT TO:<y@foo.com>
            S: 450 4.2.1 mailbox busy
            C: RCPT TO:<z@foo.com>
            S: 250 2.1.5 OK
            C: DATA
            S: 354 go
            C: Hello
            C: .
            S: 250 2.0.0 queued
            C: QUIT
            S: 221 bye
            -- close
            """)
        let busy = SMTPReply(450, "4.2.1", "mailbox busy")
        #expect(
            session.result()
                == SMTPDeliveryResult(
                    recipients: [
                        ClientFixture.refused("x@foo.com", SMTPReply(550, "5.1.1", "no such user")),
                        ClientFixture.failed("y@foo.com", Failure(.temporary, .recipientRefused, reply: busy)),
                        ClientFixture.delivered("z@foo.com", SMTPReply(250, "2.0.0", "queued")),
                    ],
                    sessionFailure: nil))
    }

    @Test("every recipient refused: no DATA, straight to QUIT")
    func allRecipientsRefused() throws {
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com", "y@foo.com"))
        session.run(
            """
            S: 220 foo.com ESMTP
            C: EHLO bar.com
            S: 250 foo.com
            C: MAIL FROM:<a@bar.com>
            S: 250 OK
            C: RCPT TO:<x@foo.com>
            S: 550 no
            C: RCPT TO:<y@foo.com>
            S: 451 later
            C: QUIT
            S: 221 bye
            -- close
            """)
        #expect(session.result()?.sessionFailure == nil)
        #expect(session.result()?.deliveredRecipients == [])
        #expect(
            session.result()?.recipients.last
                == ClientFixture.failed("y@foo.com", Failure(.temporary, .recipientRefused, reply: SMTPReply(451, nil, "later"))))
    }

    @Test("421 at the greeting: temporary, and the client just closes (RFC 5321 §3.8)")
    func serviceClosingAtGreeting() throws {
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        session.run(
            """
            S: 421 4.3.2 foo.com too busy, try later
            -- close
            """)
        let failure = Failure(.temporary, .serviceClosing, reply: SMTPReply(421, "4.3.2", "foo.com too busy, try later"))
        #expect(session.result() == SMTPDeliveryResult(recipients: [ClientFixture.failed("x@foo.com", failure)], sessionFailure: failure))
    }

    @Test("554 at the greeting: permanent, and the client still says QUIT (RFC 5321 §3.1)")
    func greetingRefused() throws {
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        session.run(
            """
            S: 554 foo.com no SMTP service here
            C: QUIT
            S: 221 bye
            -- close
            """)
        #expect(
            session.result()?.sessionFailure
                == Failure(.permanent, .greetingRefused, reply: SMTPReply(554, nil, "foo.com no SMTP service here")))
    }

    @Test("421 in the middle of the recipients: refusals stand, the rest fail temporarily")
    func serviceClosingMidTransaction() throws {
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(),
            envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com", "y@foo.com", "z@foo.com"))
        session.run(
            """
            S: 220 foo.com ESMTP
            C: EHLO bar.com
            S: 250 foo.com
            C: MAIL FROM:<a@bar.com>
            S: 250 OK
            C: RCPT TO:<x@foo.com>
            S: 550 no
            C: RCPT TO:<y@foo.com>
            S: 250 OK
            C: RCPT TO:<z@foo.com>
            S: 421 shutting down
            -- close
            """)
        let closing = Failure(.temporary, .serviceClosing, reply: SMTPReply(421, nil, "shutting down"))
        #expect(
            session.result()
                == SMTPDeliveryResult(
                    recipients: [
                        ClientFixture.refused("x@foo.com", SMTPReply(550, nil, "no")), ClientFixture.failed("y@foo.com", closing),
                        ClientFixture.failed("z@foo.com", closing),
                    ],
                    sessionFailure: closing))
    }

    @Test("MAIL refused: permanent for 5yz, and no RCPT is sent")
    func senderRefused() throws {
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        session.run(
            """
            S: 220 foo.com ESMTP
            C: EHLO bar.com
            S: 250 foo.com
            C: MAIL FROM:<a@bar.com>
            S: 553 5.7.1 sender not allowed
            C: QUIT
            S: 221 bye
            -- close
            """)
        #expect(
            session.result()?.sessionFailure == Failure(.permanent, .senderRefused, reply: SMTPReply(553, "5.7.1", "sender not allowed")))
    }

    @Test("DATA refused, then the end of data refused: the accepted recipients fail")
    func messageRefused() throws {
        for (reply, severity) in [
            (SMTPReply(554, "5.6.0", "content rejected"), Failure.Severity.permanent), (SMTPReply(452, nil, "disk full"), .temporary),
        ] {
            var atData = SMTPClientTranscript(
                configuration: try ClientFixture.configuration(),
                envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com", "y@foo.com"))
            var atEnd = atData
            let line = "S: \(reply.code) \(reply.enhancedCode.map { $0 + " " } ?? "")\(reply.lines[0])"
            let opening = """
                S: 220 foo.com ESMTP
                C: EHLO bar.com
                S: 250 foo.com
                C: MAIL FROM:<a@bar.com>
                S: 250 OK
                C: RCPT TO:<x@foo.com>
                S: 250 OK
                C: RCPT TO:<y@foo.com>
                S: 550 no
                C: DATA

                """
            atData.run(opening + line + "\nC: QUIT\nS: 221 bye\n-- close")
            atEnd.run(opening + "S: 354 go\nC: Hello\nC: .\n" + line + "\nC: QUIT\nS: 221 bye\n-- close")
            let failure = Failure(severity, .messageRefused, reply: reply)
            let expected = SMTPDeliveryResult(
                recipients: [ClientFixture.failed("x@foo.com", failure), ClientFixture.refused("y@foo.com", SMTPReply(550, nil, "no"))],
                sessionFailure: failure)
            #expect(atData.result() == expected)
            #expect(atEnd.result() == expected)
        }
    }

    @Test("TLS required but not offered: temporary failure, QUIT, and no MAIL")
    func tlsRequiredNotOffered() throws {
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(requireTLS: true), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com")
        )
        session.run(
            """
            S: 220 foo.com ESMTP
            C: EHLO bar.com
            S: 250-foo.com
            S: 250 PIPELINING
            C: QUIT
            S: 221 bye
            -- close
            """)
        let failure = Failure(.temporary, .tlsUnavailable)
        #expect(session.result() == SMTPDeliveryResult(recipients: [ClientFixture.failed("x@foo.com", failure)], sessionFailure: failure))
    }

    @Test("TLS required and STARTTLS refused: temporary failure with the reply")
    func tlsRequiredRefused() throws {
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(requireTLS: true), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com")
        )
        session.run(
            """
            S: 220 foo.com ESMTP
            C: EHLO bar.com
            S: 250-foo.com
            S: 250 STARTTLS
            C: STARTTLS
            S: 454 4.7.0 TLS not available due to temporary reason
            C: QUIT
            S: 221 bye
            -- close
            """)
        let reply = SMTPReply(454, "4.7.0", "TLS not available due to temporary reason")
        #expect(session.result()?.sessionFailure == Failure(.temporary, .tlsUnavailable, reply: reply))
    }

    @Test("STARTTLS refused where TLS is not required: the session goes on in plain text")
    func opportunisticTLSRefused() throws {
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        session.run(
            """
            S: 220 foo.com ESMTP
            C: EHLO bar.com
            S: 250-foo.com
            S: 250 STARTTLS
            C: STARTTLS
            S: 454 4.7.0 not now
            C: MAIL FROM:<a@bar.com>
            S: 250 OK
            C: RCPT TO:<x@foo.com>
            S: 250 OK
            C: DATA
            S: 354 go
            C: Hello
            C: .
            S: 250 OK
            C: QUIT
            S: 221 bye
            -- close
            """)
        #expect(session.result()?.deliveredRecipients == ["x@foo.com"])
        #expect(!session.machine.isTLSActive)
    }
}
