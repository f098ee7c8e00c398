/// The response a vacation action sends, or why none is due: the RFC 5230 §4.5–§5 and
/// RFC 3834 rules kept in one place, so that every caller (the test suite, the mail
/// store) refuses and composes alike.
///
/// Pure: the Message-ID and the date of the response are given, never made here; the
/// caller sends the octets and keeps the per-sender memory (RFC 5230 §4.2, §4.1).
public struct SieveVacationResponse: Sendable, Hashable {
    /// Why no response goes out.
    public enum Refusal: String, Sendable, Hashable, CaseIterable {
        /// The message has no envelope recipient to respond for.
        case noRecipient
        /// The envelope sender is null: nobody to respond to (RFC 5230 §4.6, RFC 3834 §2).
        case nullSender
        /// The sender is the user, by the recipient, `:addresses` or the user's address.
        case ownAddress
        /// The message came from a mailing list: it has a List-* field (RFC 2369, RFC
        /// 2919; RFC 3834 §2).
        case mailingList
        /// The message is automatic itself: Auto-Submitted other than "no" (RFC 3834 §5).
        case autoSubmitted
        /// Precedence bulk, list or junk: mass mail by long custom (RFC 3834 §2).
        case bulkPrecedence
        /// X-Auto-Response-Suppress asks for no out-of-office replies (All or OOF).
        case responseSuppressed
        /// The sender is a role address that handles mail automatically: MAILER-DAEMON,
        /// postmaster, LISTSERV, majordomo, owner-*, *-request (RFC 3834 §2).
        case systemAddress
        /// None of the user's addresses is in To, Cc, Bcc or their Resent- forms: the
        /// message reached the user indirectly (RFC 5230 §4.5).
        case notAddressedToUser
    }

    /// Site choices RFC 5230 leaves to the implementation; the defaults are the RFC's
    /// behaviour. Pigeonhole's setting for each is named.
    public struct Settings: Sendable, Hashable {
        /// The original recipient (ORCPT) counts as the user's (`sieve_vacation_use_original_recipient`).
        public var useOriginalRecipient: Bool
        /// Respond only to messages addressed to the user in the header (RFC 5230 §4.5);
        /// off, any message gets one (`sieve_vacation_dont_check_recipient`).
        public var checkRecipient: Bool
        /// Send from the user's address rather than the null sender
        /// (`sieve_vacation_send_from_recipient`); RFC 5230 §4.6 recommends the null sender.
        public var sendFromRecipient: Bool
        /// Address To to the first sender in Sender/Resent-From/From even when it is not
        /// the envelope sender (`sieve_vacation_to_header_ignore_envelope`).
        public var toHeaderIgnoresEnvelope: Bool
        /// The Subject when the message has none (`sieve_vacation_default_subject`).
        public var defaultSubject: String?
        /// The Subject made from the message's, "%$" or "%{subject}" standing for it
        /// (`sieve_vacation_default_subject_template`); else "Auto: " and the subject.
        public var subjectTemplate: String?
        /// Longer subjects are cut, ending in "…" (`sieve_vacation_max_subject_codepoints`).
        public var maximumSubjectLength: Int

        public init(
            useOriginalRecipient: Bool = false, checkRecipient: Bool = true, sendFromRecipient: Bool = false,
            toHeaderIgnoresEnvelope: Bool = false, defaultSubject: String? = nil, subjectTemplate: String? = nil,
            maximumSubjectLength: Int = 256
        ) {
            self.useOriginalRecipient = useOriginalRecipient
            self.checkRecipient = checkRecipient
            self.sendFromRecipient = sendFromRecipient
            self.toHeaderIgnoresEnvelope = toHeaderIgnoresEnvelope
            self.defaultSubject = defaultSubject
            self.subjectTemplate = subjectTemplate
            self.maximumSubjectLength = maximumSubjectLength
        }
    }

    /// Either the response to send or the reason there is none.
    public enum Decision: Sendable, Hashable {
        case send(SieveVacationResponse)
        case refuse(Refusal)
    }

    /// The SMTP MAIL FROM: empty (the null sender, RFC 5230 §4.6) unless the settings
    /// send from the user's address.
    public var envelopeFrom: String
    /// The SMTP RCPT TO: the original message's envelope sender (RFC 5230 §4.5).
    public var envelopeTo: String
    /// The whole response, CRLF line ends.
    public var octets: [UInt8]

