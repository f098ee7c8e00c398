import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SMTP

/// Hands one message to the relay over SMTP: connects, runs ``SMTPClientStateMachine``
/// through an ``SMTPRelayHandler``, and returns the state machine's result.
/// - SeeAlso: RFC 5321 §3, §4.1, RFC 3207, RFC 4954, RFC 8314
public enum SMTPRelayClient {
    /// Runs one SMTP session that hands `envelope`'s message to the relay, and returns once
    /// the session is over (the connection closed). Never throws: every failure (an
    /// unusable configuration, DNS, a refused connection, a timeout, a TLS failure, a lost
    /// connection) becomes an ``SMTPDeliveryResult`` with a session failure, temporary
    /// unless the state machine says permanent.
    ///
    /// Logs at debug the commands' verbs, the reply codes and the outcome; never the
    /// password or the message.
    public static func send(
        envelope: SMTPClientEnvelope, body: RelayMessageBody, to endpoint: RelayEndpoint,
        group: any EventLoopGroup, fileIO: NonBlockingFileIO, logger: Logger
    ) async -> SMTPDeliveryResult {
        var logger = logger
        logger[metadataKey: "smtp.relay"] = "\(endpoint.host):\(endpoint.port)"

        let configuration: SMTPClientConfiguration
        do {
            configuration = try endpoint.clientConfiguration()
        } catch {
            logger.error("relay configuration unusable", metadata: ["error": "\(error)"])
            let reason: SMTPDeliveryResult.Failure.Reason = error == .invalidCredentials ? .authenticationUnavailable : .connectionLost
            return failedSession(envelope, .init(.temporary, reason))
        }

        let tlsContext: NIOSSLContext?
        do {
            tlsContext = endpoint.security == .none ? nil : try endpoint.makeTLSContext()
        } catch {
            logger.error("relay TLS context unusable", metadata: ["error": "\(error)"])
            return failedSession(envelope, .init(.temporary, .tlsUnavailable))
        }

        let machine = SMTPClientStateMachine(configuration: configuration, envelope: envelope)
        let eventLoop = group.next()
        let result = eventLoop.makePromise(of: SMTPDeliveryResult.self)
        let settings = SMTPRelayHandler.Settings(
            body: body, fileIO: fileIO,
            tls: tlsContext.map { .init(context: $0, serverHostname: endpoint.serverNameIndication) },
            hidesSTARTTLS: endpoint.security == .none, replyTimeout: endpoint.replyTimeout)
        let isImplicitTLS = endpoint.security == .implicit
        let sessionLogger = logger

        // Happy Eyeballs may open a channel for each address and keep one: reading stays off
        // until the winner is known, and only its handler is started.
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(endpoint.connectTimeout)
            .channelOption(.autoRead, value: false)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if isImplicitTLS, let tls = settings.tls { try sync.addHandler(tls.makeHandler()) }
                    try sync.addHandler(SMTPRelayHandler(machine: machine, settings: settings, result: result, logger: sessionLogger))
                }
            }

        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: endpoint.connectHost, port: endpoint.port).get()
        } catch {
            logger.info("relay connection failed", metadata: ["error": "\(error)"])
            var machine = machine
            let isTimeout = if case ChannelError.connectTimeout = error { true } else { false }
            let outcome = finishedResult(isTimeout ? machine.timedOut() : machine.connectionClosed(), envelope: envelope)
            result.succeed(outcome)
            return outcome
        }
        logger.debug("relay connected", metadata: ["smtp.peer": "\(channel.remoteAddress.map { "\($0)" } ?? "?")"])

        channel.eventLoop.execute {
            do {
                let context = try channel.pipeline.syncOperations.context(handlerType: SMTPRelayHandler.self)
                try channel.pipeline.syncOperations.handler(type: SMTPRelayHandler.self).start(context: context)
            } catch {
                // The connection ended before the session could start.
                var machine = machine
                result.succeed(finishedResult(machine.connectionClosed(), envelope: envelope))
            }
        }

        let outcome: SMTPDeliveryResult
        do {
            outcome = try await result.futureResult.get()
        } catch {
            outcome = failedSession(envelope, .init(.temporary, .connectionLost))
        }
        // After the result the session may still say QUIT; it is bounded by the reply timeout.
        try? await channel.closeFuture.get()
        return outcome
    }

    /// The result a `.finished` action among `actions` carries, or a lost connection.
    static func finishedResult(_ actions: [SMTPClientAction], envelope: SMTPClientEnvelope) -> SMTPDeliveryResult {
        for case .finished(let outcome) in actions { return outcome }
        return failedSession(envelope, .init(.temporary, .connectionLost))
    }

    /// Every recipient failed with the session's `failure`, for a session that never began.
    static func failedSession(_ envelope: SMTPClientEnvelope, _ failure: SMTPDeliveryResult.Failure) -> SMTPDeliveryResult {
        SMTPDeliveryResult(
            recipients: envelope.recipients.map { .init(address: $0.address, status: .failed(failure)) },
            sessionFailure: failure)
    }
}
