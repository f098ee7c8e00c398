import ArgumentParser
import Foundation
import Logging
import PopstoreCore
import PopstoreServer
import PopstoreStore
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the servers (POP3, POP3S, LMTP, Postfix socketmap); with no options, on the embedded default on 127.0.0.1.")

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "A configuration file (TOML; see docs/configuration.md). Options given here override it.")
    var config: String?

    @Option(help: "A plain POP3 listener ADDR:PORT (repeatable; default 127.0.0.1:1110). STLS is offered on it.")
    var pop3: [String] = []

    @Option(help: "An implicit-TLS POP3S listener ADDR:PORT (repeatable; default 127.0.0.1:1995).")
    var pop3s: [String] = []

    @Option(help: "An LMTP listener ADDR:PORT for the MTA (repeatable; default 127.0.0.1:2424). No authentication: keep it private.")
    var lmtp: [String] = []

    @Option(help: "A Postfix socketmap listener ADDR:PORT (maps mailbox and access; repeatable; default 127.0.0.1:2425).")
    var socketmap: [String] = []

    @Option(
        help:
            "The relay HOST:PORT that outbound mail (forwards, bounces) is handed to, STARTTLS when offered; [relay] in the file sets the rest."
    )
    var relay: String?

    @Option(help: "A ManageSieve listener ADDR:PORT (repeatable; default 127.0.0.1:4190). STARTTLS is offered on it.")
    var managesieve: [String] = []

    @Option(help: "PEM certificate chain (default: a self-signed certificate kept in the store).")
    var certificate: String?

    @Option(help: "PEM private key for --certificate.")
    var privateKey: String?

    @Flag(help: "Refuse clear-text passwords without TLS even from loopback clients.")
    var noPlaintextOnLoopback = false

    @Option(help: "LOGIN-DELAY in seconds (RFC 2449): the shortest time between two logins of an account.")
    var loginDelay: Int?

    @Option(help: "EXPIRE in days (RFC 2449) announced to clients; 'never' for NEVER.")
    var expire: String?

    @Option(help: "Seconds a verified password spares later logins an scrypt hash (0: off; default 300).")
    var credentialCache: Double?

    @Option(help: "Default domain when the store is created now (default: this host's name).")
    var domain: String?

    func run() async throws {
        var file = ConfigurationFile()
        if let path = self.config { file = try ConfigCommand.load(path) }
        var config = file.server
        if !pop3.isEmpty { config.pop3 = try pop3.map(ServeCommand.endpoint) }
        if !pop3s.isEmpty { config.pop3s = try pop3s.map(ServeCommand.endpoint) }
        if !lmtp.isEmpty { config.lmtp = try lmtp.map(ServeCommand.endpoint) }
        if !socketmap.isEmpty { config.socketmap = try socketmap.map(ServeCommand.endpoint) }
        if !managesieve.isEmpty { config.manageSieve = try managesieve.map(ServeCommand.endpoint) }
        if file.hostname == nil { config.hostname = InitCommand.hostDomain() }
        if let relay {
            let endpoint = try ServeCommand.endpoint(relay)
            if config.outbound.relay == nil {
                config.outbound.relay = RelayEndpoint(host: endpoint.host, port: endpoint.port, heloName: "")
            }
            config.outbound.relay?.host = endpoint.host
            config.outbound.relay?.port = endpoint.port
        }
        config.certificateFile = certificate
        config.privateKeyFile = privateKey
        config.plaintextOnLoopback = !noPlaintextOnLoopback
        if let credentialCache {
            guard credentialCache >= 0 else { throw ValidationError("--credential-cache takes seconds, 0 or more") }
            config.credentialCacheSeconds = credentialCache
        }
        if let loginDelay { config.policy.loginDelaySeconds = try RetrievalPolicy.parseLoginDelay(String(loginDelay)) }
        if let expire { config.policy.expireDays = try RetrievalPolicy.parseExpire(expire) }
        let store = try openOrCreateStore(root: storeOptions.store ?? file.store ?? storeOptions.root)
        var logger = Logger(label: "popstore")
        logger.logLevel = .info
        let swept = store.removeAbandonedDeliveries()
        if swept > 0 { logger.notice("removed the tmp files of \(swept) deliveries cut short by a crash (none was acknowledged)") }
        config.outbound.relay?.heloName = config.hostname
        if let user = config.outbound.relayUser, let file = config.outbound.relayPasswordFile {
            config.outbound.relay?.credentials = .init(user: user, password: try Self.readPassword(file))
        }
        let threadPool = config.startStoreThreadPool()
        let runAs = config.runAs
        // Four listening services and the queue runner: root is dropped once all have arrived.
        let barrier = BindBarrier(parties: 5) { [logger] in try Privileges.drop(to: runAs, logger: logger) }
        let runner = OutboundQueueRunner(
            store: store, settings: config.outbound, hostname: config.hostname, logger: logger, threadPool: threadPool,
            barrier: barrier)
        let printLine: @Sendable (String) -> Void = { line in Terminal.print(line) }
        let pop3 = try POP3Server(
            store: store, configuration: config, logger: logger, threadPool: threadPool, barrier: barrier, onBound: printLine)
        let lmtp = try LMTPServer(
            store: store, configuration: config, logger: logger, threadPool: threadPool, barrier: barrier, queued: { runner.kick() },
            onBound: printLine)
        let socketmap = try SocketmapServer(
            store: store, configuration: config, logger: logger, threadPool: threadPool, barrier: barrier, onBound: printLine)
        let manageSieve = ManageSieveServer(sharingWith: pop3, barrier: barrier, onBound: printLine)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: pop3), .init(service: lmtp), .init(service: socketmap), .init(service: manageSieve),
                    .init(service: runner),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// `serve` on a new directory creates the store (DESIGN.md: "implied by serve").
    private func openOrCreateStore(root: String) throws -> Store {
        do {
            return try Store.open(at: root)
        } catch {
            // Only a missing store is made anew; a damaged one is reported as it is.
            guard case .notFound = error else { throw error }
        }
        let name = try DomainName(domain ?? InitCommand.hostDomain())
        let store = try Store.create(at: root, defaultDomain: name)
        Terminal.print("Created a store at \(store.root) with default domain \(name).")
        return store
    }

    /// The relay password: the file's first line, from a file only its owner may read.
    static func readPassword(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("cannot read relay.password-file \(path)")
        }
        if let mode = try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw ValidationError("relay.password-file \(path) must not be readable by group or others (chmod 600)")
        }
        let password = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        guard !password.isEmpty else { throw ValidationError("relay.password-file \(path) is empty") }
        return password
    }

    static func endpoint(_ text: String) throws -> ServerConfiguration.Endpoint {
        guard let endpoint = ServerConfiguration.Endpoint(parsing: text) else {
            throw ValidationError("\(text) is not ADDR:PORT")
        }
        return endpoint
    }
}
