import Logging
import ManageSieve
import NIOCore
import NIOSSL
import NIOTLS
import PopstoreCore
import PopstoreOperations
import SASL

/// The thin driver of one ManageSieve connection (RFC 5804): frames commands and SASL
/// responses, feeds the session state machine, performs its actions (store work on the
/// thread pool, one at a time, so responses go out in order).
final class ManageSieveSessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let services: POP3Services
    private var machine: ManageSieveSessionStateMachine
    private var parser = ManageSieveCommandParser()
    private var input = ByteBuffer()
    private var busy = false
    private var address = "unknown"
    private var logger: Logger
    private var owner: AccountSieve?
    private var user: String?
    private var counted = false
    private let loopback: Bool

    init(services: POP3Services, loopback: Bool, sessionID: String) {
        self.services = services
        self.loopback = loopback
        var logger = services.logger
        logger[metadataKey: "sieve.session"] = "\(sessionID)"
        self.logger = logger
        let sasl = services.sasl
        machine = ManageSieveSessionStateMachine(
            configuration: ManageSieveSessionConfiguration(
                implementation: services.configuration.implementation, tlsActive: false, tlsAvailable: true,
                plaintextAllowedWithoutTLS: loopback && services.configuration.plaintextOnLoopback, mechanisms: services.mechanisms,
                maximumScripts: AccountScripts.maximumScripts, maximumScriptSize: AccountScripts.maximumScriptSize)
        ) { mechanism in SASLServer(mechanism: mechanism, configuration: sasl) }
    }

    func channelActive(context: ChannelHandlerContext) {
        address = context.remoteAddress?.ipAddress ?? "unknown"
        logger[metadataKey: "sieve.client"] = "\(address)"
        guard services.sessions.open(address, loopback: loopback) else {
            logger.notice("session refused: too many sessions")
            perform(.sendAndClose(.bye(.tryLater, "Too many sessions; try again later")), context: context)
            return
        }
        counted = true
        logger.info("session opened")
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
        logger.info("session closed", metadata: ["sieve.user": "\(user ?? "-")"])
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            perform(machine.idleTimeout(), context: context)
            context.flush()
            return
        }
        if case TLSUserEvent.handshakeCompleted = event {
            perform(machine.tlsEstablished(), context: context)
            context.flush()
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
        while !busy && context.channel.isActive && !machine.isClosed {
            parser.maximumLiteralLength = machine.maximumLiteralLength
            do {
                if machine.expectsSASLResponse {
                    guard let response = try parser.parseSASLResponse(from: &input) else { break }
                    perform(machine.receive(response), context: context)
                } else {
                    guard let command = try parser.parseCommand(from: &input) else { break }
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

    private func send(_ response: ManageSieveResponse, context: ChannelHandlerContext, close: Bool = false) {
        var buffer = context.channel.allocator.buffer(capacity: 128)
        response.encode(into: &buffer)
        if close {
            context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.write(wrapOutboundOut(buffer), promise: nil)
        }
    }

    private func perform(_ action: ManageSieveSessionAction, context: ChannelHandlerContext) {
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
            // RFC 5804 §2.2: what the client sent after STARTTLS is discarded, never executed.
            input.clear()
            parser.reset()
            let handler = NIOSSLServerHandler(context: services.tls.current)
            do { try context.pipeline.syncOperations.addHandler(handler, position: .first) } catch { context.close(promise: nil) }
        case .saslLookup(let lookup):
            saslLookup(lookup, context: context)
        case .openScripts(let name):
            user = name
            let (access, store, clock) = (services.access, services.access.store, services.clock)
            offload(context: context, { access.scriptOwner(name).map { AccountSieve(store: store, account: $0, clock: clock) } }) {
                sieve in
                guard let sieve else {
                    self.failLogin(name, context: context) { $0.loginFailed(.notPermitted) }
                    return
                }
                self.owner = sieve
                self.services.throttle.succeeded(address: self.address, account: name)
                self.logger[metadataKey: "sieve.user"] = "\(sieve.account.address)"
                self.logger.info("login")
                self.perform(self.machine.loginSucceeded(owner: sieve.account.address), context: context)
            }
        case .releaseScripts(let response):
            owner = nil
            send(response, context: context)
        case .listScripts:
            store(
                context: context,
                { (sieve) throws(PopstoreError) -> Stored in
                    let scripts = try sieve.scripts()
                    return .listed(scripts.scripts.map { ManageSieveScriptEntry(name: $0.name, isActive: $0.name == scripts.active) })
                })
        case .putScript(let name, let script):
            store(
                context: context,
                { (sieve) throws(PopstoreError) -> Stored in
                    try sieve.put(name, source: script)
                    return .done
                })
        case .setActive(let name):
            store(
                context: context,
                { (sieve) throws(PopstoreError) -> Stored in
                    try sieve.activate(name)
                    return .done
                })
        case .getScript(let name):
            store(context: context, { (sieve) throws(PopstoreError) -> Stored in .retrieved(try sieve.source(of: name)) })
        case .deleteScript(let name):
            store(
                context: context,
                { (sieve) throws(PopstoreError) -> Stored in
                    try sieve.remove(name)
                    return .done
                })
        case .renameScript(let old, let new):
            store(
                context: context,
                { (sieve) throws(PopstoreError) -> Stored in
                    try sieve.rename(old, to: new)
                    return .done
                })
        }
    }

    /// What a storage action produced.
    private enum Stored: Sendable {
        case done
        case listed([ManageSieveScriptEntry])
        case retrieved(String)
    }

    /// Runs a storage action on the account's scripts (on the thread pool) and feeds the
    /// outcome back; store errors become the protocol's response codes.
    private func store(context: ChannelHandlerContext, _ work: @escaping @Sendable (AccountSieve) throws(PopstoreError) -> Stored) {
        guard let owner else {
            perform(machine.storeFailed(.temporary), context: context)
            return
        }
        offload(
            context: context,
            { () -> Result<Stored, PopstoreError> in
                do throws(PopstoreError) { return .success(try work(owner)) } catch { return .failure(error) }
            }
        ) { result in
            switch result {
            case .success(.done): self.perform(self.machine.storeSucceeded(), context: context)
            case .success(.listed(let entries)): self.perform(self.machine.scriptsListed(entries), context: context)
            case .success(.retrieved(let source)): self.perform(self.machine.scriptRetrieved(source), context: context)
            case .failure(let error):
                self.logger.info("script operation refused", metadata: ["error": "\(error.message)"])
                self.perform(self.machine.storeFailed(Self.failure(error)), context: context)
            }
        }
    }

    static func failure(_ error: PopstoreError) -> ManageSieveStoreFailure {
        switch (AccountSieve.refusal(in: error), error) {
        case (.activeScript?, _): return .active
        case (.tooManyScripts?, _): return .quotaMaxScripts
        case (.scriptTooLarge?, _): return .quota
        case (nil, .notFound): return .nonexistent
        case (nil, .alreadyExists): return .alreadyExists
        default: return .temporary
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

    /// Answers a failed login after the throttle's delay, holding further input meanwhile
    /// (the same tarpit as POP3's).
    private func failLogin(
        _ account: String?, context: ChannelHandlerContext,
        _ event: @escaping (inout ManageSieveSessionStateMachine) -> ManageSieveSessionAction
    ) {
        let delay = services.throttle.failed(address: address, account: account)
        logger.notice("login failed", metadata: ["sieve.user": "\(account ?? "-")"])
        busy = true
        context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            self.busy = false
            self.perform(event(&self.machine), context: context)
            self.processInput(context: context)
        }
    }

    /// Runs blocking store work off the event loop, then continues on it; reads nothing meanwhile.
    private func offload<T: Sendable>(context: ChannelHandlerContext, _ work: @escaping @Sendable () -> T, then: @escaping (T) -> Void) {
        busy = true
        services.threadPool.runIfActive(eventLoop: context.eventLoop, work).assumeIsolated().whenComplete { result in
            self.busy = false
            guard context.channel.isActive else { return }
            if case .success(let value) = result { then(value) } else { context.close(promise: nil) }
            self.processInput(context: context)
        }
    }
}
