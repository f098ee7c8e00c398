import Foundation
import Logging
import NIOCore
import NIOSSL
import NIOTLS
import POP3
import PopstoreCore
import PopstoreOperations
import PopstoreStore
import SASL

/// The thin driver of one POP3 connection: frames bytes into commands, feeds the
/// session state machine, and performs its actions (store work on the thread pool,
/// never on the event loop). One command is handled at a time, so pipelined commands
/// are answered in order (RFC 2449 PIPELINING).
final class POP3SessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = IOData

    private let services: POP3Services
    private var machine: POP3SessionStateMachine
    private var parser = POP3CommandParser()
    private var input = ByteBuffer()
    private var busy = false
    private var tlsActive: Bool
    private var login: MailboxAccess.Login?
    private var readAhead = MessageReadAhead<MaildropSession.OpenMessage>()
    private var retrievedMessages = 0
    private var retrievedBytes: Int64 = 0
    private var counted = false
    private var address = "unknown"
    private var logger: Logger
    private var user: String?
    private let loopback: Bool

    init(services: POP3Services, implicitTLS: Bool, loopback: Bool, sessionID: String) {
        self.services = services
        self.loopback = loopback
        self.tlsActive = implicitTLS
        var logger = services.logger
        logger[metadataKey: "pop3.session"] = "\(sessionID)"
        self.logger = logger
        let config = services.configuration
        var apop: String? = nil
        if services.access.store.settings.legacyAuth { apop = APOP.timestamp(unique: sessionID, host: "popstore") }
        let sasl = services.sasl
        machine = POP3SessionStateMachine(
            configuration: POP3SessionConfiguration(
                implementation: config.implementation, tlsActive: implicitTLS, tlsAvailable: !implicitTLS,
                plaintextAllowedWithoutTLS: loopback && config.plaintextOnLoopback, apopTimestamp: apop,
                mechanisms: services.mechanisms,
                policy: POP3Policy(services.access.store.settings.retrieval.map { $0.over(config.policy) } ?? config.policy))
        ) { mechanism in SASLServer(mechanism: mechanism, configuration: sasl) }
    }

    func channelActive(context: ChannelHandlerContext) {
        address = context.remoteAddress?.ipAddress ?? "unknown"
        logger[metadataKey: "pop3.client"] = "\(address)"
        guard services.sessions.open(address, loopback: loopback) else {
            logger.notice("session refused: too many sessions")
            send(.error(.sysTemp, "too many sessions; try again later"), context: context, close: true)
            return
        }
        counted = true
        logger.info("session opened", metadata: ["pop3.tls": "\(tlsActive)"])
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
        if counted { services.sessions.close(address) }
        counted = false
        closeReadAhead(context: context)
        if let login {
            self.login = nil
            end(login, context: context)
        }
        logger.info(
            "session closed",
            metadata: ["pop3.user": "\(user ?? "-")", "pop3.retrieved": "\(retrievedMessages)", "pop3.bytes": "\(retrievedBytes)"])
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            logger.info("autologout after idle time")
            send(.error(nil, "autologout: idle for too long"), context: context, close: true)
            return
        }
        if case TLSUserEvent.handshakeCompleted = event {
            tlsActive = true
            machine.tlsEstablished()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? NIOSSLError, case .uncleanShutdown = error { return }
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: input

    private func processInput(context: ChannelHandlerContext) {
        while !busy && context.channel.isActive {
            do {
                if machine.expectsSASLResponse {
                    guard let response = try parser.parseSASLResponse(from: &input) else { break }
                    perform(machine.receive(response), context: context)
                } else {
                    guard let command = try parser.parseCommand(from: &input) else { break }
                    if case .user(let name) = command { user = name }
                    perform(machine.receive(command), context: context)
                }
            } catch {
                perform(machine.receiveInvalid(error), context: context)
            }
        }
        input.discardReadBytes()
        context.flush()
    }

    // MARK: actions

    private func send(_ response: POP3Response, context: ChannelHandlerContext, close: Bool = false) {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        response.encode(into: &buffer)
        if close {
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        } else {
            context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
        }
    }

    private func perform(_ action: POP3SessionAction, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .send(let response):
            send(response, context: context)
        case .sendAndClose(let response):
            send(response, context: context, close: true)
        case .startTLS(let response):
            send(response, context: context)
            context.flush()
            // RFC 2595 §2.2: whatever the client pipelined after STLS is discarded, never executed.
            input.clear()
            parser.reset()
            let handler = NIOSSLServerHandler(context: services.tls.current)
            do { try context.pipeline.syncOperations.addHandler(handler, position: .first) } catch { context.close(promise: nil) }
        case .verifyPassword(let name, let password):
            user = name
            authenticate(context: context, account: name) { access in access.verifyPassword(user: name, password: password) != nil }
        case .verifyAPOP(let name, let digest):
            user = name
            let timestamp = machine.configuration.apopTimestamp ?? ""
            authenticate(context: context, account: name) { access in
                let secret = access.legacySecret(user: name)
                return APOP.verify(digest: digest, timestamp: timestamp, secret: secret ?? "") && secret != nil
            }
        case .saslLookup(let lookup):
            saslLookup(lookup, context: context)
        case .openMaildrop(let name):
            user = name
            openMaildrop(name, context: context)
        case .sendMessage(let number, _, let bodyLines):
            sendMessage(number: number, bodyLines: bodyLines, context: context)
        case .commitUpdate(let deleted, let retrieved):
            commit(deleted: deleted, retrieved: retrieved, context: context)
        }
    }

    /// Runs blocking store work off the event loop, then continues on it.
    private func offload<T: Sendable>(
        context: ChannelHandlerContext, _ work: @escaping @Sendable () -> T, then: @escaping (T) -> Void
    ) {
        busy = true
        services.threadPool.runIfActive(eventLoop: context.eventLoop, work).assumeIsolated().whenComplete { result in
            self.busy = false
            if case .success(let value) = result { then(value) } else { context.close(promise: nil) }
            self.processInput(context: context)
        }
    }

    private func authenticate(context: ChannelHandlerContext, account: String, check: @escaping @Sendable (MailboxAccess) -> Bool) {
        guard services.throttle.mayTry(address: address, account: account) else {
            logger.notice("login refused: too many failures", metadata: ["pop3.user": "\(account)"])
            perform(machine.loginFailed(.badCredentials), context: context)
            return
        }
        openMaildrop(account, verifying: check, context: context)
    }

    /// Answers a failed login after the throttle's delay, holding further input meanwhile.
    private func failLogin(
        _ account: String?, context: ChannelHandlerContext, _ event: @escaping (inout POP3SessionStateMachine) -> POP3SessionAction
    ) {
        let delay = services.throttle.failed(address: address, account: account)
        logger.notice("login failed", metadata: ["pop3.user": "\(account ?? "-")"])
        busy = true
        context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            self.busy = false
            self.perform(event(&self.machine), context: context)
            self.processInput(context: context)
        }
    }

    private func saslLookup(_ lookup: SASLAction, context: ChannelHandlerContext) {
        user = SASLLookupAnswer.user(of: lookup) ?? user
        if case .verifyPassword(let name, _, _) = lookup, !services.throttle.mayTry(address: address, account: name) {
            perform(machine.saslPasswordVerified(false), context: context)
            return
        }
        let access = services.access
        offload(context: context, { SASLLookupAnswer.find(lookup, access: access) }) { answer in
            if let name = answer.failedUser {
                self.failLogin(name, context: context) { $0.saslPasswordVerified(false) }
            } else {
                self.perform(answer.apply(to: &self.machine), context: context)
            }
        }
    }

    /// Opens the maildrop of `name`, after checking its credentials with `verify` in the
    /// same trip to the thread pool (a SASL exchange has checked them already).
    private func openMaildrop(
        _ name: String, verifying verify: (@Sendable (MailboxAccess) -> Bool)? = nil, context: ChannelHandlerContext
    ) {
        let access = services.access
        let serverDefault = services.configuration.policy
        let open = { @Sendable () -> Result<MailboxAccess.Login, MailboxAccess.Refusal> in
            if let verify, !verify(access) { return .failure(.badCredentials) }
            return access.open(name, serverDefault: serverDefault)
        }
        offload(context: context, open) { result in
            switch result {
            case .success(let login):
                guard context.channel.isActive else {
                    // The client left while the maildrop was being opened: let it go at once.
                    self.end(login, context: context)
                    return
                }
                self.login = login
                self.services.throttle.succeeded(address: self.address, account: name)
                self.logger[metadataKey: "pop3.user"] = "\(login.account.address)"
                self.logger.info("login")
                let messages = login.session.entries.map { POP3MessageInfo(uid: $0.uid, size: $0.size) }
                self.perform(self.machine.loginSucceeded(messages: messages, policy: POP3Policy(login.policy)), context: context)
            case .failure(.badCredentials):
                self.failLogin(name, context: context) { $0.loginFailed(.badCredentials) }
            case .failure(.inUse):
                self.perform(self.machine.loginFailed(.inUse), context: context)
            case .failure(.loginDelay):
                self.perform(self.machine.loginFailed(.loginDelay), context: context)
            case .failure(.temporary):
                self.perform(self.machine.loginFailed(.temporary), context: context)
            }
        }
    }

    private func sendMessage(number: Int, bodyLines: Int?, context: ChannelHandlerContext) {
        guard let session = login?.session else { return }
        let index = number - 1
        if bodyLines == nil, let message = readAhead.take(index) {
            send(message, end: message.storedSize, index: index, bodyLines: nil, session: session, context: context)
            return
        }
        let ahead = bodyLines == nil ? readAhead.plan(miss: index, count: session.entries.count).dropFirst() : []
        offload(
            context: context,
            { () -> (Result<(MaildropSession.OpenMessage, Int), PopstoreError>, [(Int, MaildropSession.OpenMessage)]) in
                let result: Result<(MaildropSession.OpenMessage, Int), PopstoreError>
                do throws(PopstoreError) {
                    let message = try session.open(index)
                    var end = message.storedSize
                    if let bodyLines { end = try session.topEnd(message, bodyLines: bodyLines) }
                    result = .success((message, end))
                } catch {
                    result = .failure(error)
                }
                // A message opened ahead that fails is simply not kept: its own RETR reports it.
                return (result, ahead.compactMap { index in (try? session.open(index)).map { (index, $0) } })
            }
        ) { result, opened in
            if self.login != nil {
                for (index, message) in opened { self.readAhead.keep(message, at: index) }
            } else {
                self.closeReadAhead(opened.map(\.1), context: context)
            }
            switch result {
            case .failure:
                self.send(.error(.sysTemp, "cannot read the message now"), context: context)
            case .success(let (message, end)):
                self.send(message, end: end, index: index, bodyLines: bodyLines, session: session, context: context)
            }
        }
    }

    /// Sends an open message: `+OK`, its first `end` stored octets, the terminator.
    private func send(
        _ message: MaildropSession.OpenMessage, end: Int, index: Int, bodyLines: Int?, session: MaildropSession,
        context: ChannelHandlerContext
    ) {
        if bodyLines == nil {
            retrievedMessages += 1
            retrievedBytes += session.entries[index].size
        }
        send(.ok("message follows"), context: context)
        if tlsActive {
            streamChunks(message, from: 0, to: end, session: session, context: context)
        } else {
            sendRegion(message, end: end, context: context)
        }
    }

    /// Ends a session that did not reach UPDATE: its accounting is noted at once (memory
    /// only), its maildrop released on the thread pool.
    private func end(_ login: MailboxAccess.Login, context: ChannelHandlerContext) {
        let access = services.access
        access.account(login, messagesRetrieved: retrievedMessages, bytesRetrieved: retrievedBytes)
        _ = services.threadPool.runIfActive(eventLoop: context.eventLoop) { access.release(login) }
    }

    /// Closes the messages opened ahead that no RETR asked for (and `late` ones, opened
    /// for a session that has ended since), on the thread pool like all file work.
    private func closeReadAhead(_ late: [MaildropSession.OpenMessage] = [], context: ChannelHandlerContext) {
        let descriptors = (readAhead.drain() + late).map(\.descriptor)
        guard !descriptors.isEmpty else { return }
        _ = services.threadPool.runIfActive(eventLoop: context.eventLoop) { for fd in descriptors { _ = close(fd) } }
    }

    /// TCP_CORK (Linux tcp(7)): hold partial segments until uncorked.
    private static let tcpCork = ChannelOptions.Types.SocketOption(level: .init(IPPROTO_TCP), name: .init(TCP_CORK))

    /// Plain connection: the stored bytes go from the file to the socket by sendfile(2).
    private func sendRegion(_ message: MaildropSession.OpenMessage, end: Int, context: ChannelHandlerContext) {
        let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: message.descriptor)
        if end > 0 {
            let region = FileRegion(fileHandle: handle, readerIndex: 0, endIndex: end)
            context.write(wrapOutboundOut(.fileRegion(region)), promise: nil)
        }
        var terminator = context.channel.allocator.buffer(capacity: 3)
        terminator.writeBytes(POP3Wire.multilineTerminator)
        busy = true
        // The status line, the file and the terminator are three system calls; corked,
        // they leave as full segments rather than a small one on each side of the body
        // (for a 4 KiB message: one segment instead of three, and one wake-up of the client).
        try? context.channel.syncOptions?.setOption(Self.tcpCork, value: 1)
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(terminator))).assumeIsolated().whenComplete { _ in
            try? context.channel.syncOptions?.setOption(Self.tcpCork, value: 0)
            try? handle.close()
            self.busy = false
            self.processInput(context: context)
        }
    }

    /// TLS: FileRegion cannot pass through NIOSSL, so the bytes go in bounded chunks,
    /// each read on the thread pool and written before the next is read.
    private func streamChunks(
        _ message: MaildropSession.OpenMessage, from offset: Int, to end: Int, session: MaildropSession, context: ChannelHandlerContext
    ) {
        let count = min(services.configuration.tlsChunkSize, end - offset)
        if count <= 0 {
            var terminator = context.channel.allocator.buffer(capacity: 3)
            terminator.writeBytes(POP3Wire.multilineTerminator)
            busy = true
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(terminator))).assumeIsolated().whenComplete { _ in
                _ = close(message.descriptor)
                self.busy = false
                self.processInput(context: context)
            }
            return
        }
        offload(context: context, { try? session.read(message, offset: offset, count: count) }) { bytes in
            guard let bytes, bytes.count == count else {
                _ = close(message.descriptor)
                context.close(promise: nil)
                return
            }
            self.busy = true
            let buffer = context.channel.allocator.buffer(bytes: bytes)
            context.writeAndFlush(self.wrapOutboundOut(.byteBuffer(buffer))).assumeIsolated().whenComplete { result in
                self.busy = false
                guard case .success = result else {
                    _ = close(message.descriptor)
                    return
                }
                self.streamChunks(message, from: offset + count, to: end, session: session, context: context)
            }
        }
    }

    private func commit(deleted: [String], retrieved: [String], context: ChannelHandlerContext) {
        guard let login else {
            perform(machine.updateFinished(ok: true), context: context)
            return
        }
        // The maildrop is released before +OK goes out, so the client's next login,
        // however quick, never meets its own session's lock.
        self.login = nil
        closeReadAhead(context: context)
        let access = services.access
        access.account(login, messagesRetrieved: retrievedMessages, bytesRetrieved: retrievedBytes)
        offload(
            context: context,
            { () -> Bool in
                defer { access.release(login) }
                do {
                    try login.session.commit(deleted: Set(deleted), retrieved: Set(retrieved))
                    return true
                } catch {
                    return false
                }
            }
        ) { ok in
            self.logger.info("update", metadata: ["pop3.deleted": "\(deleted.count)", "pop3.ok": "\(ok)"])
            self.perform(self.machine.updateFinished(ok: ok), context: context)
        }
    }
}

extension POP3Policy {
    init(_ policy: RetrievalPolicy) {
        self.init(expireDays: policy.expireDays, loginDelaySeconds: policy.loginDelaySeconds)
    }
}
