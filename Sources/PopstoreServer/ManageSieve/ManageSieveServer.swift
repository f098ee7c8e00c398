import Logging
import NIOCore
import NIOPosix
import PopstoreCore
import PopstoreOperations
import PopstoreStore
import SASL
import ServiceLifecycle

/// The ManageSieve listeners (RFC 5804, STARTTLS on the plain port) as one Service: users
/// put, list, activate and remove their Sieve scripts with their POP3 credentials. It
/// shares the POP3 server's services: one login throttle (a guess over ManageSieve counts
/// against POP3 too), one session count, one TLS certificate (SIGHUP renews both).
public struct ManageSieveServer: Service {
    let services: POP3Services
    let barrier: BindBarrier
    let onBound: @Sendable (String) -> Void

    public init(sharingWith pop3: POP3Server, barrier: BindBarrier, onBound: @escaping @Sendable (String) -> Void) {
        services = pop3.services
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
