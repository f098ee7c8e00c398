import Logging
import NIOPosix
import PopstoreCore
import PopstoreOperations
import PopstoreStore

/// What every LMTP session of one server shares; all of it Sendable.
struct LMTPServices: Sendable {
    let configuration: ServerConfiguration
    let store: Store
    let routing: MailRouting
    let threadPool: NIOThreadPool
    let logger: Logger
    let clock: WallClock
    /// Tells the queue runner that something was queued (a forwarded copy).
    let queued: @Sendable () -> Void
}
