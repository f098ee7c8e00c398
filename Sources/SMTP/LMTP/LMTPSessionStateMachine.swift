/// One LMTP session (RFC 2033) as a pure state machine: commands and the results of the
/// driver's work go in, actions come out. It owns the protocol's rules — order of
/// commands, ESMTP parameters, limits, which reply when — and nothing else: where a
/// recipient's mail goes (`Route`) and how a message is stored are the driver's.
///
/// Extensions: PIPELINING (RFC 2920), ENHANCEDSTATUSCODES (RFC 2034, codes of RFC 3463),
/// 8BITMIME (RFC 6152), SIZE (RFC 1870), DSN (RFC 3461), SMTPUTF8 (RFC 6531) and
/// CHUNKING (RFC 3030).
public struct LMTPSessionStateMachine<Route: Sendable>: Sendable {
    public let configuration: LMTPSessionConfiguration

    enum State: Sendable {
        case awaitingLHLO
        case ready
        case transaction(LMTPTransaction<Route>)
        case checkingRecipient(LMTPTransaction<Route>, pending: LMTPRecipient<Void>)
        case receivingMessage(LMTPTransaction<Route>)
        case betweenChunks(LMTPTransaction<Route>)
        case receivingChunk(LMTPTransaction<Route>, last: Bool)
        /// Reading past a refused BDAT chunk; then back to `ready`, or to `awaitingLHLO`
        /// when LHLO was not given yet.
        case skippingChunk(greeted: Bool)
        case delivering(LMTPTransaction<Route>)
        case closed
    }

    var state = State.awaitingLHLO
    private var errors = 0

    public init(configuration: LMTPSessionConfiguration) {
        self.configuration = configuration
    }

    /// The 220 greeting.
    public func greeting() -> LMTPSessionAction<Route> {
        .send([SMTPReply(220, nil, "\(configuration.hostname) LMTP Popstore ready")], close: false)
    }

    /// The reply to LHLO: the extensions this server speaks (no enhanced code, RFC 2034 §3).
    public var lhloReply: SMTPReply {
        SMTPReply(
            250, nil,
            [
                configuration.hostname, "PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME", "SIZE \(configuration.maximumMessageSize)",
                "DSN", "SMTPUTF8", "CHUNKING",
            ])
    }

    // MARK: - Commands

    public mutating func command(_ command: SMTPCommand) -> LMTPSessionAction<Route> {
        switch (command, state) {
        case (_, .closed), (_, .checkingRecipient), (_, .receivingMessage), (_, .receivingChunk), (_, .skippingChunk), (_, .delivering):
            preconditionFailure("a command while the driver is busy: the driver reads one thing at a time")
        case (.quit, _):
            let open = isMessageOpen
            state = .closed
            let bye = SMTPReply(221, "2.0.0", "\(configuration.hostname) closing connection")
            return open ? .abandonMessage(replies: [bye], close: true) : .send([bye], close: true)
        case (.lhlo, _):
            let open = isMessageOpen
            state = .ready
            return open ? .abandonMessage(replies: [lhloReply], close: false) : .send([lhloReply], close: false)
        case (.helo, _), (.ehlo, _):
            return refuse(SMTPReply(500, "5.5.1", "This is LMTP: use LHLO (RFC 2033)"))
        case (.noop, _):
            return reply(SMTPReply(250, "2.0.0", "OK"))
        case (.rset, _):
            let open = isMessageOpen
            if case .awaitingLHLO = state {} else { state = .ready }
            let ok = SMTPReply(250, "2.0.0", "Reset")
            return open ? .abandonMessage(replies: [ok], close: false) : .send([ok], close: false)
        case (.vrfy, _):
            return reply(SMTPReply(252, "2.5.0", "Cannot verify the user; send the message and delivery will be attempted"))
        case (.help, _):
            return reply(SMTPReply(214, "2.0.0", "Commands: LHLO MAIL RCPT DATA BDAT RSET NOOP VRFY QUIT"))
        case (.starttls, _):
            return refuse(SMTPReply(502, "5.5.1", "STARTTLS is not offered on LMTP"))
        case (.bdat(let size, _), .awaitingLHLO):
            // The chunk follows the command whatever the answer, and must be read past.
            errors += 1
            state = .skippingChunk(greeted: false)
            return .skipChunk(size: size, reply: SMTPReply(503, "5.5.1", "Send LHLO first"))
        case (_, .awaitingLHLO):
            return refuse(SMTPReply(503, "5.5.1", "Send LHLO first"))
        case (.mail(let path, let parameters), .ready):
            return mail(path, parameters)
        case (.mail, _):
            return refuse(SMTPReply(503, "5.5.1", "Nested MAIL command"))
        case (.rcpt(let path, let parameters), .transaction(let transaction)):
            return rcpt(path, parameters, transaction)
        case (.rcpt, .betweenChunks):
            return refuse(SMTPReply(503, "5.5.1", "RCPT after BDAT"))
        case (.rcpt, _):
            return refuse(SMTPReply(503, "5.5.1", "Need MAIL before RCPT"))
        case (.data, .transaction(let transaction)):
            guard !transaction.recipients.isEmpty else { return refuse(SMTPReply(503, "5.5.1", "No valid recipients")) }
            state = .receivingMessage(transaction)
            return .receiveMessage(transaction, reply: SMTPReply(354, nil, "End data with <CR><LF>.<CR><LF>"))
        case (.data, .betweenChunks):
            return refuse(SMTPReply(503, "5.5.1", "DATA after BDAT"))
        case (.data, _):
            return refuse(SMTPReply(503, "5.5.1", "Need MAIL and RCPT before DATA"))
        case (.bdat(let size, let last), .transaction(let transaction)) where !transaction.recipients.isEmpty:
            guard size <= configuration.maximumMessageSize else {
                state = .skippingChunk(greeted: true)
                return .skipChunk(size: size, reply: SMTPReply(552, "5.3.4", "Message too big for this system"))
            }
            state = .receivingChunk(transaction, last: last)
            return .receiveChunk(size: size, last: last, opening: transaction)
        case (.bdat(let size, let last), .betweenChunks(let transaction)):
            state = .receivingChunk(transaction, last: last)
            return .receiveChunk(size: size, last: last, opening: nil)
        case (.bdat(let size, _), _):
            // The chunk follows the command whatever the answer, and must be read past.
            errors += 1
            state = .skippingChunk(greeted: true)
            return .skipChunk(size: size, reply: SMTPReply(503, "5.5.1", "No valid recipients for BDAT"))
        }
    }

