import Foundation

/// A message in the outbound queue, waiting for the relay: its envelope, where each
/// recipient stands, and when to try next. The message itself lies beside it, in DATA
/// form (CRLF lines, dot-stuffed, no terminator), written once and never changed.
public struct QueuedMessage: Sendable, Equatable, Codable {
    public static let formatVersion = 1
    public var version: Int = QueuedMessage.formatVersion
    /// 24 lower-case hex digits (`MaildropEntryName.makeUID`): the file names' stem.
    public var id: String
    /// The reverse path; empty for the null sender, whose mail is never bounced.
    public var sender: String
    public var recipients: [Recipient]
    /// Why the message is here, for people: "forwarding of a@example.com", "delivery status notification".
    public var origin: String
    public var created: Date
    public var nextAttempt: Date
    public var attempts: Int = 0
    /// The latest reason it is still here, as the relay or the connection gave it.
    public var lastError: String?
    /// Octets of the message in DATA form.
    public var size: Int
    /// Any octet of the message is 8-bit: sent with BODY=8BITMIME (RFC 6152).
    public var eightBit: Bool
    /// RFC 3461 RET and ENVID, passed on to the relay and used in a bounce.
    public var ret: String?
    public var envelopeID: String?

    public struct Recipient: Sendable, Equatable, Codable {
        public var address: String
        /// RFC 3461 NOTIFY, as given (e.g. "FAILURE,DELAY"); nil: the relay's default.
        public var notify: String?
        /// RFC 3461 ORCPT, e.g. "rfc822;a@example.com".
        public var originalRecipient: String?
        public var state: State = .pending
        /// The reply that settled it (delivered or failed), or the latest temporary one.
        public var reply: String?

        public enum State: String, Sendable, Codable {
            case pending, delivered, failed
        }

        public init(address: String, notify: String? = nil, originalRecipient: String? = nil) {
            self.address = address
            self.notify = notify
            self.originalRecipient = originalRecipient
        }
    }

    public init(
        id: String, sender: String, recipients: [Recipient], origin: String, created: Date, size: Int, eightBit: Bool,
        ret: String? = nil, envelopeID: String? = nil
    ) {
        self.id = id
        self.sender = sender
        self.recipients = recipients
        self.origin = origin
        self.created = created
        self.nextAttempt = created
        self.size = size
        self.eightBit = eightBit
        self.ret = ret
        self.envelopeID = envelopeID
    }

    /// The recipients still to be handed to the relay.
    public var pending: [Recipient] { recipients.filter { $0.state == .pending } }
}

/// When the queue tries a message again: the wait doubles after each failed attempt,
/// from `initial` up to `maximum`, and the message is given up `lifetime` after it was
/// queued (its sender then gets a bounce).
public struct RetrySchedule: Sendable, Equatable {
    public var initial: TimeInterval
    public var maximum: TimeInterval
    public var lifetime: TimeInterval

    /// 5 minutes, doubling to 1 hour, for 5 days: the usual MTA schedule (RFC 5321
    /// §4.5.4.1 asks for at least 30 minutes between tries and 4–5 days before giving up;
    /// the first retry comes sooner because most failures are a relay restarting).
    public static let standard = RetrySchedule(initial: 300, maximum: 3600, lifetime: 5 * 86400)

    public init(initial: TimeInterval, maximum: TimeInterval, lifetime: TimeInterval) {
        self.initial = initial
        self.maximum = max(initial, maximum)
        self.lifetime = lifetime
    }

    /// The wait after the `attempts`-th failed attempt (1 for the first).
    public func delay(afterAttempts attempts: Int) -> TimeInterval {
        let doublings = max(0, min(attempts - 1, 30))
        return min(maximum, initial * pow(2, Double(doublings)))
    }

    /// Whether a message queued at `created` is past its lifetime at `now`.
    public func isExpired(created: Date, now: Date) -> Bool {
        now.timeIntervalSince(created) >= lifetime
    }
}
