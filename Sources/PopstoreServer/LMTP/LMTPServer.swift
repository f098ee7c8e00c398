import Logging
import NIOCore
import NIOPosix
import PopstoreCore
import PopstoreOperations
import PopstoreStore
import ServiceLifecycle

/// The LMTP listeners as one Service: binds, waits at the barrier, serves until graceful
/// shutdown, then stops accepting and ends its sessions. A message whose end was not
/// answered is not acknowledged, so the MTA sends it again: nothing is lost.
public struct LMTPServer: Service {
    let services: LMTPServices
    let barrier: BindBarrier
    let onBound: @Sendable (String) -> Void

    public init(
        store: Store, configuration: ServerConfiguration, logger: Logger, clock: WallClock = .system,
        threadPool: NIOThreadPool = .singleton, barrier: BindBarrier, queued: @escaping @Sendable () -> Void = {},
        onBound: @escaping @Sendable (String) -> Void
    ) throws {
        services = LMTPServices(
            configuration: configuration, store: store,
            routing: try configuration.routing(store: store),
            threadPool: threadPool, logger: logger, clock: clock, queued: queued)
        self.barrier = barrier
        self.onBound = onBound
    }

    public func run() async throws {
        let services = self.services
        let sessions = OpenSessions()
        var channels: [any Channel] = []
        do {
            for endpoint in services.configuration.lmtp {
                let channel = try await Listener.bind(endpoint, sessions: sessions) { channel in
                    let sync = channel.pipeline.syncOperations
                    // RFC 5321 §4.5.3.2.7: a server waits at least 5 minutes for the next command.
                    try sync.addHandler(IdleStateHandler(readTimeout: .seconds(Int64(services.configuration.idleTimeoutSeconds))))
                    try sync.addHandler(LMTPSessionHandler(services: services, sessionID: POP3Server.sessionID()))
                }
                channels.append(channel)
                onBound("lmtp \(Listener.bound(channel, asked: endpoint))")
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
