/// The trace fields a delivery adds at the top of the stored copy (RFC 5321 §4.4):
/// `Return-Path` with the envelope sender, and a `Received` line saying who handed the
/// message over, to which host, by which protocol (RFC 3848), with the store's id and
/// the time. Added once to the one copy all recipients share, so `for <…>` appears only
/// when there is one recipient (several would tell each the others' addresses).
public struct TraceFields: Sendable {
    /// The envelope sender; empty for the null sender.
    public var sender: String
    /// The client's LHLO name and address, as far as known.
    public var heloName: String?
    public var clientAddress: String?
    /// This server's name.
    public var host: String
    /// `LMTP`, `LMTPS`, `local` (a pipe from the MTA)…
    public var protocolName: String
    /// The message's id in the store.
    public var id: String
    /// The only recipient, when there is one.
    public var recipient: String?
    /// Seconds since 1970, and the offset from UTC to show it in.
    public var time: Int64
    public var utcOffsetMinutes: Int = 0

    public init(
        sender: String, heloName: String?, clientAddress: String?, host: String, protocolName: String, id: String,
        recipient: String?, time: Int64
    ) {
        self.sender = sender
        self.heloName = heloName
        self.clientAddress = clientAddress
        self.host = host
        self.protocolName = protocolName
        self.id = id
        self.recipient = recipient
        self.time = time
    }

    /// The two header lines of a stored copy, CRLF-ended, folded where long.
    public var bytes: [UInt8] {
        Array("Return-Path: <\(Self.clean(sender))>\r\n\(received)".utf8)
    }

    /// The lines a copy relayed on by forwarding starts with: no `Return-Path` (only the
    /// final delivery adds one, RFC 5321 §4.4), a `Delivered-To` for each forwarding
    /// followed, the latest on top, which is how the copy is known should it come back,
    /// then the `Received` line.
    public func forwardedBytes(forwardedBy: [String]) -> [UInt8] {
        let deliveredTo = forwardedBy.reversed().map { "Delivered-To: \(Self.clean($0))\r\n" }.joined()
        return Array((deliveredTo + received).utf8)
    }

    private var received: String {
        var clauses: [String] = []
        if let heloName {
            clauses.append("from \(Self.clean(heloName))" + (clientAddress.map { " ([\(Self.clean($0))])" } ?? ""))
        } else if let clientAddress {
            clauses.append("from [\(Self.clean(clientAddress))]")
        }
        clauses.append("by \(Self.clean(host)) (Popstore) with \(protocolName) id \(id)")
        if let recipient { clauses.append("for <\(Self.clean(recipient))>") }
        return "Received: " + clauses.joined(separator: "\r\n\t") + "; \(RFC5322Date.format(time, utcOffsetMinutes: utcOffsetMinutes))\r\n"
    }

    /// What a client sent, made safe for a header: no controls (a CR or LF would start a
    /// forged header), no spaces or angle brackets.
    static func clean(_ text: String) -> String {
        String(text.unicodeScalars.prefix(256).map { $0.value < 0x21 || $0.value == 0x7F || $0 == "<" || $0 == ">" ? "_" : Character($0) })
    }
}

/// The date-time of RFC 5322 §3.3: `Sun, 29 Nov 2026 09:15:39 +0000`.
public enum RFC5322Date {
    public static func format(_ seconds: Int64, utcOffsetMinutes: Int = 0) -> String {
        let local = seconds + Int64(utcOffsetMinutes) * 60
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = Int(local - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        let weekday = Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let sign = utcOffsetMinutes < 0 ? "-" : "+"
        let offset = abs(utcOffsetMinutes)
        return
            "\(names[weekday]), \(day) \(months[month - 1]) \(year) \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) "
            + "\(sign)\(two(offset / 60))\(two(offset % 60))"
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Days since 1970-01-01 to a proleptic Gregorian date (the era-based method).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
