import Foundation
import Logging
import MailMessage
import NIOCore
import PopstoreCore
import PopstoreOperations
import PopstoreStore
import SMTP

/// The thin driver of one LMTP connection: frames bytes into commands or message octets,
/// feeds the session state machine, and performs its actions (store work on the thread
/// pool, never on the event loop). One thing is handled at a time, so pipelined commands
/// are answered in order; replies are flushed when the input runs dry (RFC 2920).
final class LMTPSessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Reading {
        case commands
        case message(IncomingMessage)
        /// A BDAT chunk: `remaining` octets still to come; no message when it is being skipped.
        case chunk(IncomingMessage?, remaining: Int, skipReply: SMTPReply?)
    }

    private let services: LMTPServices
    private var machine: LMTPSessionStateMachine<MailRouting.Route>
    private var parser = SMTPCommandParser()
    private var decoder = SMTPDataDecoder()
    private var input = ByteBuffer()
    private var scratch: [UInt8] = []
    private var reading = Reading.commands
    private var open: IncomingMessage?
    private var busy = false
    private var heloName: String?
    private var address = "unknown"
    private var logger: Logger
    private var delivered = 0
    /// Commands read ahead of the one being handled (pipelined RCPTs and the command after
    /// them), handled in order before anything else is parsed.
    private var lookahead: [Result<SMTPCommand, SMTPParseError>] = []
    /// Verdicts for those RCPTs, routed together with the first; used when the state
    /// machine asks for the same address, in order.
    private var checked: [(address: String, declaredSize: Int?, verdict: MailRouting.Verdict)] = []
    /// RCPTs routed in one trip to the thread pool: a transaction's worth for most mail,
    /// and a bound on how long one trip holds a pool thread.
    static let recipientsPerLookup = 100

    init(services: LMTPServices, sessionID: String) {
        self.services = services
        var logger = services.logger
        logger[metadataKey: "lmtp.session"] = "\(sessionID)"
        self.logger = logger
        let config = services.configuration
        machine = LMTPSessionStateMachine(
            configuration: LMTPSessionConfiguration(
                hostname: config.hostname, maximumMessageSize: config.maximumMessageSize, maximumRecipients: config.maximumRecipients))
    }

    func channelActive(context: ChannelHandlerContext) {
        address = context.remoteAddress?.ipAddress ?? "local"
        logger[metadataKey: "lmtp.client"] = "\(address)"
        perform(machine.greeting(), context: context)
        context.flush()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        input.writeBuffer(&bytes)
        processInput(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        machine.connectionClosed()
        // While store work runs, the message is the thread pool's: it is dropped when that ends.
        if !busy { abandonOpenMessage(context: context) }
        logger.info("session closed", metadata: ["lmtp.delivered": "\(delivered)"])
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            send(
                [SMTPReply(421, "4.4.2", "\(services.configuration.hostname) Idle for too long, closing connection")], close: true,
                context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: input

    private func processInput(context: ChannelHandlerContext) {
        while !busy && context.channel.isActive && (input.readableBytes > 0 || hasLookahead) {
            switch reading {
            case .commands:
                let next: Result<SMTPCommand, SMTPParseError>
                if !lookahead.isEmpty {
                    next = lookahead.removeFirst()
                } else {
                    do {
                        guard let command = try parser.parseCommand(from: &input) else { break }
                        next = .success(command)
                    } catch {
                        next = .failure(error)
                    }
                }
                switch next {
                case .success(let command):
                    if case .lhlo(let name) = command { heloName = name }
                    perform(machine.command(command), context: context)
                case .failure(let error):
                    perform(machine.parseError(error), context: context)
                }
                continue
            case .message(let message):
                let progress = decoder.decode(from: &input, into: &scratch)
                message.take(&scratch)
                if progress == .complete {
                    reading = .commands
                    perform(machine.messageReceived(failure: message.failure), context: context)
                } else if message.needsFlush {
                    flush(message, context: context) {}
                }
                continue
            case .chunk(let message, let remaining, let skipReply):
                let count = min(remaining, input.readableBytes)
                if let message {
                    scratch.append(contentsOf: input.readableBytesView.prefix(count))
                    message.take(&scratch)
                }
                input.moveReaderIndex(forwardBy: count)
                reading = .chunk(message, remaining: remaining - count, skipReply: skipReply)
                if remaining == count {
                    chunkComplete(message, skipReply: skipReply, context: context)
                } else if let message, message.needsFlush {
                    flush(message, context: context) {}
                }
                continue
            }
            break
        }
        if case .chunk(let message, 0, let skipReply) = reading, !busy { chunkComplete(message, skipReply: skipReply, context: context) }
        input.discardReadBytes()
        context.flush()
    }

    /// A whole chunk is in: written out first if large, then the state machine is told.
    private func chunkComplete(_ message: IncomingMessage?, skipReply: SMTPReply?, context: ChannelHandlerContext) {
        if let message, message.needsFlush {
            flush(message, context: context) { self.chunkComplete(message, skipReply: skipReply, context: context) }
            return
        }
        reading = .commands
        if let skipReply { send([skipReply], close: false, context: context) }
        perform(machine.chunkReceived(failure: message?.failure), context: context)
    }

    // MARK: actions

    private func perform(_ action: LMTPSessionAction<MailRouting.Route>, context: ChannelHandlerContext) {
        switch action {
        case .send(let replies, let close):
            send(replies, close: close, context: context)
        case .checkRecipient(let recipient, let declaredSize):
            if let first = checked.first, first.address == recipient, first.declaredSize == declaredSize {
                checked.removeFirst()
                recipientChecked(recipient, first.verdict, context: context)
                return
            }
            // Pipelined RCPTs already here are routed in the same trip to the thread pool
            // (RFC 2920 clients send a transaction's RCPTs at once); they are answered in order.
            checked = []
            var addresses = [recipient]
            let readAhead = lookahead.isEmpty
            while readAhead, addresses.count < Self.recipientsPerLookup {
                let parsed: Result<SMTPCommand, SMTPParseError>
                do {
                    guard let command = try parser.parseCommand(from: &input) else { break }
                    parsed = .success(command)
                } catch {
                    parsed = .failure(error)
                }
                lookahead.append(parsed)
                guard case .success(.rcpt(let path, _)) = parsed else { break }
                addresses.append(path)
            }
            let (routing, batch, size) = (services.routing, addresses, declaredSize.map(Int64.init))
            offload(context: context, { batch.map { routing.route($0, declaredSize: size) } }) { verdicts in
                self.checked = zip(batch, verdicts).dropFirst().map { (address: $0, declaredSize: declaredSize, verdict: $1) }
                self.recipientChecked(recipient, verdicts[0], context: context)
            }
        case .receiveMessage(let transaction, let reply):
            let message = incomingMessage(for: transaction)
            open = message
            decoder = SMTPDataDecoder()
            reading = .message(message)
            send([reply], close: false, context: context)
        case .receiveChunk(let size, _, let opening):
            if let opening { open = incomingMessage(for: opening) }
            reading = .chunk(open, remaining: size, skipReply: nil)
        case .skipChunk(let size, let reply):
            reading = .chunk(nil, remaining: size, skipReply: reply)
        case .deliver(let transaction):
            guard let message = open else { preconditionFailure("deliver without a message") }
            open = nil
            let store = services.store
            let temporary = services.configuration.overQuotaIsTemporary
            offload(context: context, { message.commit(store: store, overQuotaIsTemporary: temporary) }) { replies in
                self.delivered += replies.filter(\.isPositive).count
                if transaction.recipients.contains(where: { !$0.route.forwardedBy.isEmpty }) { self.services.queued() }
                self.logger.info(
                    "message received",
                    metadata: [
                        "lmtp.from": "\(transaction.reversePath)", "lmtp.size": "\(message.size)",
                        "lmtp.results": "\(zip(transaction.recipients, replies).map { "\($0.address)=\($1.code)" }.joined(separator: ","))",
                    ])
                self.perform(self.machine.delivered(replies), context: context)
            }
        case .abandonMessage(let replies, let close):
            if let failure = open?.failure { logger.notice("message refused", metadata: ["lmtp.reason": "\(failure)"]) }
            abandonOpenMessage(context: context)
            send(replies, close: close, context: context)
        }
    }

    /// Commands read ahead wait to be handled (only while commands are read).
    private var hasLookahead: Bool {
        if case .commands = reading { !lookahead.isEmpty } else { false }
    }

    /// Answers a RCPT from its routing verdict.
    private func recipientChecked(_ recipient: String, _ verdict: MailRouting.Verdict, context: ChannelHandlerContext) {
        if case .deliver(let route) = verdict {
            if !route.dropped.isEmpty {
                logger.warning(
                    "forwarding targets take no mail",
                    metadata: [
                        "lmtp.recipient": "\(recipient)",
                        "lmtp.dropped": "\(route.dropped.map { "\($0.address)=\($0.verdict)" }.joined(separator: ","))",
                    ])
            }
            perform(machine.recipientChecked(.accept(route)), context: context)
        } else {
            logger.info("recipient refused", metadata: ["lmtp.recipient": "\(recipient)", "lmtp.verdict": "\(verdict)"])
            let reply =
                DeliveryReplies.refusal(verdict, overQuotaIsTemporary: services.configuration.overQuotaIsTemporary)
                ?? SMTPReply(451, "4.3.0", "Try again later")
            perform(machine.recipientChecked(.refuse(reply)), context: context)
        }
    }

    /// Drops the message being received, if any: nothing of it was acknowledged, so the
    /// MTA sends it again.
    private func abandonOpenMessage(context: ChannelHandlerContext) {
        guard let message = open else { return }
        open = nil
        _ = services.threadPool.runIfActive(eventLoop: context.eventLoop) { message.abandon() }
    }

    private func incomingMessage(for transaction: LMTPTransaction<MailRouting.Route>) -> IncomingMessage {
        let envelope = MessageEnvelope(
            sender: transaction.reversePath,
            recipients: transaction.recipients.map {
                MessageEnvelope.Recipient(address: $0.address, notify: $0.notify, originalRecipient: $0.originalRecipient)
            },
            arrival: services.clock.now(), ret: transaction.ret, envelopeID: transaction.envelopeID)
        let single = transaction.recipients.count == 1 ? transaction.recipients[0].address : nil
        let trace = TraceFields(
            sender: transaction.reversePath, heloName: heloName, clientAddress: address, host: services.configuration.hostname,
            protocolName: "LMTP", id: "", recipient: single, time: Int64(envelope.arrival.timeIntervalSince1970))
        let recipients = transaction.recipients.map {
            InboundDelivery.Recipient(address: $0.address, route: $0.route, notify: $0.notify, originalRecipient: $0.originalRecipient)
        }
        return IncomingMessage(
            envelope: envelope, recipients: recipients, maximumSize: services.configuration.maximumMessageSize, trace: trace,
            routing: services.routing)
    }

    private func flush(_ message: IncomingMessage, context: ChannelHandlerContext, then: @escaping () -> Void) {
        let store = services.store
        offload(context: context, { message.flush(store: store) }) { _ in then() }
    }

    private func send(_ replies: [SMTPReply], close: Bool, context: ChannelHandlerContext) {
        guard !replies.isEmpty || close else { return }
        var buffer = context.channel.allocator.buffer(capacity: 64 * max(replies.count, 1))
        for reply in replies { reply.encode(into: &buffer) }
        if close {
            context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.write(wrapOutboundOut(buffer), promise: nil)
        }
    }

    /// Runs blocking store work off the event loop, then continues on it; reads nothing meanwhile.
    private func offload<T: Sendable>(context: ChannelHandlerContext, _ work: @escaping @Sendable () -> T, then: @escaping (T) -> Void) {
        busy = true
        services.threadPool.runIfActive(eventLoop: context.eventLoop, work).assumeIsolated().whenComplete { result in
            self.busy = false
            // The client may have gone meanwhile: the session is over, nothing is answered.
            guard context.channel.isActive else {
                self.abandonOpenMessage(context: context)
                return
            }
            if case .success(let value) = result { then(value) } else { context.close(promise: nil) }
            self.processInput(context: context)
        }
    }
}
