/// The mail transaction: MAIL, RCPT for each recipient, DATA, the data, and the result.
/// - SeeAlso: RFC 5321 §3.3, RFC 2920 §3.1
extension SMTPClientStateMachine {
    /// Checks what the message needs against what the server announced, then sends MAIL,
    /// and with PIPELINING every RCPT and DATA behind it.
    mutating func beginTransaction() -> [SMTPClientAction] {
        if envelope.requiresSMTPUTF8 && !extensions.smtpUTF8 {
            return finish(.init(.permanent, .smtpUTF8Unavailable), then: .quit)
        }
        if envelope.body == .eightBitMIME && !extensions.eightBitMIME {
            return finish(.init(.permanent, .eightBitMIMEUnavailable), then: .quit)
        }
        if let size = envelope.size, let limit = extensions.sizeLimit, size > limit {
            return finish(.init(.permanent, .messageTooLarge), then: .quit)
        }
        state = .awaitingTransactionReplies
        guard extensions.pipelining else {
            awaitedReplies = [.mail]
            return [.send(mailCommand)]
        }
        let recipients = envelope.recipients.indices
        awaitedReplies = [.mail] + recipients.map { .recipient($0) } + [.data]
        return [.send(mailCommand)] + recipients.map { .send(recipientCommand($0)) } + [.send(.data)]
    }

    /// Accounts one reply to the oldest command still awaiting one. Without PIPELINING the
    /// next command follows each reply; with it, nothing is decided before DATA's reply,
    /// which comes last in the batch.
    mutating func transactionReplied(_ reply: SMTPReply) -> [SMTPClientAction] {
        guard !awaitedReplies.isEmpty else { return violation(reply) }
        let next: Int
        switch awaitedReplies.removeFirst() {
        case .data:
            return dataReplied(reply)
        case .mail:
            guard !reply.isIntermediate else { return violation(reply) }
            if !reply.isPositive { senderFailure = .init(.senderRefused, reply: reply) }
            next = 0
        case .recipient(let index):
            guard !reply.isIntermediate else { return violation(reply) }
            recipientReplies[index] = reply
            next = index + 1
        }
        guard awaitedReplies.isEmpty else { return [] }
        if let senderFailure { return finish(senderFailure, then: .quit) }
        if next < envelope.recipients.count {
            awaitedReplies = [.recipient(next)]
            return [.send(recipientCommand(next))]
        }
        guard hasAcceptedRecipient else { return finish(nil, then: .quit) }
        awaitedReplies = [.data]
        return [.send(.data)]
    }

    /// 354 starts the data, unless nothing may be delivered, when a lone dot ends it at
    /// once (RFC 2920 §3.1). A refusal fails the accepted recipients, unless there are
    /// none, when each recipient's own refusal says it all.
    mutating func dataReplied(_ reply: SMTPReply) -> [SMTPClientAction] {
        if reply.isIntermediate {
            guard senderFailure == nil, hasAcceptedRecipient else {
                state = .awaitingEmptyDataReply
                return [.send(.endOfData)]
            }
            state = .sendingMessage
            return [.sendMessageBody]
        }
        guard !reply.isPositive else { return violation(reply) }
        if let senderFailure { return finish(senderFailure, then: .quit) }
        guard hasAcceptedRecipient else { return finish(nil, then: .quit) }
        return finish(.init(.messageRefused, reply: reply), then: .quit)
    }

    /// A reply while the driver is still sending the data: the server gave up on the
    /// message early. QUIT would be read as message text, so the connection is closed.
    mutating func replyDuringMessage(_ reply: SMTPReply) -> [SMTPClientAction] {
        guard reply.isTransient || reply.isPermanent else { return violation(reply) }
        return finish(.init(.messageRefused, reply: reply), then: .close)
    }

    /// The reply to the end of data decides for every accepted recipient (RFC 5321 §4.1.1.4).
    mutating func messageReplied(_ reply: SMTPReply) -> [SMTPClientAction] {
        guard !reply.isIntermediate else { return violation(reply) }
        if reply.isPositive { return finish(nil, messageReply: reply, then: .quit) }
        return finish(.init(.messageRefused, reply: reply), then: .quit)
    }

