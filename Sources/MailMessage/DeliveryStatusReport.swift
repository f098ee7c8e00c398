/// A delivery status notification: the report a mail system sends to a message's envelope
/// sender when delivery to some recipients failed, is delayed, or (when asked for) succeeded.
///
/// The report is a `multipart/report` of three parts: an explanation for people, the
/// machine-readable `message/delivery-status` fields, and the original message or its
/// header. Rendering is pure: the caller supplies the time, the Message-ID and the MIME
/// boundary, so the same inputs always give the same bytes.
/// - SeeAlso: RFC 3464 (the report), RFC 6522 (multipart/report), RFC 3461 §4.3 (RET),
///   RFC 3834 §5 (Auto-Submitted), RFC 6533 §3 (the utf-8 address type)
public struct DeliveryStatusReport: Sendable {
    /// What happened to one recipient.
    /// - SeeAlso: RFC 3464 §2.3.3
    public enum Action: String, Sendable {
        case failed, delayed, delivered, relayed, expanded
    }

    /// How much of the original goes back with the report: RET=FULL or RET=HDRS.
    /// - SeeAlso: RFC 3461 §4.3
    public enum ReturnContent: Sendable {
        case full, headers
    }

    /// The fields reported for one recipient.
    /// - SeeAlso: RFC 3464 §2.3
    public struct Recipient: Sendable, Equatable {
        /// The address delivery was attempted to, without angle brackets.
        public var finalRecipient: String
        /// The ORCPT parameter as the client gave it, e.g. `rfc822;a@example.org`; written as
        /// is (RFC 3464 §2.3.1), with controls made `?` and non-ASCII as `\x{HEX}`.
        public var originalRecipient: String?
        public var action: Action
        /// The enhanced status code, e.g. `5.1.1` (RFC 3463).
        public var status: String
        /// The host name of the server whose reply is reported.
        public var remoteMTA: String?
        /// That server's reply, e.g. `550 5.1.1 no such user`, written with type `smtp`.
        public var diagnosticCode: String?
        /// Seconds since 1970.
        public var lastAttemptDate: Int64?
        /// Seconds since 1970; written only for `.delayed` (RFC 3464 §2.3.8).
        public var willRetryUntil: Int64?

        public init(
            finalRecipient: String, originalRecipient: String? = nil, action: Action, status: String,
            remoteMTA: String? = nil, diagnosticCode: String? = nil, lastAttemptDate: Int64? = nil,
            willRetryUntil: Int64? = nil
        ) {
            self.finalRecipient = finalRecipient
            self.originalRecipient = originalRecipient
            self.action = action
            self.status = status
            self.remoteMTA = remoteMTA
            self.diagnosticCode = diagnosticCode
            self.lastAttemptDate = lastAttemptDate
            self.willRetryUntil = willRetryUntil
        }
    }

    /// Largest original returned whole with RET=FULL; a larger one gets only its header back.
    ///
    /// Bounces go to envelope senders that are often forged, so returning big messages makes
    /// the server an amplifier of backscatter, and a bounce must itself pass the size limit of
    /// every relay on its way. 100 KiB returns the whole of nearly every text message, stays two
    /// orders of magnitude under the 10 MB limits relays commonly set, and is the size long-lived
    /// MTAs return by default (Exim 100 KiB, Postfix 50 000 octets).
    /// - SeeAlso: RFC 3461 §4.3, RFC 6522 §3 (the returned part may be headers only)
    public static let maximumReturnedContent: Int = 100 * 1024

    /// This server's host name.
    public var reportingMTA: String
    /// The report's `From` address, e.g. `MAILER-DAEMON@host`.
    public var postmaster: String
    /// The original envelope sender, who receives the report; never empty (a message from the
    /// null sender gets no report, RFC 3461 §6.2, which the caller checks).
    public var sender: String
    /// The ENVID parameter as given, written as `Original-Envelope-Id` (RFC 3464 §2.2.1).
    public var envelopeID: String?
    /// When the original arrived, in seconds since 1970.
    public var arrivalDate: Int64?
    /// At least one (RFC 3464 §2.1).
    public var recipients: [Recipient]
    public var returnContent: ReturnContent
    /// The original message as received: CRLF lines, not dot-stuffed. Bare CR or LF are
    /// written as CRLF.
    public var original: [UInt8]
    /// When the report is made, in seconds since 1970.
    public var date: Int64
    /// A unique id with its angle brackets, e.g. `<uid@host>`.
    public var messageID: String
    /// The MIME boundary: random in production, so that no returned message contains it.
    /// 1 to 70 characters of RFC 2046 `bcharsnospace`; others are written as `_`.
    public var boundary: String

    public init(
        reportingMTA: String, postmaster: String, sender: String, envelopeID: String? = nil, arrivalDate: Int64? = nil,
        recipients: [Recipient], returnContent: ReturnContent, original: [UInt8], date: Int64, messageID: String,
        boundary: String
    ) {
        self.reportingMTA = reportingMTA
        self.postmaster = postmaster
        self.sender = sender
        self.envelopeID = envelopeID
        self.arrivalDate = arrivalDate
        self.recipients = recipients
        self.returnContent = returnContent
        self.original = original
        self.date = date
        self.messageID = messageID
        self.boundary = boundary
    }

