/// One recipient of an envelope, with the DSN requests for it.
/// - SeeAlso: RFC 5321 §4.1.1.3, RFC 3461 §4.1, §4.2
public struct SMTPClientRecipient: Sendable, Equatable {
    /// The forward path without angle brackets.
    public let address: String
    /// When a DSN is wanted for this recipient (`NOTIFY=`), sent only to a server that
    /// announced DSN; nil leaves it to the server.
    public let notify: Notify?
    /// The address the message was first sent to (`ORCPT=rfc822;…`), sent xtext-encoded
    /// only to a server that announced DSN.
    public let originalRecipient: String?

    public init(_ address: String, notify: Notify? = nil, originalRecipient: String? = nil) throws(SMTPClientEnvelopeError) {
        try SMTPClientEnvelope.checkPath(address)
        if let originalRecipient {
            let value = Self.originalRecipientPrefix + SMTPClientCommand.Parameter.xtext(originalRecipient)
            guard !originalRecipient.isEmpty, value.utf8.count <= SMTPClientLimits.originalRecipientLength else {
                throw .invalidOriginalRecipient
            }
        }
        self.address = address
        self.notify = notify
        self.originalRecipient = originalRecipient
    }

    /// The address type of every `ORCPT` this client sends. A UTF-8 address is sent as
    /// xtext of its octets rather than as RFC 6533's `utf-8` type, which receivers that
    /// predate RFC 6533 would not understand.
    /// - SeeAlso: RFC 3461 §4.2
    static let originalRecipientPrefix = "rfc822;"
}

extension SMTPClientRecipient {
    // notify-esmtp-value = "NEVER" / 1#notify-list-element
    // notify-list-element = "SUCCESS" / "FAILURE" / "DELAY"
    /// The conditions under which a DSN is wanted; empty is `NEVER`.
    /// - SeeAlso: RFC 3461 §4.1
    public struct Notify: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let success = Notify(rawValue: 1)
        public static let failure = Notify(rawValue: 2)
        public static let delay = Notify(rawValue: 4)
        /// No DSN under any condition.
        public static let never: Notify = []

        /// Reads a `NOTIFY=` value as a server received it (`NEVER`, or a comma list of
        /// SUCCESS, FAILURE, DELAY, any letter case); nil for anything else.
        public init?(parsing value: String) {
            let items = value.uppercased().split(separator: ",", omittingEmptySubsequences: false)
            if items == ["NEVER"] {
                self = .never
                return
            }
            var notify: Notify = []
            for item in items {
                switch item {
                case "SUCCESS": notify.insert(.success)
                case "FAILURE": notify.insert(.failure)
                case "DELAY": notify.insert(.delay)
                default: return nil
                }
            }
            self = notify
        }

        /// The `NOTIFY=` value: `NEVER`, or the conditions in the RFC's order.
        var parameterValue: String {
            guard !isEmpty else { return "NEVER" }
            let names: [(Notify, String)] = [(.success, "SUCCESS"), (.failure, "FAILURE"), (.delay, "DELAY")]
            return names.filter { contains($0.0) }.map(\.1).joined(separator: ",")
        }
    }
}
