/// The rejection a `reject` sends when it cannot refuse the message in the SMTP dialogue:
/// an MDN with the "deleted" disposition to the envelope sender (RFC 5429 §2.1.1, RFC
/// 8098), kept here so that every caller writes the same one.
///
/// Pure: the Message-ID, date and reporting host are given.
public struct SieveRejectNotice: Sendable, Hashable {
    /// The SMTP MAIL FROM: always the null sender, so that the notice is never answered
    /// (RFC 5429 §2.1.1, RFC 8098 §2.1).
    public var envelopeFrom: String
    /// The SMTP RCPT TO: the rejected message's envelope sender.
    public var envelopeTo: String
    /// The whole notice, CRLF line ends.
    public var octets: [UInt8]

    /// The notice for `message` (its header and envelope), or `nil` when its envelope
    /// sender is null: nobody may be told (RFC 5429 §2.1).
    /// - Parameters:
    ///   - reportingHost: the host named in Reporting-UA.
    ///   - postmaster: the address the notice comes from.
    ///   - messageID: the notice's Message-ID, with its angle brackets.
    public static func compose(
        reason: String, for message: SieveMessage, originalRecipient: String? = nil, reportingHost: String, postmaster: String,
        messageID: String, date: SieveTimestamp
    ) -> SieveRejectNotice? {
        guard let sender = SieveEnvelopePath.address(message.envelopeFrom) else { return nil }
        let recipient = SieveEnvelopePath.address(message.envelopeTo)?.encoded ?? message.envelopeTo
        // A boundary of the notice's own Message-ID, which no line of the parts can equal
        // (RFC 2046 §5.1.1: ASCII letters and digits are always allowed).
        let boundary =
            "=_sieve_reject_"
            + String(
                String.UnicodeScalarView(
                    messageID.unicodeScalars.filter { $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) }))
        let originalID = message.headerFields.first { $0.name.lowercased() == "message-id" }.map { SieveHeaderValue.unfold($0.value) }

        var text = ""
        text += SieveHeaderWriter.field("Date", SieveDateTime(date).part("std11") ?? "")
        text += SieveHeaderWriter.field("Message-ID", messageID)
        text += SieveHeaderWriter.field("From", SieveHeaderWriter.mailbox(phrase: "Postmaster", address: postmaster))
        text += SieveHeaderWriter.field("To", SieveHeaderWriter.mailbox(phrase: "", address: sender.encoded))
        text += SieveHeaderWriter.field("Subject", "Automatically rejected mail")
        text += SieveHeaderWriter.field("Auto-Submitted", "auto-replied (rejected)")
        text += SieveHeaderWriter.field("Precedence", "bulk")
        text += SieveHeaderWriter.field("MIME-Version", "1.0")
        text += SieveHeaderWriter.field("Content-Type", "multipart/report; report-type=disposition-notification; boundary=\"\(boundary)\"")
        text += "\r\nThis is a MIME-encapsulated message.\r\n\r\n"

        // The human-readable part (RFC 8098 §3; RFC 5429 §2.1.1: it carries the reason).
        let human = SieveVacationResponse.crlf("Your message to <\(recipient)> was automatically rejected:\n\(reason)\n")
        let (encoding, body) = SieveVacationResponse.body(human)
        text += "--\(boundary)\r\n"
        text += SieveHeaderWriter.field("Content-Type", "text/plain; charset=utf-8")
        text += SieveHeaderWriter.field("Content-Disposition", "inline")
        text += SieveHeaderWriter.field("Content-Transfer-Encoding", encoding)
        text += "\r\n" + String(decoding: body, as: UTF8.self)

        // The machine-readable part (RFC 8098 §3.1).
        text += "--\(boundary)\r\n"
        text += SieveHeaderWriter.field("Content-Type", "message/disposition-notification")
        text += "\r\n"
        text += SieveHeaderWriter.field("Reporting-UA", "\(reportingHost); Sieve")
        if let original = originalRecipient.flatMap({ SieveEnvelopePath.address($0) }) {
            text += SieveHeaderWriter.field("Original-Recipient", "rfc822; \(original.encoded)")
        }
        text += SieveHeaderWriter.field("Final-Recipient", "rfc822; \(recipient)")
        if let originalID, !originalID.isEmpty { text += SieveHeaderWriter.field("Original-Message-ID", originalID) }
        text += SieveHeaderWriter.field("Disposition", "automatic-action/MDN-sent-automatically; deleted")
        text += "\r\n"

        // The rejected message's header (RFC 6522 §4: text/rfc822-headers).
        text += "--\(boundary)\r\n"
        text += SieveHeaderWriter.field("Content-Type", "text/rfc822-headers")
        text += "\r\n"
        for field in message.headerFields {
            text += "\(field.name):\(SieveVacationResponse.crlf(field.value))\r\n"
        }
        text += "\r\n--\(boundary)--\r\n"
        return SieveRejectNotice(envelopeFrom: "", envelopeTo: sender.encoded, octets: Array(text.utf8))
    }
}
