import NIOPosix
import POP3
import PopstoreCore
import PopstoreOperations
import PopstoreStore

/// How `popstore serve` runs: listeners, TLS, limits and policies. Every limit is named
/// here with its reason; `docs/configuration.md` lists them with their defaults.
public struct ServerConfiguration: Sendable {
    /// An address to listen on.
    public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Parses `ADDR:PORT` (`[::1]:1110` for IPv6).
        public init?(parsing text: String) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
            else { return nil }
            var host = String(text[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { return nil }
            self.init(host: host, port: port)
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// Plain POP3 listeners (STLS offered on them); embedded default 127.0.0.1:1110.
    public var pop3: [Endpoint] = [Endpoint(host: "127.0.0.1", port: 1110)]
    /// Implicit-TLS POP3S listeners (RFC 8314); embedded default 127.0.0.1:1995.
    public var pop3s: [Endpoint] = [Endpoint(host: "127.0.0.1", port: 1995)]
    /// LMTP listeners (RFC 2033) where the MTA hands mail over; embedded default 127.0.0.1:2424.
    /// LMTP has no authentication: listen on loopback or a private network only.
    public var lmtp: [Endpoint] = [Endpoint(host: "127.0.0.1", port: 2424)]
    /// Postfix socketmap listeners (maps `mailbox` and `access`); embedded default 127.0.0.1:2425.
    public var socketmap: [Endpoint] = [Endpoint(host: "127.0.0.1", port: 2425)]
    /// ManageSieve listeners (RFC 5804; STARTTLS offered); embedded default 127.0.0.1:4190,
    /// the protocol's registered port.
    public var manageSieve: [Endpoint] = [Endpoint(host: "127.0.0.1", port: 4190)]
    /// The name in LMTP greetings and in the Received lines of stored mail.
    public var hostname = "localhost"
    /// The largest message accepted, in octets (announced with SIZE): beyond any normal
    /// mail, small enough that one delivery cannot fill a volume by surprise.
    public var maximumMessageSize = 64 << 20
    /// Recipients per LMTP transaction (RFC 5321 §4.5.3.1.8 asks for at least 100).
    public var maximumRecipients = 1000
    /// The subaddress separator (RFC 5233): `user+tag` is delivered to `user`; nil: none.
    public var subaddressSeparator: Character? = "+"
    /// The domain of the Sender Rewriting Scheme (SRS0) for mail sent on for others
    /// (forwards, Sieve redirects); nil keeps the original sender. Mail for this domain
    /// must reach Popstore (a bounce to a rewritten address is routed back).
    public var srsDomain: DomainName?
    /// Over-quota recipients get `452 4.2.2` (the MTA retries, and the user may make room)
    /// instead of `552 5.2.2` (the sender gets a bounce at once).
    public var overQuotaIsTemporary = false
    /// PEM certificate chain and key; nil: a self-signed pair made on first start and kept in the store.
    public var certificateFile: String?
    public var privateKeyFile: String?
    /// Clear-text passwords (USER/PASS, PLAIN, LOGIN) without TLS from loopback clients
    /// only: they never leave the machine. Off turns the exemption off.
    public var plaintextOnLoopback = true
    /// The name in the greeting and in CAPA IMPLEMENTATION.
    public var implementation = "Popstore"
    /// EXPIRE and LOGIN-DELAY (RFC 2449 §6.5, §6.7) where neither the account, its groups
    /// nor the store set one: off unless set.
    public var policy = RetrievalPolicy()
    /// RFC 1939 §3: an autologout timer of at least 10 minutes.
    public var idleTimeoutSeconds = 600
    /// Sessions from one client address at once: one address cannot take every slot.
    public var maximumSessionsPerAddress = 20
    /// Sessions in all: bounds memory and file descriptors.
    public var maximumSessions = 2000
    /// Failed logins are answered after a delay that doubles per recent failure from the
    /// same address (and the same account), up to this, so guessing is slow.
    public var maximumFailureDelaySeconds = 8.0
    /// After this many recent failures for one account from one address, that address is
    /// refused for the account until failures age out; other addresses are not affected,
    /// so nobody can lock a user out from elsewhere (shared NAT included).
    public var accountFailureLimitPerAddress = 10
    /// How long a failure counts against an address or account.
    public var failureWindowSeconds = 900.0
    /// How long a verified password spares the account's next logins an scrypt hash
    /// (a client polling every minute); 0 turns the cache off. A password change ends it.
    public var credentialCacheSeconds = 300.0
    /// Seconds an ended session's accounting (connections, times, retrievals) may wait
    /// in memory before it is written to the profile, gathered with the account's other
    /// sessions: a crash loses at most this much. 0 writes it as each session ends.
    /// Accounts under LOGIN-DELAY are always written at once.
    public var accountingIntervalSeconds = 2.0
    /// Size of the chunks in which a message is sent over TLS (FileRegion cannot pass
    /// through TLS): bounded memory per session.
    public var tlsChunkSize = 256 * 1024

    /// The user (and group) to run as once the listeners are bound, when started as
    /// root to bind ports below 1024; nil stays as started.
    public var runAs: (user: String, group: String?)?

    /// Threads that do the store's blocking work (file reads, writes and fsyncs). Most
    /// of a delivery's time is spent waiting for fsync, not computing, so more threads
    /// than cores let concurrent deliveries overlap their waits (and the disk merge their
    /// journal commits); bounded so a burst cannot create threads without end.
    public var storeThreads = 32
    /// The outbound queue: the relay it hands mail to, and its retry schedule.
    public var outbound = OutboundSettings()
    public init() {}
}

extension ServerConfiguration {
    /// The routing rule as configured: subaddresses, and SRS with the store's secret.
    public func routing(store: Store) throws -> MailRouting {
        let rewriting = try srsDomain.map { SenderRewriting(domain: $0, secret: try store.srsSecretBytes()) }
        return MailRouting(store: store, subaddressSeparator: subaddressSeparator, senderRewriting: rewriting)
    }

    /// The pool for the store's blocking work, `storeThreads` strong, started.
    public func startStoreThreadPool() -> NIOThreadPool {
        let pool = NIOThreadPool(numberOfThreads: storeThreads)
        pool.start()
        return pool
    }
}