    var hasAcceptedRecipient: Bool {
        recipientReplies.contains { $0?.isPositive == true }
    }

    // MARK: - The result

    /// Reports the result, then says QUIT or closes.
    mutating func finish(
        _ sessionFailure: SMTPDeliveryResult.Failure?, messageReply: SMTPReply? = nil, then ending: Ending
    ) -> [SMTPClientAction] {
        let outcome = result(sessionFailure: sessionFailure, messageReply: messageReply)
        switch ending {
        case .close:
            state = .done
            return [.finished(outcome), .close]
        case .quit:
            state = .quitting
            return isQuitPipelined ? [.finished(outcome)] : [.finished(outcome), .send(.quit)]
        }
    }

    /// Every recipient's outcome: MAIL's refusal fails them all; otherwise a recipient's
    /// own refusal stands, an accepted recipient is delivered by a positive reply to the
    /// data, and every other recipient shares the session's failure.
    func result(sessionFailure: SMTPDeliveryResult.Failure?, messageReply: SMTPReply? = nil) -> SMTPDeliveryResult {
        let failure = senderFailure ?? sessionFailure
        // Only a session whose recipients were all settled ends without a failure.
        let unsettled = failure ?? .init(.temporary, .protocolViolation)
        let recipients = envelope.recipients.enumerated().map { index, recipient in
            let status: SMTPDeliveryResult.Status
            switch (senderFailure, recipientReplies[index], messageReply) {
            case (nil, let reply?, _) where !reply.isPositive:
                status = .failed(.init(.recipientRefused, reply: reply))
            case (nil, _?, let messageReply?):
                status = .delivered(messageReply)
            default:
                status = .failed(unsettled)
            }
            return SMTPDeliveryResult.Recipient(address: recipient.address, status: status)
        }
        return SMTPDeliveryResult(recipients: recipients, sessionFailure: failure)
    }

    // MARK: - Commands

    /// MAIL with the parameters the message needs and the server announced: SIZE (RFC 1870
    /// §6), BODY (RFC 6152 §3), SMTPUTF8 (RFC 6531 §3.4), RET and ENVID (RFC 3461 §4.3, §4.4).
    /// An SMTPUTF8 message is 8-bit, so it says BODY=8BITMIME where the server knows it.
    var mailCommand: SMTPClientCommand {
        var parameters: [SMTPClientCommand.Parameter] = []
        if extensions.size, let size = envelope.size { parameters.append(.init("SIZE", String(size))) }
        if extensions.eightBitMIME, envelope.body == .eightBitMIME || envelope.requiresSMTPUTF8 {
            parameters.append(.init("BODY", "8BITMIME"))
        }
        if envelope.requiresSMTPUTF8 { parameters.append(.init("SMTPUTF8")) }
        if extensions.deliveryStatusNotification {
            if let returnContent = envelope.returnContent { parameters.append(.init("RET", returnContent.rawValue)) }
            if let envelopeID = envelope.envelopeID { parameters.append(.init("ENVID", SMTPClientCommand.Parameter.xtext(envelopeID))) }
        }
        return .mail(reversePath: envelope.sender, parameters: parameters)
    }

    /// RCPT with NOTIFY and ORCPT where the server announced DSN (RFC 3461 §4.1, §4.2).
    func recipientCommand(_ index: Int) -> SMTPClientCommand {
        let recipient = envelope.recipients[index]
        var parameters: [SMTPClientCommand.Parameter] = []
        if extensions.deliveryStatusNotification {
            if let notify = recipient.notify { parameters.append(.init("NOTIFY", notify.parameterValue)) }
            if let original = recipient.originalRecipient {
                parameters.append(.init("ORCPT", SMTPClientRecipient.originalRecipientPrefix + SMTPClientCommand.Parameter.xtext(original)))
            }
        }
        return .recipient(forwardPath: recipient.address, parameters: parameters)
    }
}
