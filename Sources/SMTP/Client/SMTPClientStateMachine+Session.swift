/// The session before the transaction: greeting, EHLO or HELO, STARTTLS and AUTH.
extension SMTPClientStateMachine {
    // Greeting = ( "220 " (Domain / address-literal) [ SP textstring ] CRLF ) / ...
    /// 220 opens the session; 554 (RFC 5321 §3.1) or any 4yz/5yz refuses it, and the
    /// client still says QUIT, as §3.1 asks.
    mutating func greetingReceived(_ reply: SMTPReply) -> [SMTPClientAction] {
        if reply.code == 220 { return sayHello() }
        guard reply.isTransient || reply.isPermanent else { return violation(reply) }
        return finish(.init(.greetingRefused, reply: reply), then: .quit)
    }

    mutating func sayHello() -> [SMTPClientAction] {
        state = .awaitingEHLO
        return [.send(.ehlo(configuration.heloName))]
    }

    /// A 5yz to EHLO means the server does not know it: fall back to HELO (RFC 5321 §3.2).
    /// A 4yz is a temporary refusal of the session.
    mutating func ehloReplied(_ reply: SMTPReply) -> [SMTPClientAction] {
        if reply.isPositive {
            extensions = SMTPAnnouncedExtensions(ehloReply: reply)
            return helloAccepted()
        }
        if reply.isPermanent {
            state = .awaitingHELO
            return [.send(.helo(configuration.heloName))]
        }
        guard reply.isTransient else { return violation(reply) }
        return finish(.init(.helloRefused, reply: reply), then: .quit)
    }

    mutating func heloReplied(_ reply: SMTPReply) -> [SMTPClientAction] {
        if reply.isPositive {
            extensions = SMTPAnnouncedExtensions()
            return helloAccepted()
        }
        guard !reply.isIntermediate else { return violation(reply) }
        return finish(.init(.helloRefused, reply: reply), then: .quit)
    }

    /// Starts TLS where it is offered and not yet up; fails here if it is required and
    /// cannot be had (RFC 3207 §4).
    mutating func helloAccepted() -> [SMTPClientAction] {
        if !isTLSActive {
            if extensions.startTLS {
                state = .awaitingSTARTTLS
                return [.send(.startTLS)]
            }
            if configuration.requireTLS { return finish(.init(.temporary, .tlsUnavailable), then: .quit) }
        }
        return authenticate()
    }

    /// 220 to STARTTLS: the driver starts the handshake. A refusal (454, or 5yz) leaves the
    /// session in plain text, where it may go on unless TLS is required (RFC 3207 §4).
    mutating func startTLSReplied(_ reply: SMTPReply) -> [SMTPClientAction] {
        if reply.isPositive {
            state = .awaitingTLSHandshake
            return [.startTLS]
        }
        guard !reply.isIntermediate else { return violation(reply) }
        if configuration.requireTLS { return finish(.init(.temporary, .tlsUnavailable, reply: reply), then: .quit) }
        return authenticate()
    }

    /// AUTH PLAIN with an initial response, where credentials are configured; they travel
    /// only under TLS unless plain text is explicitly allowed (RFC 4954 §4, RFC 4616 §6).
    mutating func authenticate() -> [SMTPClientAction] {
        guard let credentials = configuration.credentials else { return beginTransaction() }
        guard isTLSActive || configuration.allowPlaintextAuth, extensions.authenticationMechanisms.contains("PLAIN") else {
            return finish(.init(.temporary, .authenticationUnavailable), then: .quit)
        }
        state = .awaitingAuthentication
        return [.send(.authPlain(credentials))]
    }

    /// 235 goes on to the transaction. Any refusal is temporary (see
    /// ``SMTPDeliveryResult/Failure/Reason/authenticationFailed``). A 334 challenge cannot follow
    /// PLAIN's initial response; the server then waits for SASL data, which QUIT is not,
    /// so the connection is closed instead (RFC 4954 §4).
    mutating func authenticationReplied(_ reply: SMTPReply) -> [SMTPClientAction] {
        if reply.isPositive { return beginTransaction() }
        let failure = SMTPDeliveryResult.Failure(.temporary, .authenticationFailed, reply: reply)
        return finish(failure, then: reply.isIntermediate ? .close : .quit)
    }

    /// A reply that cannot come at this point: the stream cannot be trusted any more.
    mutating func violation(_ reply: SMTPReply) -> [SMTPClientAction] {
        finish(.init(.temporary, .protocolViolation, reply: reply), then: .close)
    }
}
