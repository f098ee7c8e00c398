import Logging
import NIOCore
import NIOPosix
import PopstoreCore
import PopstoreOperations
import PopstoreStore
import SASL
import ServiceLifecycle

/// What every ManageSieve session of one server shares; all of it Sendable.
struct ManageSieveServices: Sendable {
    let configuration: ServerConfiguration
    let access: MailboxAccess
    let throttle: LoginThrottle
    let sessions: SessionCounter
    let tls: TLSContextBox
    let sasl: SASLServerConfiguration
    let threadPool: NIOThreadPool
    let logger: Logger
    let clock: WallClock

    /// The same mechanisms as POP3's.
    var mechanisms: [SASLMechanismName] {
        access.store.settings.legacyAuth ? [.scramSHA256, .cramMD5, .plain, .login] : [.scramSHA256, .plain, .login]
    }
}

/// The ManageSieve listeners (RFC 5804, STARTTLS on the plain port) as one Service: users
/// put, list, activate and remove their Sieve scripts with their POP3 credentials; the
/// same login throttle, session limits and TLS certificate as POP3.
public struct ManageSieveServer: Service {
    let services: ManageSieveServices
    let barrier: BindBarrier
    let onBound: @Sendable (String) -> Void

    public init(
        store: Store, configuration: ServerConfiguration, logger: Logger, clock: WallClock = .system,
        threadPool: NIOThreadPool = .singleton, tls: TLSContextBox, barrier: BindBarrier, onBound: @escaping @Sendable (String) -> Void
    ) throws {
        guard let decoyKey = ScramDecoyKey(rawBytes: try store.scramDecoyKeyBytes()),
            let sasl = SASLServerConfiguration(challengeHost: "popstore", scramDecoyKey: decoyKey, successData: .asChallenge)
        else { throw PopstoreError.permanent("cannot set up SASL") }
        services = ManageSieveServices(
            configuration: configuration,
            access: MailboxAccess(store: store, clock: clock, credentialCacheSeconds: configuration.credentialCacheSeconds),
            throttle: LoginThrottle(configuration: configuration, clock: clock), sessions: SessionCounter(configuration: configuration),
            tls: tls, sasl: sasl, threadPool: threadPool, logger: logger, clock: clock)
        self.barrier = barrier
        self.onBound = onBound
    }

    public func run() async throws {
        let services = self.services
        let sessions = OpenSessions()
        var channels: [any Channel] = []
        do {
            for endpoint in services.configuration.manageSieve {
                let channel = try await Listener.bind(endpoint, sessions: sessions) { channel in
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: .seconds(Int64(services.configuration.idleTimeoutSeconds))))
                    try sync.addHandler(
                        ManageSieveSessionHandler(
                            services: services, loopback: channel.remoteAddress?.isLoopback ?? false, sessionID: POP3Server.sessionID()))
                }
                channels.append(channel)
                onBound("managesieve \(Listener.bound(channel, asked: endpoint))")
            }
        } catch {
            barrier.fail(error)
            throw error
        }
        try await barrier.arrive()
        try? await gracefulShutdown()
        for channel in channels { try? await channel.close() }
        for channel in sessions.all() { try? await channel.close() }
    }
}
