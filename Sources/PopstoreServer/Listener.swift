import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Binding a listening socket, the same way for every protocol.
enum Listener {
    /// Binds `endpoint`; each accepted connection is added to `sessions` and set up by
    /// `initialize` on its event loop.
    static func bind(
        _ endpoint: ServerConfiguration.Endpoint, sessions: OpenSessions,
        initialize: @escaping @Sendable (any Channel) throws -> Void
    ) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: false)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    sessions.add(channel)
                    try initialize(channel)
                }
            }
            .bind(host: endpoint.host, port: endpoint.port).get()
    }

    /// `HOST:PORT` as bound (the real port when 0 was asked for).
    static func bound(_ channel: any Channel, asked endpoint: ServerConfiguration.Endpoint) -> String {
        channel.localAddress.map { "\($0.ipAddress ?? endpoint.host):\($0.port ?? endpoint.port)" } ?? "\(endpoint)"
    }
}

/// Lets every service bind its sockets before root is dropped: each arrives once its
/// listeners are bound; the last to arrive runs the drop, and all go on (or all fail)
/// together.
public final class BindBarrier: Sendable {
    private struct State {
        var remaining: Int
        var waiting: [CheckedContinuation<Void, any Error>] = []
        var result: Result<Void, any Error>?
    }

    private let state: NIOLockedValueBox<State>
    private let onAllBound: @Sendable () async throws -> Void

    public init(parties: Int, onAllBound: @escaping @Sendable () async throws -> Void) {
        state = NIOLockedValueBox(State(remaining: parties))
        self.onAllBound = onAllBound
    }

    /// A party could not bind: everyone waiting fails with its error.
    func fail(_ error: any Error) {
        let waiting = state.withLockedValue { state in
            state.result = .failure(error)
            defer { state.waiting = [] }
            return state.waiting
        }
        for waiter in waiting { waiter.resume(throwing: error) }
    }

    func arrive() async throws {
        let last = try state.withLockedValue { state throws -> Bool in
            if case .failure(let error) = state.result { throw error }
            state.remaining -= 1
            return state.remaining == 0
        }
        if last {
            // The last party runs the action (off the lock: it may hop to the main thread),
            // then releases everyone waiting.
            let result: Result<Void, any Error>
            do {
                try await onAllBound()
                result = .success(())
            } catch {
                result = .failure(error)
            }
            let waiting = state.withLockedValue { state in
                state.result = state.result ?? result
                defer { state.waiting = [] }
                return state.waiting
            }
            for waiter in waiting { waiter.resume(with: result) }
            try result.get()
            return
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let done: Result<Void, any Error>? = state.withLockedValue { state in
                if let result = state.result { return result }
                state.waiting.append(continuation)
                return nil
            }
            if let done { continuation.resume(with: done) }
        }
    }
}