    /// Replies to one sender are at most this often when the script gives no interval
    /// (RFC 5230 §4.1 leaves the default to the site; seven days is common).
    public static let defaultInterval: UInt64 = 7 * 86_400

    /// The interval before the same sender may have another response of this handle.
    public static func interval(of vacation: SieveVacation) -> UInt64 {
        vacation.seconds ?? defaultInterval
    }

    /// Header fields that mark mailing-list mail: every List-* field (RFC 2369, RFC 2919,
    /// RFC 8058).
    static func isListField(_ name: String) -> Bool { name.lowercased().hasPrefix("list-") }

    /// Fields where a message names its direct recipients, in the order they are searched.
    static let recipientFieldNames = ["to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc"]

    /// Fields where the sender may be named with a display name, searched for the To of
    /// the response in this order.
    static let senderFieldNames = ["sender", "resent-from", "from"]

    /// Decides whether `message` gets a response and composes it.
    /// - Parameters:
    ///   - message: the original header and its envelope: `envelopeFrom` is the sender
    ///     responded to, `envelopeTo` the (final) recipient the response speaks for.
    ///   - originalRecipient: the address the sender used (ORCPT), when known.
    ///   - userAddress: the user's own address, when it differs from the recipient.
    ///   - messageID: the response's Message-ID, with its angle brackets.
    ///   - date: when the response is made, for its Date field.
    public static func decide(
        _ vacation: SieveVacation, for message: SieveMessage, originalRecipient: String? = nil, userAddress: String? = nil,
        settings: Settings = Settings(), messageID: String, date: SieveTimestamp
    ) -> Decision {
        guard let recipient = SieveEnvelopePath.address(message.envelopeTo) else { return .refuse(.noRecipient) }
        guard let sender = SieveEnvelopePath.address(message.envelopeFrom) else { return .refuse(.nullSender) }
        let extra = vacation.addresses.compactMap { SieveEnvelopePath.address($0) }
        let user = userAddress.flatMap { SieveEnvelopePath.address($0) }
        let original = settings.useOriginalRecipient ? originalRecipient.flatMap { SieveEnvelopePath.address($0) } : nil
        let own = ([recipient, user, original].compactMap { $0 } + extra).map(\.comparable)
        if own.contains(sender.comparable) { return .refuse(.ownAddress) }
        if let refusal = headerRefusal(message.headerFields) { return .refuse(refusal) }
        if isSystemAddress(sender) { return .refuse(.systemAddress) }

        // RFC 5230 §4.5: respond only when the user is a direct recipient; the address
        // found is the one the response comes from.
        var replyFrom: SieveAddressList.Address?
        var smtpFrom: SieveAddressList.Address?
        search: for name in recipientFieldNames {
            let listed = Set(
                message.headerFields.filter { $0.name.lowercased() == name }
                    .flatMap { SieveAddressList.parse(SieveHeaderValue.unfold($0.value)) }.map(\.comparable))
            guard !listed.isEmpty else { continue }
            if listed.contains(recipient.comparable) {
                (replyFrom, smtpFrom) = (recipient, recipient)
                break search
            }
            if let original, listed.contains(original.comparable) {
                (replyFrom, smtpFrom) = (original, original)
                break search
            }
            // An address the script names is the From, but never the envelope sender:
            // the script does not choose where bounces go.
            if let named = extra.first(where: { listed.contains($0.comparable) }) {
                (replyFrom, smtpFrom) = (named, original ?? recipient)
                break search
            }
            if let user, listed.contains(user.comparable) {
                (replyFrom, smtpFrom) = (user, user)
                break search
            }
        }
        if replyFrom == nil {
            guard !settings.checkRecipient else { return .refuse(.notAddressedToUser) }
            (replyFrom, smtpFrom) = (user ?? recipient, original ?? recipient)
        }

        let header = compose(
            vacation, for: message, sender: sender, replyFrom: replyFrom ?? recipient, settings: settings, messageID: messageID,
            date: date)
        return .send(
            SieveVacationResponse(
                envelopeFrom: settings.sendFromRecipient ? (smtpFrom ?? recipient).encoded : "", envelopeTo: sender.encoded,
                octets: header))
    }

