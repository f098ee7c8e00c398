import Logging
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import SMTP

/// The thin driver of one outbound SMTP session: frames the relay's bytes into replies,
/// feeds ``SMTPClientStateMachine``, and performs its actions in order. Consecutive
/// commands are written together and flushed once (a PIPELINING batch, RFC 2920 §3.1);
/// the message is streamed from its file one chunk at a time, the next read only after
/// the last write completed, so memory stays bounded whatever the message's size.
///
/// Inert until ``start(context:)``: the channel is made with reading off, so that of the
/// connections Happy Eyeballs may open, only the one kept runs a session.
final class SMTPRelayHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What the driver needs besides the state machine; the same for every connection attempt.
    struct Settings: Sendable {
        var body: RelayMessageBody
        var fileIO: NonBlockingFileIO
        /// How to start TLS; nil when the session is to stay in plain text.
        var tls: TLS?
        /// True for ``RelayEndpoint/Security/none``: STARTTLS is removed from EHLO replies,
        /// since the state machine uses it whenever it is offered.
        var hidesSTARTTLS: Bool
        var replyTimeout: TimeAmount
    }

    /// The relay's TLS context and the name to send in SNI and check the certificate against.
    struct TLS: Sendable {
        var context: NIOSSLContext
        var serverHostname: String?

        func makeHandler() throws -> NIOSSLClientHandler {
            try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
        }
    }

    /// The message file ended before the length it was said to have.
    enum MessageFileError: Error {
        case shorterThanDeclared
    }

    /// The message is read and written this much at a time. With one chunk in flight, a
    /// session holds at most this much of the message, plus what TLS adds.
    static let bodyChunkSize = 64 * 1024

    private var machine: SMTPClientStateMachine
    private let settings: Settings
    private let result: EventLoopPromise<SMTPDeliveryResult>
    private var logger: Logger

    private var parser = SMTPReplyParser()
    private var input = ByteBuffer()
    /// Commands encoded and not yet written.
    private var output = ByteBuffer()
    private var isStarted = false
    private var hasReported = false
    /// True once the connection is closing or closed: nothing more is written or read.
    private var isClosing = false
    private var isAwaitingHandshake = false
    private var isAwaitingEHLOReply = false
    /// The last two octets of the message sent so far, to see whether it ended its last line.
    private var messageTail: (UInt8, UInt8) = (0, 0)

    /// The current timeout, and when the session last made progress (a read, a command
    /// written, a chunk of the message taken by the network).
    private var timeout: TimeAmount
    private var lastProgress = NIODeadline.now()
    private var timer: Scheduled<Void>?

    init(machine: SMTPClientStateMachine, settings: Settings, result: EventLoopPromise<SMTPDeliveryResult>, logger: Logger) {
        self.machine = machine
        self.settings = settings
        self.result = result
        self.logger = logger
        self.timeout = settings.replyTimeout
    }

    /// Starts the session on the connection that was kept: the timer, and reading.
    func start(context: ChannelHandlerContext) throws {
        isStarted = true
        guard context.channel.isActive else {
            isClosing = true
            perform(machine.connectionClosed(), context: context)
            return
        }
        touch()
        armTimer(context: context)
        try context.channel.syncOptions?.setOption(.autoRead, value: true)
        context.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard isStarted, !isClosing else { return }
        var bytes = unwrapInboundIn(data)
        input.writeBuffer(&bytes)
        touch()
        processInput(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        isClosing = true
        timer?.cancel()
        if isStarted { perform(machine.connectionClosed(), context: context) }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        // channelInactive has reported already, unless the pipeline was torn down without it.
        if isStarted && !hasReported {
            for case .finished(let outcome) in machine.connectionClosed() { report(outcome) }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            logger.debug("relay TLS established")
            if isAwaitingHandshake {
                isAwaitingHandshake = false
                touch()
                perform(machine.tlsEstablished(), context: context)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // After the result, an unclean TLS shutdown by a relay that just closes is routine.
        if hasReported {
            logger.debug("relay connection error", metadata: ["error": "\(error)"])
        } else {
            logger.notice("relay connection error", metadata: ["error": "\(error)"])
        }
        close(context: context)
    }

    // MARK: Input

    private func processInput(context: ChannelHandlerContext) {
        while !isClosing {
            do {
                guard var reply = try parser.parse(from: &input) else { break }
                logger.debug("relay reply", metadata: ["smtp.code": "\(reply.code)"])
                timeout = settings.replyTimeout
                if isAwaitingEHLOReply {
                    isAwaitingEHLOReply = false
                    if settings.hidesSTARTTLS { reply = Self.withoutSTARTTLS(reply) }
                }
                perform(machine.receivedReply(reply), context: context)
            } catch {
                logger.debug("relay reply invalid", metadata: ["error": "\(error)"])
                perform(machine.receivedInvalidReply(error), context: context)
            }
        }
        input.discardReadBytes()
    }

    /// `reply` without the STARTTLS line of an EHLO reply.
    static func withoutSTARTTLS(_ reply: SMTPReply) -> SMTPReply {
        guard reply.isPositive, reply.lines.count > 1 else { return reply }
        let extensions = reply.lines.dropFirst().filter {
            $0.split(separator: " ", maxSplits: 1).first?.uppercased() != "STARTTLS"
        }
        return SMTPReply(reply.code, reply.enhancedCode, [reply.lines[0]] + extensions)
    }

    // MARK: Actions

    private func perform(_ actions: [SMTPClientAction], context: ChannelHandlerContext) {
        for action in actions {
            switch action {
            case .send(let command):
                if case .ehlo = command { isAwaitingEHLOReply = true }
                logger.debug("relay command", metadata: ["smtp.command": "\(Self.verb(command))"])
                command.encode(into: &output)
            case .startTLS:
                flushOutput(context: context)
                startTLS(context: context)
            case .sendMessageBody:
                flushOutput(context: context)
                sendMessageBody(context: context)
            case .finished(let outcome):
                report(outcome)
            case .close:
                flushOutput(context: context)
                close(context: context)
            }
        }
        flushOutput(context: context)
    }

    private func flushOutput(context: ChannelHandlerContext) {
        guard output.readableBytes > 0 else { return }
        defer { output.clear() }
        guard !isClosing else { return }
        context.writeAndFlush(wrapOutboundOut(output), promise: nil)
        touch()
    }

    private func report(_ outcome: SMTPDeliveryResult) {
        guard !hasReported else { return }
        hasReported = true
        logger.debug(
            "relay session result",
            metadata: [
                "smtp.delivered": "\(outcome.deliveredRecipients.count)", "smtp.recipients": "\(outcome.recipients.count)",
                "smtp.failure": "\(outcome.sessionFailure.map { "\($0.severity) \($0.reason) \($0.reply?.code ?? 0)" } ?? "none")",
            ])
        result.succeed(outcome)
    }

    private func close(context: ChannelHandlerContext) {
        guard !isClosing else { return }
        isClosing = true
        context.close(promise: nil)
    }

    /// Drops every byte read in plain text and puts TLS in front of this handler; the
    /// handshake's completion comes back as a `TLSUserEvent` (RFC 3207 §4.2).
    private func startTLS(context: ChannelHandlerContext) {
        input.clear()
        parser.reset()
        guard let tls = settings.tls else {
            logger.error("relay asked for STARTTLS on a session without TLS")
            close(context: context)
            return
        }
        do {
            try context.pipeline.syncOperations.addHandler(tls.makeHandler(), position: .before(self))
            isAwaitingHandshake = true
            touch()
        } catch {
            logger.notice("relay TLS could not start", metadata: ["error": "\(error)"])
            close(context: context)
        }
    }

    /// The command's verb only: MAIL and RCPT carry addresses, AUTH the password.
    static func verb(_ command: SMTPClientCommand) -> String {
        switch command {
        case .ehlo: "EHLO"
        case .helo: "HELO"
        case .startTLS: "STARTTLS"
        case .authPlain: "AUTH PLAIN"
        case .mail: "MAIL"
        case .recipient: "RCPT"
        case .data: "DATA"
        case .endOfData: "."
        case .reset: "RSET"
        case .quit: "QUIT"
        }
    }

    // MARK: The message

    private func sendMessageBody(context: ChannelHandlerContext) {
        guard settings.body.length > 0 else {
            endMessage(context: context)
            return
        }
        settings.fileIO.openFile(_deprecatedPath: settings.body.path, mode: .read, eventLoop: context.eventLoop)
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success(let file):
                    self.sendChunk(of: file, from: 0, context: context)
                case .failure(let error):
                    self.abandonMessage("relay message unreadable", error: error, context: context)
                }
            }
    }

    /// Reads the chunk at `offset`, writes it, and goes on once the network has taken it.
    private func sendChunk(of file: NIOFileHandle, from offset: Int, context: ChannelHandlerContext) {
        let remaining = settings.body.length - offset
        guard !isClosing, remaining > 0 else {
            try? file.close()
            if !isClosing { endMessage(context: context) }
            return
        }
        settings.fileIO.read(
            fileHandle: file, fromOffset: Int64(offset), byteCount: min(remaining, Self.bodyChunkSize),
            allocator: context.channel.allocator, eventLoop: context.eventLoop
        )
        .assumeIsolated()
        .flatMap { chunk -> EventLoopFuture<Int> in
            guard chunk.readableBytes > 0, !self.isClosing else {
                return context.eventLoop.makeFailedFuture(MessageFileError.shorterThanDeclared)
            }
            self.noteTail(of: chunk)
            let count = chunk.readableBytes
            return context.writeAndFlush(self.wrapOutboundOut(chunk)).map { count }
        }
        .whenComplete { result in
            switch result {
            case .success(let count):
                self.touch()
                self.sendChunk(of: file, from: offset + count, context: context)
            case .failure(let error):
                try? file.close()
                self.abandonMessage("relay message not sent", error: error, context: context)
            }
        }
    }

    /// Ends the data with `.` CRLF, after a CRLF if the message did not end its last line
    /// (the dot would otherwise join that line and not end the data), then tells the state
    /// machine. The reply to the end of data gets twice the reply timeout (RFC 5321 §4.5.3.2.6).
    private func endMessage(context: ChannelHandlerContext) {
        var end = context.channel.allocator.buffer(capacity: 5)
        if settings.body.length > 0, messageTail != (SMTPRelayHandler.carriageReturn, SMTPRelayHandler.lineFeed) {
            logger.debug("relay message lacked its final CRLF")
            end.writeBytes([Self.carriageReturn, Self.lineFeed])
        }
        end.writeBytes([UInt8(ascii: "."), Self.carriageReturn, Self.lineFeed])
        context.writeAndFlush(wrapOutboundOut(end), promise: nil)
        timeout = settings.replyTimeout * 2
        touch()
        perform(machine.dataSent(), context: context)
    }

    /// A message that cannot be sent whole must not be ended with a dot, or the relay
    /// would deliver what it has: the connection is closed instead.
    private func abandonMessage(_ message: Logger.Message, error: any Error, context: ChannelHandlerContext) {
        guard !isClosing else { return }
        logger.error(message, metadata: ["error": "\(error)", "smtp.message-file": "\(settings.body.path)"])
        close(context: context)
    }

    private func noteTail(of chunk: ByteBuffer) {
        let bytes = chunk.readableBytesView
        if bytes.count >= 2 {
            messageTail = (bytes[bytes.endIndex - 2], bytes[bytes.endIndex - 1])
        } else if let last = bytes.last {
            messageTail = (messageTail.1, last)
        }
    }

    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")

    // MARK: Timeout

    private func touch() {
        lastProgress = .now()
    }

    /// Fires when the session has made no progress for the current timeout (RFC 5321 §4.5.3.2).
    private func armTimer(context: ChannelHandlerContext) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: lastProgress + timeout) {
            guard !self.isClosing else { return }
            if NIODeadline.now() < self.lastProgress + self.timeout {
                self.armTimer(context: context)
                return
            }
            self.logger.debug("relay timed out", metadata: ["smtp.timeout": "\(self.timeout)"])
            self.perform(self.machine.timedOut(), context: context)
        }
    }
}
