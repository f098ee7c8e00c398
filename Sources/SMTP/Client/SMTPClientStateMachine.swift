/// The client side of one outbound SMTP session that relays one message: greeting,
/// EHLO (or HELO), STARTTLS, AUTH PLAIN, then MAIL, RCPT for each recipient, DATA and
/// QUIT. Pure: the driver feeds it events (a reply, TLS up, the body sent, the connection
/// gone) and performs the ``SMTPClientAction``s each event returns, in order.
///
/// Policy:
/// - STARTTLS is used whenever offered; without it, ``SMTPClientConfiguration/requireTLS``
///   fails the session temporarily before any envelope is sent (RFC 3207 §4).
/// - After TLS the client forgets what the server announced and says EHLO again
///   (RFC 3207 §4.2).
/// - With PIPELINING, MAIL, every RCPT and DATA go out as one batch, and QUIT follows the
///   data; the replies are still read one for one, in order (RFC 2920 §3.1).
/// - If no recipient was accepted, the data is not sent, or, when a pipelined DATA was
///   accepted anyway, is ended at once with a lone dot (RFC 2920 §3.1).
/// - 421 at any point ends the session at once as a temporary failure (RFC 5321 §3.8).
/// - A connection lost after the data was sent and before its reply counts as a temporary
///   failure, even though the server may have taken the message; a retry may then deliver
///   it twice, which RFC 5321 §6.1 accepts over losing it.
///
/// ``SMTPClientAction/finished(_:)`` comes exactly once; events after ``SMTPClientAction/close``
/// are ignored.
/// - SeeAlso: RFC 5321 §3, §4.1, Appendix D.1
public struct SMTPClientStateMachine: Sendable {
    public let configuration: SMTPClientConfiguration
    public let envelope: SMTPClientEnvelope
    /// What the server announced in its latest EHLO reply; none before it, after HELO, and
    /// after TLS until the next EHLO reply.
    public internal(set) var extensions = SMTPAnnouncedExtensions()
    /// True once the connection is protected by TLS.
    public internal(set) var isTLSActive: Bool

    var state: State = .awaitingGreeting
    /// The replies to the RCPTs, by envelope index; nil until read.
    var recipientReplies: [SMTPReply?]
    /// MAIL's refusal, which fails every recipient whatever their RCPT replies say.
    var senderFailure: SMTPDeliveryResult.Failure?
    /// The transaction's commands whose replies are still due, in the order sent.
    var awaitedReplies: [TransactionStep] = []
    /// True when QUIT went out right behind the data, in the same batch.
    var isQuitPipelined = false

    public init(configuration: SMTPClientConfiguration, envelope: SMTPClientEnvelope) {
        self.configuration = configuration
        self.envelope = envelope
        self.isTLSActive = configuration.isImplicitTLS
        self.recipientReplies = Array(repeating: nil, count: envelope.recipients.count)
    }

    /// True once the session has reported its result and closed or been closed.
    public var isDone: Bool {
        if case .done = state { true } else { false }
    }

    enum State: Sendable, Equatable {
        case awaitingGreeting
        case awaitingEHLO
        case awaitingHELO
        case awaitingSTARTTLS
        case awaitingTLSHandshake
        case awaitingAuthentication
        case awaitingTransactionReplies
        case sendingMessage
        case awaitingMessageReply
        case awaitingEmptyDataReply
        /// The result was reported and QUIT sent; its reply, whatever it is, ends the session.
        case quitting
        case done
    }

    /// A transaction command whose reply is awaited.
    enum TransactionStep: Sendable, Equatable {
        case mail
        case recipient(Int)
        case data
    }

    /// How a session that has its result ends.
    enum Ending {
        /// Send QUIT and close after its reply: the server is still talking to us.
        case quit
        /// Close at once: the server is closing, or the stream cannot be trusted.
        case close
    }
}

// MARK: - Events

extension SMTPClientStateMachine {
    /// The server sent a whole reply.
    public mutating func receivedReply(_ reply: SMTPReply) -> [SMTPClientAction] {
        switch state {
        case .done:
            return []
        case .quitting:
            state = .done
            return [.close]
        case .awaitingTLSHandshake:
            // Bytes after STARTTLS's 220 and before the handshake: injected in plain text.
            return finish(.init(.temporary, .protocolViolation, reply: reply), then: .close)
        default:
            break
        }
        if reply.code == 421 {
            return finish(.init(.temporary, .serviceClosing, reply: reply), then: .close)
        }
        switch state {
        case .awaitingGreeting: return greetingReceived(reply)
        case .awaitingEHLO: return ehloReplied(reply)
        case .awaitingHELO: return heloReplied(reply)
        case .awaitingSTARTTLS: return startTLSReplied(reply)
        case .awaitingAuthentication: return authenticationReplied(reply)
        case .awaitingTransactionReplies: return transactionReplied(reply)
        case .sendingMessage: return replyDuringMessage(reply)
        case .awaitingMessageReply: return messageReplied(reply)
        case .awaitingEmptyDataReply: return finish(nil, then: .quit)
        case .awaitingTLSHandshake, .quitting, .done: return []  // handled above
        }
    }

    /// The parser threw on the server's bytes: the stream cannot be trusted any more.
    public mutating func receivedInvalidReply(_ error: SMTPReplyParseError) -> [SMTPClientAction] {
        closeAfterResult(.init(.temporary, .protocolViolation))
    }

    /// The TLS handshake that ``SMTPClientAction/startTLS`` asked for completed.
    public mutating func tlsEstablished() -> [SMTPClientAction] {
        switch state {
        case .awaitingTLSHandshake:
            isTLSActive = true
            extensions = SMTPAnnouncedExtensions()
            return sayHello()
        case .quitting, .done:
            return []
        default:
            preconditionFailure("tlsEstablished() without a .startTLS action")
        }
    }

    /// The driver has written the whole message in DATA form, terminator included.
    public mutating func dataSent() -> [SMTPClientAction] {
        switch state {
        case .sendingMessage:
            state = .awaitingMessageReply
            guard extensions.pipelining else { return [] }
            isQuitPipelined = true
            return [.send(.quit)]
        case .quitting, .done:
            return []
        default:
            preconditionFailure("dataSent() without a .sendMessageBody action")
        }
    }

    /// The connection ended, whoever ended it.
    public mutating func connectionClosed() -> [SMTPClientAction] {
        switch state {
        case .done:
            return []
        case .quitting:
            state = .done
            return []
        default:
            let outcome = result(sessionFailure: .init(.temporary, .connectionLost))
            state = .done
            return [.finished(outcome)]
        }
    }

    /// The driver's timer for the awaited reply or write expired (RFC 5321 §4.5.3.2).
    public mutating func timedOut() -> [SMTPClientAction] {
        closeAfterResult(.init(.temporary, .timedOut))
    }

    /// Ends the session at once with `failure`, or just closes if the result is out.
    private mutating func closeAfterResult(_ failure: SMTPDeliveryResult.Failure) -> [SMTPClientAction] {
        switch state {
        case .done:
            return []
        case .quitting:
            state = .done
            return [.close]
        default:
            return finish(failure, then: .close)
        }
    }
}