    /// A refusal the original header alone decides: list mail, automatic mail, bulk mail,
    /// and mail whose sender asks for no automatic replies.
    static func headerRefusal(_ fields: [SieveMessage.HeaderField]) -> Refusal? {
        if fields.contains(where: { isListField($0.name) }) { return .mailingList }
        for field in fields {
            let value = SieveHeaderValue.unfold(field.value)
            switch field.name.lowercased() {
            case "auto-submitted":
                // auto-submitted = "no" / "auto-generated" / "auto-replied" / extension,
                // each with optional parameters and comments (RFC 3834 §5.1).
                let keyword = value.prefix { $0 != ";" && $0 != "(" && $0 != " " && $0 != "\t" }
                if keyword.lowercased() != "no" { return .autoSubmitted }
            case "precedence":
                if ["bulk", "list", "junk"].contains(value.lowercased()) { return .bulkPrecedence }
            case "x-auto-response-suppress":
                let flags = value.split(separator: ",").map { String($0).trimmingWhiteSpace().lowercased() }
                if flags.contains("all") || flags.contains("oof") { return .responseSuppressed }
            default:
                break
            }
        }
        return nil
    }

    /// Senders that are programs handling mail, which a response would only bother or loop.
    static func isSystemAddress(_ address: SieveAddressList.Address) -> Bool {
        let local = address.localPart.lowercased()
        return ["mailer-daemon", "postmaster", "listserv", "majordomo"].contains(local) || local.hasPrefix("owner-")
            || local.contains("-request")
    }

    // MARK: - Composition

    /// The response message (RFC 5230 §5): header, then the reason as text/plain or, with
    /// `:mime`, as the MIME entity it is.
    static func compose(
        _ vacation: SieveVacation, for message: SieveMessage, sender: SieveAddressList.Address, replyFrom: SieveAddressList.Address,
        settings: Settings, messageID: String, date: SieveTimestamp
    ) -> [UInt8] {
        func first(_ name: String) -> String? {
            message.headerFields.first { $0.name.lowercased() == name }.map { SieveHeaderValue.unfold($0.value) }
        }
        var text = ""
        text += SieveHeaderWriter.field("Date", SieveDateTime(date).part("std11") ?? "")
        text += SieveHeaderWriter.field("Message-ID", messageID)
        text += SieveHeaderWriter.field("From", from(vacation.from) ?? SieveHeaderWriter.mailbox(phrase: "", address: replyFrom.encoded))
        text += SieveHeaderWriter.field("To", to(sender, in: message.headerFields, settings: settings))
        text += SieveHeaderWriter.field("Subject", SieveHeaderWriter.unstructured(subject(vacation, message: message, settings: settings)))
        // RFC 5230 §5.8 (RFC 5322 §3.6.4): the response is a reply to the message.
        let originalID = first("message-id").flatMap { $0.isEmpty ? nil : $0 }
        let references = first("references").flatMap { $0.isEmpty ? nil : $0 }
        if let originalID { text += SieveHeaderWriter.field("In-Reply-To", originalID) }
        let thread = [references, originalID].compactMap { $0 }
        if !thread.isEmpty { text += SieveHeaderWriter.field("References", thread.joined(separator: " ")) }
        // RFC 3834 §5; Precedence and X-Auto-Response-Suppress ask older responders,
        // which do not know Auto-Submitted, not to answer the answer.
        text += SieveHeaderWriter.field("Auto-Submitted", "auto-replied (vacation)")
        text += SieveHeaderWriter.field("Precedence", "bulk")
        text += SieveHeaderWriter.field("X-Auto-Response-Suppress", "All")
        text += SieveHeaderWriter.field("MIME-Version", "1.0")
        let reason = crlf(vacation.reason)
        if vacation.mime {
            // RFC 5230 §4.4: the reason is a MIME entity, its header fields joining ours.
            text += reason
        } else {
            let (encoding, body) = Self.body(reason)
            text += SieveHeaderWriter.field("Content-Type", "text/plain; charset=utf-8")
            text += SieveHeaderWriter.field("Content-Transfer-Encoding", encoding)
            text += "\r\n"
            return Array(text.utf8) + body + (body.suffix(2) == [0x0D, 0x0A] ? [] : [0x0D, 0x0A])
        }
        if !text.hasSuffix("\r\n") { text += "\r\n" }
        return Array(text.utf8)
    }

