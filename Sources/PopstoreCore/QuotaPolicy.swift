/// The quota rule of PMDF popstore, in one place.
///
/// A message is refused when usage already exceeds the quota, or when storing it would
/// take usage past quota + overdraft. No quota means unlimited. The overdraft lets a
/// message that arrives just under the quota in, so one large message does not bounce
/// while the user is about to download and delete.
public struct QuotaPolicy: Sendable, Equatable {
    public var quota: Int64?
    public var overdraft: Int64

    public init(quota: Int64?, overdraft: Int64) {
        self.quota = quota
        self.overdraft = overdraft
    }

    /// Whether a message of `messageSize` octets may be stored given current `usage`.
    public func admits(messageSize: Int64, usage: Int64) -> Bool {
        guard let quota else { return true }
        if usage > quota { return false }
        return usage + messageSize <= quota + overdraft
    }
}