    /// The whole report as an RFC 5322 message with CRLF line ends.
    ///
    /// Every field is folded at spaces to 78 octets where it can be and cut to 998 where it
    /// cannot; every text taken from the caller has its controls replaced, so no input can
    /// start a header line or a MIME boundary.
    /// - SeeAlso: RFC 5322 §2.1.1, §2.2.3; RFC 2046 §5.1.1
    public func render() -> [UInt8] {
        let boundary = Self.boundaryToken(self.boundary)
        let returned = returnedPart(boundary: boundary)
        var header = Self.field("From", "Mail Delivery System <\(Self.headerAddress(postmaster))>")
        header += Self.field("To", "<\(Self.headerAddress(sender))>")
        header += Self.field("Subject", subject)
        header += Self.field("Date", RFC5322Date.format(date))
        header += Self.field("Message-ID", Self.printableASCII(messageID))
        header += Self.field("Auto-Submitted", "auto-replied")
        header += Self.field("MIME-Version", "1.0")
        header += Self.field("Content-Type", "multipart/report; report-type=delivery-status; boundary=\"\(boundary)\"")
        if returned?.is8Bit == true {
            // A multipart holding an 8bit part is itself 8bit (RFC 2045 §6.4).
            header += Self.field("Content-Transfer-Encoding", "8bit")
        }
        var message = Array(header.utf8)
        message += Array("\r\nThis is a MIME-encapsulated message.\r\n".utf8)
        let delimiter = Array("\r\n--\(boundary)\r\n".utf8)
        message += delimiter
        message += Array("Content-Type: text/plain; charset=us-ascii\r\nContent-Description: Notification\r\n\r\n".utf8)
        message += Array(notification.utf8)
        message += delimiter
        message += Array("Content-Type: message/delivery-status\r\nContent-Description: Delivery report\r\n\r\n".utf8)
        message += Array(statusFields.utf8)
        if let returned {
            message += delimiter
            message += Array(returned.header.utf8)
            message += returned.body
        }
        message += Array("\r\n--\(boundary)--\r\n".utf8)
        return message
    }

    /// Part 3, with its MIME header.
    struct ReturnedPart {
        var header: String
        var body: [UInt8]
        var is8Bit: Bool
    }

    /// Part 3: the whole original (RET=FULL), or its header (RET=HDRS, or when the whole cannot
    /// go back), or nothing when even the header cannot.
    ///
    /// The whole goes back only when it is at most `maximumReturnedContent` octets with no line
    /// over 998 octets (a longer one would need the `binary` encoding, which a relay without
    /// BINARYMIME cannot carry). A line starting with "--" and the boundary would end the report
    /// early; since the boundary is random, such a line was aimed at the report, and the header
    /// is returned instead, or no third part, which is optional.
    /// - SeeAlso: RFC 6522 §3, RFC 3462 §2, RFC 2046 §5.1.1, RFC 2045 §2.7, §2.8
    func returnedPart(boundary: String) -> ReturnedPart? {
        let delimiter = Array("--\(boundary)".utf8)
        let (type, description, body): (String, String, [UInt8])
        if returnContent == .full, original.count <= Self.maximumReturnedContent,
            let whole = Self.returnedLines(original, delimiter: delimiter, headerOnly: false)
        {
            (type, description, body) = ("message/rfc822", "Returned message", whole)
        } else if let header = Self.returnedLines(original, delimiter: delimiter, headerOnly: true) {
            (type, description, body) = ("text/rfc822-headers", "Returned message header", header)
        } else {
            return nil
        }
        let is8Bit = body.contains { $0 >= 0x80 || $0 == 0 }
        let header =
            "Content-Type: \(type)\r\nContent-Description: \(description)\r\n"
            + (is8Bit ? "Content-Transfer-Encoding: 8bit\r\n" : "") + "\r\n"
        return ReturnedPart(header: header, body: body, is8Bit: is8Bit)
    }

    /// The original's lines with CRLF ends (for bare CR or LF too); the header only when
    /// `headerOnly`, up to and with its empty line, within `maximumReturnedContent` and with
    /// lines over 998 octets broken into continuation lines. Nil when a line starts with the
    /// delimiter, or, for the whole message, when a line is too long.
    static func returnedLines(_ bytes: [UInt8], delimiter: [UInt8], headerOnly: Bool) -> [UInt8]? {
        let crlf = [ASCII.cr, ASCII.lf]
        var result: [UInt8] = []
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != ASCII.cr, bytes[end] != ASCII.lf {
                end += 1
            }
            let line = bytes[start..<end]
            if line.starts(with: delimiter) {
                return nil
            }
            var lineBytes = Array(line)
            if line.count > maximumLineLength {
                guard headerOnly else {
                    return nil
                }
                lineBytes = Array(line.prefix(maximumLineLength))
                var rest = line.dropFirst(maximumLineLength)
                while !rest.isEmpty {
                    lineBytes += crlf + [ASCII.space] + rest.prefix(maximumLineLength - 1)
                    rest = rest.dropFirst(maximumLineLength - 1)
                }
            }
            if end < bytes.count {
                lineBytes += crlf
                end += bytes[end] == ASCII.cr && end + 1 < bytes.count && bytes[end + 1] == ASCII.lf ? 2 : 1
            }
            if headerOnly && result.count + lineBytes.count > maximumReturnedContent {
                break
            }
            result += lineBytes
            if headerOnly && line.isEmpty {
                break
            }
            start = end
        }
        return result
    }

    var subject: String {
        if recipients.contains(where: { $0.action == .failed }) {
            return "Undelivered Mail Returned to Sender"
        }
        if !recipients.isEmpty && recipients.allSatisfy({ $0.action == .delayed }) {
            return "Delayed Mail (still being retried)"
        }
        return "Delivery Status Notification"
    }
}
