import SMTP
import Testing

/// Events the transcripts cannot easily reach: lost connections, timeouts, replies at the
/// wrong moment, and events after the end.
struct SMTPClientStateMachineEventTests {
    private typealias Failure = SMTPDeliveryResult.Failure

    /// A machine that has sent DATA for `x@foo.com` (accepted) and `y@foo.com` (refused)
    /// and been told to send the body.
    private static func machineSendingBody(pipelining: Bool = false) throws -> SMTPClientStateMachine {
        var machine = SMTPClientStateMachine(
            configuration: try ClientFixture.configuration(), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com", "y@foo.com"))
        _ = machine.receivedReply(SMTPReply(220, nil, "foo.com"))
        _ = machine.receivedReply(SMTPReply(250, nil, pipelining ? ["foo.com", "PIPELINING"] : ["foo.com"]))
        _ = machine.receivedReply(SMTPReply(250, nil, "OK"))
        _ = machine.receivedReply(SMTPReply(250, nil, "OK"))
        _ = machine.receivedReply(SMTPReply(550, nil, "no"))
        #expect(machine.receivedReply(SMTPReply(354, nil, "go")) == [.sendMessageBody])
        return machine
    }

    @Test("connection lost before the greeting: a temporary failure and nothing to close")
    func lostBeforeGreeting() throws {
        var machine = SMTPClientStateMachine(
            configuration: try ClientFixture.configuration(), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        let lost = Failure(.temporary, .connectionLost)
        #expect(
            machine.connectionClosed() == [.finished(.init(recipients: [ClientFixture.failed("x@foo.com", lost)], sessionFailure: lost))])
        #expect(machine.isDone)
        #expect(machine.connectionClosed() == [])
        #expect(machine.receivedReply(SMTPReply(220, nil, "late")) == [])
    }

    @Test("connection lost after the data and before its reply: accepted recipients fail temporarily")
    func lostAfterData() throws {
        var machine = try Self.machineSendingBody()
        #expect(machine.dataSent() == [])
        let lost = Failure(.temporary, .connectionLost)
        let expected = SMTPDeliveryResult(
            recipients: [ClientFixture.failed("x@foo.com", lost), ClientFixture.refused("y@foo.com", SMTPReply(550, nil, "no"))],
            sessionFailure: lost)
        #expect(machine.connectionClosed() == [.finished(expected)])
    }

    @Test("with PIPELINING, QUIT follows the data at once; its reply closes the session")
    func pipelinedQuit() throws {
        var machine = try Self.machineSendingBody(pipelining: true)
        #expect(machine.dataSent() == [.send(.quit)])
        let actions = machine.receivedReply(SMTPReply(250, nil, "queued"))
        #expect(actions.count == 1)
        #expect(machine.receivedReply(SMTPReply(221, nil, "bye")) == [.close])
        #expect(machine.isDone)
    }

    @Test("a reply while the body is being sent: the message is refused and the client closes")
    func replyDuringBody() throws {
        var machine = try Self.machineSendingBody()
        let reply = SMTPReply(552, "5.3.4", "message too big")
        let failure = Failure(.permanent, .messageRefused, reply: reply)
        let expected = SMTPDeliveryResult(
            recipients: [ClientFixture.failed("x@foo.com", failure), ClientFixture.refused("y@foo.com", SMTPReply(550, nil, "no"))],
            sessionFailure: failure)
        #expect(machine.receivedReply(reply) == [.finished(expected), .close])
        #expect(machine.dataSent() == [])
    }

    @Test("a reply between STARTTLS's 220 and the handshake is injected: the client closes (RFC 3207 §4.2)")
    func replyBeforeTLS() throws {
        var machine = SMTPClientStateMachine(
            configuration: try ClientFixture.configuration(), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        #expect(machine.receivedReply(SMTPReply(220, nil, "foo.com")) == [.send(.ehlo("bar.com"))])
        #expect(machine.receivedReply(SMTPReply(250, nil, ["foo.com", "STARTTLS"])) == [.send(.startTLS)])
        #expect(machine.receivedReply(SMTPReply(220, nil, "go ahead")) == [.startTLS])
        let injected = SMTPReply(250, nil, ["foo.com", "AUTH PLAIN"])
        let failure = Failure(.temporary, .protocolViolation, reply: injected)
        #expect(
            machine.receivedReply(injected) == [
                .finished(.init(recipients: [ClientFixture.failed("x@foo.com", failure)], sessionFailure: failure)), .close,
            ])
        #expect(machine.tlsEstablished() == [])
    }

    @Test("bytes that are not a reply: a protocol violation, and the client closes")
    func invalidReply() throws {
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        session.run(
            """
            S: 220 foo.com ESMTP
            C: EHLO bar.com
            S: +OK this is POP3
            -- close
            """)
        #expect(session.result()?.sessionFailure == Failure(.temporary, .protocolViolation))
    }

    @Test("a 3yz where 2yz, 4yz or 5yz belongs: a protocol violation")
    func unexpectedIntermediateReply() throws {
        var session = SMTPClientTranscript(
            configuration: try ClientFixture.configuration(), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        session.run("S: 220 foo.com\nC: EHLO bar.com\nS: 250 foo.com\nC: MAIL FROM:<a@bar.com>\nS: 354 what\n-- close")
        #expect(session.result()?.sessionFailure == Failure(.temporary, .protocolViolation, reply: SMTPReply(354, nil, "what")))
    }

    @Test("a timeout ends the session at once; after QUIT it only closes")
    func timeouts() throws {
        var machine = SMTPClientStateMachine(
            configuration: try ClientFixture.configuration(), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        _ = machine.receivedReply(SMTPReply(220, nil, "foo.com"))
        let timedOut = Failure(.temporary, .timedOut)
        #expect(
            machine.timedOut() == [
                .finished(.init(recipients: [ClientFixture.failed("x@foo.com", timedOut)], sessionFailure: timedOut)), .close,
            ])
        #expect(machine.timedOut() == [])

        var quitting = SMTPClientStateMachine(
            configuration: try ClientFixture.configuration(), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        let refused = quitting.receivedReply(SMTPReply(554, nil, "no"))
        #expect(refused.last == .send(.quit))
        #expect(quitting.timedOut() == [.close])
        #expect(quitting.isDone)
    }

    @Test("after QUIT, a lost connection or a broken reply ends the session without a second result")
    func endsAfterQuit() throws {
        var lost = SMTPClientStateMachine(
            configuration: try ClientFixture.configuration(), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        _ = lost.receivedReply(SMTPReply(554, nil, "no"))
        #expect(lost.connectionClosed() == [])
        #expect(lost.isDone)
        var broken = SMTPClientStateMachine(
            configuration: try ClientFixture.configuration(), envelope: try ClientFixture.envelope("a@bar.com", "x@foo.com"))
        _ = broken.receivedReply(SMTPReply(554, nil, "no"))
        #expect(broken.receivedInvalidReply(.malformedCode) == [.close])
        #expect(broken.receivedInvalidReply(.malformedCode) == [])
    }
}
