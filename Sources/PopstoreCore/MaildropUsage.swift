import Foundation

/// The usage and delivery counters of one maildrop, kept in the maildrop's `.usage` file
/// and changed under the maildrop lock, so a quota check never scans the maildrop.
///
/// `messages` and `bytes` can always be recomputed from the entries; `store check`
/// does so and reports a difference.
public struct MaildropUsage: Sendable, Equatable, Codable {
    public static let formatVersion = 1

    public var version: Int = MaildropUsage.formatVersion
    /// Messages in the maildrop now.
    public var messages: Int64 = 0
    /// Octets the maildrop's messages take as downloaded (what quota counts).
    public var bytes: Int64 = 0
    public var messagesReceived: Int64 = 0
    public var bytesReceived: Int64 = 0
    /// Storage integrated over time, in KiB-seconds, for billing as block-days.
    public var kibSeconds: Double = 0
    /// When `bytes` last changed (the start of the current block-days interval).
    public var lastChange: Date?

    public init() {}

    /// Bytes held × days, in 1 KiB blocks, up to `now`.
    public func blockDays(at now: Date) -> Double {
        var total = kibSeconds
        if let lastChange { total += Double(bytes) / 1024 * max(0, now.timeIntervalSince(lastChange)) }
        return total / 86_400
    }

    /// Records a change of `bytesDelta` at `now`, closing the current block-days interval first.
    public mutating func change(messages messagesDelta: Int64, bytes bytesDelta: Int64, at now: Date) {
        if let lastChange { kibSeconds += Double(bytes) / 1024 * max(0, now.timeIntervalSince(lastChange)) }
        lastChange = now
        messages += messagesDelta
        bytes += bytesDelta
    }
}