    /// A line the parser refused.
    public mutating func parseError(_ error: SMTPParseError) -> LMTPSessionAction<Route> {
        refuse(error.reply)
    }

    // MARK: - Results of the driver's work

    /// The verdict on the recipient of the last RCPT.
    public mutating func recipientChecked(_ verdict: LMTPRecipientVerdict<Route>) -> LMTPSessionAction<Route> {
        guard case .checkingRecipient(var transaction, let pending) = state else {
            preconditionFailure("a recipient verdict nobody asked for")
        }
        switch verdict {
        case .accept(let route):
            transaction.recipients.append(
                LMTPRecipient(
                    address: pending.address, notify: pending.notify, originalRecipient: pending.originalRecipient, route: route))
            state = .transaction(transaction)
            return .send([SMTPReply(250, "2.1.5", "Recipient OK")], close: false)
        case .refuse(let reply):
            state = .transaction(transaction)
            return .send([reply], close: false)
        }
    }

    /// The message after DATA is in (its end seen). `failure`: why it could not be kept
    /// (too large, store trouble); every recipient gets that reply.
    public mutating func messageReceived(failure: SMTPReply?) -> LMTPSessionAction<Route> {
        guard case .receivingMessage(let transaction) = state else { preconditionFailure("no message was being received") }
        return finish(transaction, failure: failure)
    }

    /// A BDAT chunk is in. A failure ends the transaction: the client must not send more
    /// chunks (RFC 3030 §2), and the ones it sends anyway are refused until RSET or MAIL.
    public mutating func chunkReceived(failure: SMTPReply?) -> LMTPSessionAction<Route> {
        switch state {
        case .skippingChunk(let greeted):
            state = greeted ? .ready : .awaitingLHLO
            return .send([], close: false)
        case .receivingChunk(let transaction, let last):
            if last { return finish(transaction, failure: failure) }
            if let failure {
                state = .ready
                return .abandonMessage(replies: [failure], close: false)
            }
            state = .betweenChunks(transaction)
            return .send([SMTPReply(250, "2.0.0", "Chunk received")], close: false)
        default:
            preconditionFailure("no chunk was being received")
        }
    }

    /// The message was stored (or not): one reply per recipient, in RCPT order.
    public mutating func delivered(_ replies: [SMTPReply]) -> LMTPSessionAction<Route> {
        guard case .delivering(let transaction) = state else { preconditionFailure("no delivery was running") }
        precondition(replies.count == transaction.recipients.count, "one reply per recipient (RFC 2033 §4.2)")
        state = .ready
        return .send(replies, close: false)
    }

    public mutating func connectionClosed() {
        state = .closed
    }

    // MARK: - Helpers

    private var isMessageOpen: Bool {
        if case .betweenChunks = state { return true }
        return false
    }

    private mutating func finish(_ transaction: LMTPTransaction<Route>, failure: SMTPReply?) -> LMTPSessionAction<Route> {
        if let failure {
            state = .ready
            return .abandonMessage(replies: Array(repeating: failure, count: transaction.recipients.count), close: false)
        }
        state = .delivering(transaction)
        return .deliver(transaction)
    }

    func reply(_ reply: SMTPReply) -> LMTPSessionAction<Route> {
        .send([reply], close: false)
    }

    /// A refused command; too many of them end the session.
    mutating func refuse(_ reply: SMTPReply) -> LMTPSessionAction<Route> {
        errors += 1
        guard errors < configuration.maximumErrors else {
            state = .closed
            return .send([SMTPReply(421, "4.7.0", "\(configuration.hostname) Too many errors, closing connection")], close: true)
        }
        return .send([reply], close: false)
    }
}
