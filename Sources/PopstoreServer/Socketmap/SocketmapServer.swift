import Logging
import NIOCore
import NIOPosix
import PopstoreOperations
import PopstoreStore
import ServiceLifecycle

/// The Postfix socketmap listeners as one Service (the recipient checks Postfix makes
/// during SMTP, before it accepts mail it would have to bounce).
public struct SocketmapServer: Service {
    let configuration: ServerConfiguration
    let maps: RecipientMaps
    let threadPool: NIOThreadPool
    let logger: Logger
    let barrier: BindBarrier
    let onBound: @Sendable (String) -> Void

    /// Postfix keeps socketmap connections open and reuses them; an idle one is closed
    /// after this, as Postfix's own `idle_time` would.
    static let idleSeconds: Int64 = 300

    public init(
        store: Store, configuration: ServerConfiguration, logger: Logger, threadPool: NIOThreadPool = .singleton,
        barrier: BindBarrier, onBound: @escaping @Sendable (String) -> Void
    ) throws {
        self.configuration = configuration
        self.threadPool = threadPool
        self.maps = RecipientMaps(
            routing: try configuration.routing(store: store),
            overQuotaIsTemporary: configuration.overQuotaIsTemporary)
        self.logger = logger
        self.barrier = barrier
        self.onBound = onBound
    }

    public func run() async throws {
        let (maps, logger, threadPool) = (self.maps, self.logger, self.threadPool)
        let sessions = OpenSessions()
        var channels: [any Channel] = []
        do {
            for endpoint in configuration.socketmap {
                let channel = try await Listener.bind(endpoint, sessions: sessions) { channel in
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: .seconds(SocketmapServer.idleSeconds)))
                    try sync.addHandler(SocketmapHandler(maps: maps, threadPool: threadPool, logger: logger))
                }
                channels.append(channel)
                onBound("socketmap \(Listener.bound(channel, asked: endpoint))")
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
