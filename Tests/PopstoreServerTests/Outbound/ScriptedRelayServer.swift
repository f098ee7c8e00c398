import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// A relay for the tests: answers SMTP on 127.0.0.1 by a fixed script and records every
/// command line (and whether TLS was up for it) and every message's bytes as received.
final class ScriptedRelayServer: Sendable {
    struct Script: Sendable {
        /// False for a server that accepts the connection and never says anything.
        var greets = true
        var extensions = ["PIPELINING", "8BITMIME", "AUTH PLAIN"]
        var offersSTARTTLS = false
        /// TLS from the first byte.
        var implicitTLS = false
        /// The whole reply line for each refused recipient address.
        var refusedRecipients: [String: String] = [:]
        var messageReply = "250 2.0.0 Ok: queued as 1"
        /// True for a server that stops reading after its 354, with a small receive buffer,
        /// so that the client's writes stall.
        var stallsAfterDATA = false
    }

    struct Command: Sendable, Equatable {
        var line: String
        var overTLS: Bool
    }

    struct Session: Sendable, Equatable {
        var commands: [Command] = []
        /// Each message's bytes from the first after 354 up to and including `.` CRLF.
        var messages: [[UInt8]] = []
    }

    let port: Int
    private let channel: any Channel
    private let sessions: NIOLockedValueBox<[Session]>

    private init(port: Int, channel: any Channel, sessions: NIOLockedValueBox<[Session]>) {
        self.port = port
        self.channel = channel
        self.sessions = sessions
    }

    static func start(_ script: Script = Script(), tls: NIOSSLContext? = nil) async throws -> ScriptedRelayServer {
        let sessions = NIOLockedValueBox<[Session]>([])
        var bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        // Set on the listener, so that accepted sockets start with the small window.
        if script.stallsAfterDATA { bootstrap = bootstrap.serverChannelOption(.socketOption(.so_rcvbuf), value: 4096) }
        let channel =
            try await bootstrap
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let index = sessions.withLockedValue {
                        $0.append(Session())
                        return $0.count - 1
                    }
                    let sync = channel.pipeline.syncOperations
                    if script.implicitTLS, let tls { try sync.addHandler(NIOSSLServerHandler(context: tls)) }
                    try sync.addHandler(ScriptedRelayHandler(script: script, tls: tls, sessions: sessions, index: index))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ScriptedRelayServer(port: channel.localAddress?.port ?? 0, channel: channel, sessions: sessions)
    }

    var recorded: [Session] { sessions.withLockedValue { $0 } }

    func stop() async {
        try? await channel.close()
    }

    /// A port on 127.0.0.1 that nothing listens on: bound, then closed.
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}

/// One connection to ``ScriptedRelayServer``.
private final class ScriptedRelayHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private static let endOfData: [UInt8] = Array("\r\n.\r\n".utf8)

    private let script: ScriptedRelayServer.Script
    private let tls: NIOSSLContext?
    private let sessions: NIOLockedValueBox<[ScriptedRelayServer.Session]>
    private let index: Int
    private var input: [UInt8] = []
    private var overTLS: Bool
    private var isReadingData = false
    /// The data so far, after a CRLF standing for the line end before it.
    private var data: [UInt8] = []
    private var scanned = 0

    init(script: ScriptedRelayServer.Script, tls: NIOSSLContext?, sessions: NIOLockedValueBox<[ScriptedRelayServer.Session]>, index: Int) {
        self.script = script
        self.tls = tls
        self.sessions = sessions
        self.index = index
        self.overTLS = false
    }

    func channelActive(context: ChannelHandlerContext) {
        if script.greets { reply(["220 relay.test ESMTP ready"], context: context) }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event { overTLS = true }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard script.greets else { return }
        input.append(contentsOf: unwrapInboundIn(data).readableBytesView)
        process(context: context)
    }

    private func process(context: ChannelHandlerContext) {
        while context.channel.isActive {
            if isReadingData {
                data.append(contentsOf: input)
                input = []
                guard let end = findEndOfData() else { return }
                let message = Array(data[2..<end])
                input = Array(data[end...])
                isReadingData = false
                sessions.withLockedValue { $0[index].messages.append(message) }
                reply([script.messageReply], context: context)
                continue
            }
            guard let lineFeed = input.firstIndex(of: 10), lineFeed > 0, input[lineFeed - 1] == 13 else { return }
            let line = String(decoding: input[..<(lineFeed - 1)], as: UTF8.self)
            input.removeSubrange(...lineFeed)
            handle(line, context: context)
        }
    }

    private func findEndOfData() -> Int? {
        let pattern = Self.endOfData
        guard data.count >= pattern.count else { return nil }
        let start = max(0, scanned - pattern.count)
        scanned = data.count
        var position = start
        while position + pattern.count <= data.count {
            if data[position] == 13, data[position..<(position + pattern.count)].elementsEqual(pattern) {
                return position + pattern.count
            }
            position += 1
        }
        return nil
    }

    private func handle(_ line: String, context: ChannelHandlerContext) {
        sessions.withLockedValue { $0[index].commands.append(.init(line: line, overTLS: overTLS)) }
        let verb = line.split(separator: " ", maxSplits: 1).first.map { $0.uppercased() } ?? ""
        switch verb {
        case "EHLO":
            var lines = ["relay.test"] + script.extensions
            if script.offersSTARTTLS && !overTLS { lines.append("STARTTLS") }
            reply(lines.enumerated().map { "250\($0.offset == lines.count - 1 ? " " : "-")\($0.element)" }, context: context)
        case "HELO", "RSET", "NOOP":
            reply(["250 relay.test"], context: context)
        case "STARTTLS":
            guard let tls, !overTLS else { return reply(["454 4.7.0 TLS not available"], context: context) }
            reply(["220 2.0.0 Ready to start TLS"], context: context)
            input = []
            try? context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
        case "AUTH":
            reply(["235 2.7.0 Authentication successful"], context: context)
        case "MAIL":
            reply(["250 2.1.0 Ok"], context: context)
        case "RCPT":
            let address = line.split(separator: "<", maxSplits: 1).last?.split(separator: ">").first.map(String.init) ?? ""
            reply([script.refusedRecipients[address] ?? "250 2.1.5 Ok"], context: context)
        case "DATA":
            reply(["354 End data with <CR><LF>.<CR><LF>"], context: context)
            isReadingData = true
            data = [13, 10]
            scanned = 0
            if script.stallsAfterDATA { try? context.channel.syncOptions?.setOption(.autoRead, value: false) }
        case "QUIT":
            var buffer = context.channel.allocator.buffer(capacity: 32)
            buffer.writeString("221 2.0.0 Bye\r\n")
            context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        default:
            reply(["500 5.5.2 Error: command not recognized"], context: context)
        }
    }

    private func reply(_ lines: [String], context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        for line in lines { buffer.writeString(line + "\r\n") }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }
}
