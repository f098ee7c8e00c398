/// What a successful run decided.
public struct SieveResult: Sendable, Hashable {
    /// The actions, in the order the script executed them, duplicates merged
    /// (RFC 5228 §2.10.3).
    public var actions: [SieveAction]
    /// Whether the implicit keep stands: no action cancelled it (RFC 5228 §2.10.2).
    public var implicitKeep: Bool
    /// The flags the implicit keep stores with (RFC 5232 §3: the internal variable).
    public var implicitKeepFlags: [String]
    /// The header after `addheader`/`deleteheader`, when the script edited it.
    public var editedHeader: [SieveMessage.HeaderField]?
    /// The `duplicate` tests that ran, for the caller to record once the message is stored.
    public var duplicateChecks: [SieveDuplicateCheck]
}
