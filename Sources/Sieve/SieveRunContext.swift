/// What a run may ask of the world, supplied by the caller so that the interpreter does
/// no I/O: environment items, the duplicate-tracking store and the mailbox list.
public struct SieveRunContext: Sendable {
    /// Environment items by lowercase name, such as "domain", "host", "name", "phase",
    /// "remote-host" (RFC 5183 §4). An item not given makes the test false.
    public var environment: [String: String]
    /// Whether the ID was seen before under its handle (RFC 7352 §3); recording is the
    /// caller's job, from `SieveResult.duplicateChecks`, once delivery succeeded.
    public var isDuplicate: @Sendable (SieveDuplicateCheck) -> Bool
    /// Whether a mailbox exists (RFC 5490 §3.1).
    public var mailboxExists: @Sendable (String) -> Bool
    /// The time of delivery and the local zone, for `currentdate` and for `date` without
    /// `:zone` (RFC 5260 §4.1, §5); the interpreter never reads a clock.
    public var now: SieveTimestamp
    /// The source of a script `include` names, or `nil` when there is none (RFC 6609 §3.2).
    /// Scripts are compiled when the include runs, with the including script's capabilities.
    public var loadScript: @Sendable (_ name: String, _ location: SieveIncludeLocation) -> String?
    /// The characters that separate user from detail in a local part, each one on its own
    /// (RFC 5233 §1 leaves the separator to the site); the first one found splits.
    public var subaddressSeparators: String
    /// Longest value a variable may hold, in bytes (RFC 5229 §6 lets a site cap it).
    public var maximumVariableSize: Int
    /// Which fields scripts may add and delete, and how large an added one may be.
    public var headerEditPolicy = SieveHeaderEditPolicy()

    public init(
        environment: [String: String] = [:],
        now: SieveTimestamp = SieveTimestamp(secondsSince1970: 0),
        isDuplicate: @escaping @Sendable (SieveDuplicateCheck) -> Bool = { _ in false },
        mailboxExists: @escaping @Sendable (String) -> Bool = { $0.uppercased() == "INBOX" },
        loadScript: @escaping @Sendable (_ name: String, _ location: SieveIncludeLocation) -> String? = { _, _ in nil },
        subaddressSeparators: String = SieveLimits.subaddressSeparators,
        maximumVariableSize: Int = SieveLimits.maximumVariableSize
    ) {
        self.environment = environment
        self.isDuplicate = isDuplicate
        self.mailboxExists = mailboxExists
        self.now = now
        self.loadScript = loadScript
        self.subaddressSeparators = subaddressSeparators
        self.maximumVariableSize = maximumVariableSize
    }
}

/// One `duplicate` test as it ran: the tracked value, its handle and expiry.
/// - SeeAlso: RFC 7352 §3
public struct SieveDuplicateCheck: Sendable, Hashable {
    public var handle: String
    public var uniqueID: String
    /// The script's `:seconds`, or `nil` for the implementation's default.
    public var seconds: UInt64?
    /// `:last`: the expiry restarts even when the ID was seen before.
    public var last: Bool

    public init(handle: String, uniqueID: String, seconds: UInt64?, last: Bool) {
        self.handle = handle
        self.uniqueID = uniqueID
        self.seconds = seconds
        self.last = last
    }
}

/// Where an included script lives: the user's own scripts or the site's (RFC 6609 §3.2).
public enum SieveIncludeLocation: String, Sendable, Hashable {
    case personal
    case global
}
