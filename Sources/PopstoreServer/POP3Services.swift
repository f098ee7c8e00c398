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

/// What every POP3 session of one server shares; all of it Sendable.
struct POP3Services: Sendable {
    let configuration: ServerConfiguration
    let access: MailboxAccess
    let throttle: LoginThrottle
    let sessions: SessionCounter
    let tls: TLSContextBox
    let sasl: SASLServerConfiguration
    let threadPool: NIOThreadPool
    let logger: Logger
    let clock: WallClock

    /// The mechanisms this store can serve: CRAM-MD5 needs the sealed secrets of legacy auth.
    var mechanisms: [SASLMechanismName] {
        access.store.settings.legacyAuth ? [.scramSHA256, .cramMD5, .plain, .login] : [.scramSHA256, .plain, .login]
    }
}

/// The TLS context in use, replaced as a whole when SIGHUP reloads the certificate;
/// sessions already running keep the context they started with.
final class TLSContextBox: Sendable {
    private let box: NIOLockedValueBox<NIOSSLContext>

    init(_ context: NIOSSLContext) {
        box = NIOLockedValueBox(context)
    }

    var current: NIOSSLContext { box.withLockedValue { $0 } }

    func replace(with context: NIOSSLContext) {
        box.withLockedValue { $0 = context }
    }
}