    /// The From field: the script's `:from` with a non-ASCII display name encoded, or
    /// `nil` when there is none or it is not one mailbox.
    static func from(_ text: String?) -> String? {
        guard let text, !text.trimmingWhiteSpace().isEmpty, SieveMailbox.parse(text) != nil,
            let named = SieveAddressList.namedAddresses(text).first
        else { return nil }
        return SieveHeaderWriter.mailbox(phrase: named.phrase, address: named.address.encoded)
    }

    /// The To field: the sender with the display name the message gives it (Sender,
    /// Resent-From or From naming the envelope sender), else the bare address.
    static func to(_ sender: SieveAddressList.Address, in fields: [SieveMessage.HeaderField], settings: Settings) -> String {
        for name in senderFieldNames {
            guard let field = fields.first(where: { $0.name.lowercased() == name }) else { continue }
            let named = SieveAddressList.namedAddresses(SieveHeaderValue.unfold(field.value)).filter { $0.address.domain != nil }
            let match = settings.toHeaderIgnoresEnvelope ? named.first : named.first { $0.address.comparable == sender.comparable }
            if let match { return SieveHeaderWriter.mailbox(phrase: match.phrase, address: match.address.encoded) }
        }
        return SieveHeaderWriter.mailbox(phrase: "", address: sender.encoded)
    }

    /// The Subject (RFC 5230 §4.3, §5.5): `:subject`, else made from the message's
    /// (RFC 3834 §3.1.5 "Auto: "), cut to the settings' length.
    static func subject(_ vacation: SieveVacation, message: SieveMessage, settings: Settings) -> String {
        var subject: String
        if let given = vacation.subject, !given.isEmpty {
            subject = given
        } else if let field = message.headerFields.first(where: { $0.name.lowercased() == "subject" }) {
            let original = SieveHeaderValue.comparable(field.value)
            if let template = settings.subjectTemplate, !template.isEmpty {
                subject = expand(template, subject: original)
            } else {
                subject = "Auto: " + original
            }
        } else {
            subject = settings.defaultSubject.flatMap { $0.isEmpty ? nil : $0 } ?? "Automated reply"
        }
        subject = SieveHeaderWriter.clean(subject)
        let limit = max(settings.maximumSubjectLength, 1)
        if subject.unicodeScalars.count > limit {
            subject = String(String.UnicodeScalarView(subject.unicodeScalars.prefix(limit - 1))) + "\u{2026}"
        }
        return subject
    }

    /// A subject template with "%$" and "%{subject}" replaced by the subject, "%%" by "%".
    static func expand(_ template: String, subject: String) -> String {
        var result = ""
        var rest = Substring(template)
        while let percent = rest.firstIndex(of: "%") {
            result += rest[..<percent]
            let after = rest[rest.index(after: percent)...]
            if after.hasPrefix("$") {
                result += subject
                rest = after.dropFirst()
            } else if after.hasPrefix("{subject}") {
                result += subject
                rest = after.dropFirst(9)
            } else if after.hasPrefix("%") {
                result += "%"
                rest = after.dropFirst()
            } else {
                result += "%"
                rest = after
            }
        }
        return result + rest
    }

    /// Text with every line end CRLF.
    static func crlf(_ text: String) -> String {
        var result = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n", !previousWasCR { result += "\r" }
            if previousWasCR, scalar != "\n" { result += "\n" }
            result.unicodeScalars.append(scalar)
            previousWasCR = scalar == "\r"
        }
        if previousWasCR { result += "\n" }
        return result
    }

    /// A text/plain body and its transfer encoding: 7bit or 8bit while every line fits
    /// SMTP's 998 octets (RFC 5322 §2.1.1), else quoted-printable (RFC 2045 §6.7).
    static func body(_ text: String) -> (encoding: String, octets: [UInt8]) {
        let octets = Array(text.utf8)
        var longest = 0
        var current = 0
        for octet in octets {
            if octet == 0x0A {
                current = 0
            } else if octet != 0x0D {
                current += 1
                longest = max(longest, current)
            }
        }
        guard longest <= 998 else { return ("quoted-printable", SieveTransferEncoding.quotedPrintableEncoded(octets)) }
        return (octets.allSatisfy { $0 < 0x80 } ? "7bit" : "8bit", octets)
    }
}
