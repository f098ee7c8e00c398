import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import POP3
import PopstoreCore
import PopstoreOperations
import PopstoreStore
import SASL
import ServiceLifecycle
import UnixSignals

/// The POP3 and POP3S listeners as one Service: binds (then waits at the barrier until
/// every service has bound and root is dropped), serves until graceful shutdown,
/// then stops accepting and closes its sessions (each releases its maildrop lock, and
/// a session without QUIT changes nothing).
public struct POP3Server: Service {
    let services: POP3Services
    let onBound: @Sendable (String) -> Void
    let store: Store
    let barrier: BindBarrier

    /// - Parameter onBound: told one line per bound endpoint ("pop3 127.0.0.1:1110").
    public init(
        store: Store, configuration: ServerConfiguration, logger: Logger, clock: WallClock = .system,
        threadPool: NIOThreadPool = .singleton, barrier: BindBarrier, onBound: @escaping @Sendable (String) -> Void
    ) throws {
        guard let decoyKey = ScramDecoyKey(rawBytes: try store.scramDecoyKeyBytes()),
            let sasl = SASLServerConfiguration(challengeHost: "popstore", scramDecoyKey: decoyKey, successData: .asChallenge)
        else { throw PopstoreError.permanent("cannot set up SASL") }
        services = POP3Services(
            configuration: configuration,
            access: MailboxAccess(
                store: store, clock: clock, credentialCacheSeconds: configuration.credentialCacheSeconds,
                defersAccounting: configuration.accountingIntervalSeconds > 0),
            throttle: LoginThrottle(configuration: configuration, clock: clock), sessions: SessionCounter(configuration: configuration),
            tls: TLSContextBox(try TLSIdentity.serverContext(configuration: configuration, store: store)), sasl: sasl,
            threadPool: threadPool, logger: logger, clock: clock)
        self.onBound = onBound
        self.store = store
        self.barrier = barrier
    }

    public func run() async throws {
        let services = self.services
        let sessions = OpenSessions()
        var channels: [any Channel] = []
        let endpoints = services.configuration.pop3.map { ($0, false) } + services.configuration.pop3s.map { ($0, true) }
        do {
            for (endpoint, implicitTLS) in endpoints {
                let channel = try await Listener.bind(endpoint, sessions: sessions) { channel in
                    let sync = channel.pipeline.syncOperations
                    if implicitTLS { try sync.addHandler(NIOSSLServerHandler(context: services.tls.current)) }
                    try sync.addHandler(IdleStateHandler(readTimeout: .seconds(Int64(services.configuration.idleTimeoutSeconds))))
                    try sync.addHandler(
                        POP3SessionHandler(
                            services: services, implicitTLS: implicitTLS, loopback: channel.remoteAddress?.isLoopback ?? false,
                            sessionID: POP3Server.sessionID()))
                }
                channels.append(channel)
                onBound("\(implicitTLS ? "pop3s" : "pop3") \(Listener.bound(channel, asked: endpoint))")
            }
        } catch {
            barrier.fail(error)
            throw error
        }
        try await barrier.arrive()
        // SIGHUP reloads the certificate and key (renewed certificates without a restart).
        let reloader = Task { [services, store] in
            for await _ in await UnixSignalsSequence(trapping: .sighup) {
                do {
                    services.tls.replace(with: try TLSIdentity.serverContext(configuration: services.configuration, store: store))
                    services.logger.notice("TLS certificate reloaded")
                } catch {
                    services.logger.error("TLS certificate reload failed; keeping the old one", metadata: ["error": "\(error)"])
                }
            }
        }
        // Ended sessions' accounting, written every few seconds (DeferredAccounting).
        let flusher = Task { [services] in
            let interval = services.configuration.accountingIntervalSeconds
            guard interval > 0 else { return }
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(interval))
                try? await services.threadPool.runIfActive { services.access.flushAccounting() }
            }
        }
        try? await gracefulShutdown()
        reloader.cancel()
        flusher.cancel()
        // Stop accepting, then end every session: one without QUIT changes nothing
        // (RFC 1939 §6), and each releases its maildrop lock as it closes. A channel's
        // close future completes after its handler has noted the session's accounting,
        // so the last flush below has every figure.
        for channel in channels { try? await channel.close() }
        for channel in sessions.all() {
            channel.close(promise: nil)
            try? await channel.closeFuture.get()
        }
        try? await services.threadPool.runIfActive { services.access.flushAccounting() }
    }

    static func sessionID() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }
}

extension SocketAddress {
    /// 127.0.0.0/8 and ::1: a client on this machine.
    var isLoopback: Bool {
        guard let ip = ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}

/// The sessions open now, so a graceful shutdown can end them.
final class OpenSessions: Sendable {
    private let channels = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    func add(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        channels.withLockedValue { $0[id] = channel }
        channel.closeFuture.whenComplete { _ in _ = self.channels.withLockedValue { $0.removeValue(forKey: id) } }
    }

    func all() -> [any Channel] { channels.withLockedValue { Array($0.values) } }
}
