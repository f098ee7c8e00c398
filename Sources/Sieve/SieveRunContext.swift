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

    public init(
        environment: [String: String] = [:],
        isDuplicate: @escaping @Sendable (SieveDuplicateCheck) -> Bool = { _ in false },
        mailboxExists: @escaping @Sendable (String) -> Bool = { $0.uppercased() == "INBOX" }
    ) {
        self.environment = environment
        self.isDuplicate = isDuplicate
        self.mailboxExists = mailboxExists
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
