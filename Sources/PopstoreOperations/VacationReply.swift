import Foundation
import MailMessage
import PopstoreCore
import Sieve

/// The vacation auto-reply (RFC 5230, RFC 6131): whether to send one, and the message.
enum VacationReply {
    /// Replies to one sender are at most this often: one day (RFC 5230 §4.1's minimum for
    /// `:days`) unless `:seconds` asks for less, which RFC 6131 allows down to zero.
    static let defaultPeriod: UInt64 = 7 * 86_400
    static let minimumDaysPeriod: UInt64 = 86_400

    /// Whether this message deserves a reply (RFC 5230 §4.5, RFC 3834 §2): not to the null
    /// sender or a mailer daemon, not to automatic or list mail, not to the account's own
    /// addresses, and only when one of the account's addresses is a recipient in the header.
    static func shouldReply(to sender: String, header: [SieveMessage.HeaderField], ownAddresses: [String]) -> Bool {
        let from = sender.lowercased()
        guard !from.isEmpty else { return false }
        let local = from.split(separator: "@").first.map(String.init) ?? from
        if ["mailer-daemon", "postmaster", "listserv", "majordomo"].contains(local) || local.hasPrefix("owner-")
            || local.hasSuffix("-request")
        {
            return false
        }
        let own = Set(ownAddresses.map { $0.lowercased() })
        if own.contains(from) { return false }
        var named = false
        for field in header {
            let name = field.name.lowercased()
            let value = field.value.trimmingCharacters(in: .whitespaces).lowercased()
            if name == "auto-submitted" && !value.hasPrefix("no") { return false }
            if name == "precedence" && ["bulk", "list", "junk"].contains(value) { return false }
            if name.hasPrefix("list-") { return false }
            if ["to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc"].contains(name), own.contains(where: { value.contains($0) }) {
                named = true
            }
        }
        return named
    }

    /// The period between two replies to one sender.
    static func period(_ vacation: SieveVacation) -> UInt64 {
        vacation.seconds ?? defaultPeriod
    }

    /// The key a reply is remembered under: the handle and the sender.
    static func memoryKey(_ vacation: SieveVacation, sender: String) -> String {
        "vacation:\(vacation.handle):\(sender.lowercased())"
    }

    /// The reply message, raw (CRLF lines).
    static func compose(
        _ vacation: SieveVacation, to sender: String, account: AccountID, original: [SieveMessage.HeaderField], host: String, now: Date
    ) -> [UInt8] {
        func header(_ name: String) -> String? {
            original.first { $0.name.lowercased() == name }.map { clean($0.value).trimmingCharacters(in: .whitespaces) }
        }
        let subject = vacation.subject.map(clean) ?? "Auto: \(header("subject") ?? "")"
        var lines = [
            "From: \(vacation.from.map(clean) ?? "<\(account.address)>")",
            "To: <\(clean(sender))>",
            "Subject: \(subject)",
            "Date: \(RFC5322Date.format(Int64(now.timeIntervalSince1970)))",
            "Message-ID: <\(UUID().uuidString.lowercased())@\(clean(host))>",
            "Auto-Submitted: auto-replied (vacation)",
        ]
        if let messageID = header("message-id") {
            lines.append("In-Reply-To: \(messageID)")
            lines.append("References: \((header("references").map { $0 + " " } ?? "") + messageID)")
        }
        lines.append("MIME-Version: 1.0")
        var text = lines.joined(separator: "\r\n") + "\r\n"
        let reason = vacation.reason.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        if vacation.mime {
            // The reason is a MIME entity: its own header, a blank line, its body.
            text += reason
        } else {
            text += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + reason
        }
        if !text.hasSuffix("\r\n") { text += "\r\n" }
        return Array(text.utf8)
    }

    /// Header text from a script or a message, made safe for one header line.
    static func clean(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(900).map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }
}
