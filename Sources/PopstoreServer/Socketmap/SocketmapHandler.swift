import Logging
import NIOCore
import NIOPosix
import Socketmap

/// One Postfix socketmap connection: netstring requests in, netstring replies out, one at
/// a time (Postfix waits for each reply); lookups run on the thread pool.
final class SocketmapHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The longest request: a map name and an address (RFC 5321: 256 octets) with room
    /// to spare; Postfix sends nothing longer.
    static let maximumRequestLength = 1024

    private let maps: RecipientMaps
    private let threadPool: NIOThreadPool
    private let logger: Logger
    private let decoder = NetstringDecoder(maximumLength: SocketmapHandler.maximumRequestLength)
    private var input = ByteBuffer()
    private var busy = false

    init(maps: RecipientMaps, threadPool: NIOThreadPool, logger: Logger) {
        self.maps = maps
        self.threadPool = threadPool
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        input.writeBuffer(&bytes)
        process(context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func process(context: ChannelHandlerContext) {
        while !busy && context.channel.isActive {
            let payload: [UInt8]
            do {
                guard let decoded = try decoder.decode(from: &input) else { break }
                payload = decoded
            } catch {
                // The framing is lost: say so once (Postfix logs it) and hang up.
                logger.notice("socketmap: malformed request", metadata: ["error": "\(error)"])
                reply(.permanent("malformed netstring"), context: context)
                context.flush()
                context.close(promise: nil)
                return
            }
            guard let request = SocketmapRequest(payload: payload) else {
                reply(.permanent("a request is 'name key'"), context: context)
                continue
            }
            busy = true
            let maps = self.maps
            threadPool.runIfActive(eventLoop: context.eventLoop) { maps.answer(request) }.assumeIsolated().whenComplete { result in
                self.busy = false
                self.reply((try? result.get()) ?? .temporary("lookup failed"), context: context)
                context.flush()
                self.process(context: context)
            }
        }
        input.discardReadBytes()
        context.flush()
    }

    private func reply(_ reply: SocketmapReply, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        Netstring.encode(reply.payload, into: &buffer)
        context.write(wrapOutboundOut(buffer), promise: nil)
    }
}
