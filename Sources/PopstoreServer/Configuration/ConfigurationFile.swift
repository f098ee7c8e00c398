import PopstoreCore

/// A `popstore serve` configuration file (TOML), turned into a `ServerConfiguration`.
/// Every key is listed in `docs/configuration.md` with its default; an unknown key, a
/// wrong type or a value out of range is an error naming the key and the line.
public struct ConfigurationFile: Sendable {
    /// The server settings the file gives (defaults where it is silent).
    public var server = ServerConfiguration()
    /// `store = "…"`, the store directory, when given.
    public var store: String?
    /// `lmtp.hostname`, when given (else `serve` uses this machine's name).
    public var hostname: String? { hostnameGiven ? server.hostname : nil }
    private var hostnameGiven = false

    /// RFC 1939 §3: an autologout timer, if any, must be at least 10 minutes.
    public static let minimumIdleTimeout = 600

    public struct Error: Swift.Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int?
        public var message: String
        public var description: String { line.map { "line \($0): \(message)" } ?? message }
    }

    static let knownKeys: Set<String> = [
        "store",
        "pop3.listen", "pop3.tls-listen", "pop3.plaintext-on-loopback", "pop3.idle-timeout", "pop3.max-sessions",
        "pop3.max-sessions-per-address", "pop3.credential-cache", "pop3.accounting-interval", "pop3.login-delay", "pop3.expire",
        "pop3.implementation",
        "lmtp.listen", "socketmap.listen", "managesieve.listen", "lmtp.hostname", "lmtp.max-message-size", "lmtp.max-recipients",
        "delivery.subaddress-separator", "delivery.over-quota-temporary", "delivery.srs-domain",
        "tls.certificate", "tls.private-key", "tls.chunk-size",
        "login.max-failure-delay", "login.failures-per-account-and-address", "login.failure-window",
        "server.user", "server.group", "server.store-threads",
        "relay.host", "relay.port", "relay.security", "relay.user", "relay.password-file", "relay.ca-file",
        "relay.verify-certificate",
        "queue.retry-initial", "queue.retry-maximum", "queue.lifetime", "queue.scan-interval", "queue.concurrency",
    ]
    static let knownTables: Set<String> = [
        "pop3", "lmtp", "socketmap", "delivery", "tls", "login", "server", "relay", "queue", "managesieve",
    ]

    /// The embedded default: no file.
    public init() {}

    public init(parsing text: String) throws(Error) {
        let document: TOMLDocument
        do { document = try TOMLDocument(parsing: text) } catch { throw Error(line: error.line, message: error.message) }
        for table in document.tables where !ConfigurationFile.knownTables.contains(table) {
            throw Error(line: nil, message: "unknown table [\(table)]")
        }
        for (key, entry) in document.values where !ConfigurationFile.knownKeys.contains(key) {
            throw Error(line: entry.line, message: "unknown key \(key)")
        }
        let reader = Reader(document: document)
        store = try reader.string("store")
        if let listen = try reader.endpoints("pop3.listen") { server.pop3 = listen }
        if let listen = try reader.endpoints("pop3.tls-listen") { server.pop3s = listen }
        if let value = try reader.bool("pop3.plaintext-on-loopback") { server.plaintextOnLoopback = value }
        if let value = try reader.int("pop3.idle-timeout", in: ConfigurationFile.minimumIdleTimeout...86_400) {
            server.idleTimeoutSeconds = value
        }
        if let value = try reader.int("pop3.max-sessions", in: 1...1_000_000) { server.maximumSessions = value }
        if let value = try reader.int("pop3.max-sessions-per-address", in: 1...1_000_000) { server.maximumSessionsPerAddress = value }
        if let value = try reader.int("pop3.credential-cache", in: 0...86_400) { server.credentialCacheSeconds = Double(value) }
        if let value = try reader.int("pop3.accounting-interval", in: 0...300) { server.accountingIntervalSeconds = Double(value) }
        if let value = try reader.int("pop3.login-delay", in: 0...RetrievalPolicy.maximumLoginDelaySeconds) {
            server.policy.loginDelaySeconds = value
        }
        if let entry = document.values["pop3.expire"] {
            switch entry.value {
            case .integer(let days) where (0...RetrievalPolicy.maximumExpireDays).contains(days): server.policy.expireDays = days
            case .string(let text) where text.lowercased() == "never": server.policy.expireDays = RetrievalPolicy.never
            default:
                throw Error(line: entry.line, message: "pop3.expire takes days (0 to \(RetrievalPolicy.maximumExpireDays)) or \"never\"")
            }
        }
        if let value = try reader.string("pop3.implementation") {
            guard !value.isEmpty, value.count <= 64, value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
                throw Error(
                    line: document.values["pop3.implementation"]?.line,
                    message: "pop3.implementation must be 1 to 64 printable ASCII characters")
            }
            server.implementation = value
        }
        if let listen = try reader.endpoints("lmtp.listen") { server.lmtp = listen }
        if let listen = try reader.endpoints("socketmap.listen") { server.socketmap = listen }
        if let listen = try reader.endpoints("managesieve.listen") { server.manageSieve = listen }
        if let value = try reader.string("lmtp.hostname") {
            guard !value.isEmpty, value.count <= 255, value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
                throw Error(line: document.values["lmtp.hostname"]?.line, message: "lmtp.hostname must be a host name")
            }
            server.hostname = value
            hostnameGiven = true
        }
        if let value = try reader.int("lmtp.max-message-size", in: 1024...(1 << 31)) { server.maximumMessageSize = value }
        if let value = try reader.int("lmtp.max-recipients", in: 100...100_000) { server.maximumRecipients = value }
        if let value = try reader.string("delivery.subaddress-separator") {
            guard value.count <= 1, value.unicodeScalars.allSatisfy({ "+-_=#".unicodeScalars.contains($0) }) else {
                throw Error(
                    line: document.values["delivery.subaddress-separator"]?.line,
                    message: "delivery.subaddress-separator is one of + - _ = # (or \"\" for none)")
            }
            server.subaddressSeparator = value.first
        }
        if let value = try reader.bool("delivery.over-quota-temporary") { server.overQuotaIsTemporary = value }
        if let value = try reader.string("delivery.srs-domain") {
            do { server.srsDomain = try DomainName(value) } catch {
                throw Error(line: document.values["delivery.srs-domain"]?.line, message: "delivery.srs-domain must be a domain name")
            }
        }
        server.certificateFile = try reader.string("tls.certificate")
        server.privateKeyFile = try reader.string("tls.private-key")
        guard (server.certificateFile == nil) == (server.privateKeyFile == nil) else {
            throw Error(line: nil, message: "tls.certificate and tls.private-key go together")
        }
        if let value = try reader.int("tls.chunk-size", in: 4096...(16 << 20)) { server.tlsChunkSize = value }
        if let value = try reader.int("login.max-failure-delay", in: 0...60) { server.maximumFailureDelaySeconds = Double(value) }
        if let value = try reader.int("login.failures-per-account-and-address", in: 1...10_000) {
            server.accountFailureLimitPerAddress = value
        }
        if let value = try reader.int("login.failure-window", in: 1...86_400) { server.failureWindowSeconds = Double(value) }
        try readOutbound(reader)
        if let value = try reader.int("server.store-threads", in: 1...1024) { server.storeThreads = value }
        if let user = try reader.string("server.user") {
            server.runAs = (user, try reader.string("server.group"))
        } else if document.values["server.group"] != nil {
            throw Error(line: document.values["server.group"]?.line, message: "server.group needs server.user")
        }
    }

    /// `[relay]` and `[queue]`.
    private mutating func readOutbound(_ reader: Reader) throws(Error) {
        let document = reader.document
        if let host = try reader.string("relay.host") {
            guard !host.isEmpty, host.utf8.count <= 255, host.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
                throw Error(line: document.values["relay.host"]?.line, message: "relay.host must be a host name or address")
            }
            var relay = RelayEndpoint(host: host, port: try reader.int("relay.port", in: 1...65535) ?? 25, heloName: server.hostname)
            if let value = try reader.string("relay.security") {
                guard let security = RelayEndpoint.Security(rawValue: value) else {
                    throw Error(
                        line: document.values["relay.security"]?.line,
                        message: "relay.security is one of none, starttls, required, implicit")
                }
                relay.security = security
            }
            relay.caFile = try reader.string("relay.ca-file")
            relay.verifyCertificate = try reader.bool("relay.verify-certificate") ?? true
            server.outbound.relay = relay
            server.outbound.relayUser = try reader.string("relay.user")
            server.outbound.relayPasswordFile = try reader.string("relay.password-file")
            guard (server.outbound.relayUser == nil) == (server.outbound.relayPasswordFile == nil) else {
                throw Error(line: nil, message: "relay.user and relay.password-file go together")
            }
        } else {
            for key in ["relay.port", "relay.security", "relay.user", "relay.password-file", "relay.ca-file", "relay.verify-certificate"]
            where document.values[key] != nil {
                throw Error(line: document.values[key]?.line, message: "\(key) needs relay.host")
            }
        }
        var schedule = server.outbound.schedule
        if let value = try reader.int("queue.retry-initial", in: 1...86_400) { schedule.initial = Double(value) }
        if let value = try reader.int("queue.retry-maximum", in: 1...86_400) { schedule.maximum = Double(value) }
        if let value = try reader.int("queue.lifetime", in: 1...(30 * 86_400)) { schedule.lifetime = Double(value) }
        server.outbound.schedule = RetrySchedule(initial: schedule.initial, maximum: schedule.maximum, lifetime: schedule.lifetime)
        if let value = try reader.int("queue.scan-interval", in: 1...3600) { server.outbound.scanInterval = Double(value) }
        if let value = try reader.int("queue.concurrency", in: 1...64) { server.outbound.concurrency = value }
    }

    private struct Reader {
        let document: TOMLDocument

        func string(_ key: String) throws(Error) -> String? {
            guard let entry = document.values[key] else { return nil }
            guard case .string(let value) = entry.value else { throw Error(line: entry.line, message: "\(key) takes a string") }
            return value
        }

        func bool(_ key: String) throws(Error) -> Bool? {
            guard let entry = document.values[key] else { return nil }
            guard case .boolean(let value) = entry.value else { throw Error(line: entry.line, message: "\(key) takes true or false") }
            return value
        }

        func int(_ key: String, in range: ClosedRange<Int>) throws(Error) -> Int? {
            guard let entry = document.values[key] else { return nil }
            guard case .integer(let value) = entry.value, range.contains(value) else {
                throw Error(line: entry.line, message: "\(key) takes a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }

        func endpoints(_ key: String) throws(Error) -> [ServerConfiguration.Endpoint]? {
            guard let entry = document.values[key] else { return nil }
            guard case .array(let items) = entry.value else {
                throw Error(line: entry.line, message: "\(key) takes a list such as [\"0.0.0.0:110\"]")
            }
            var endpoints: [ServerConfiguration.Endpoint] = []
            for item in items {
                guard case .string(let text) = item, let endpoint = ServerConfiguration.Endpoint(parsing: text) else {
                    throw Error(line: entry.line, message: "\(key): each entry is \"ADDR:PORT\"")
                }
                endpoints.append(endpoint)
            }
            return endpoints
        }
    }
}
