import Foundation
import MailMessage
import PopstoreCore

/// The bounce for recipients a queued message failed for good: a delivery status
/// notification (RFC 3464) to the message's sender, from the null sender, so it can
/// never bounce in turn.
///
/// None is made for mail from the null sender (RFC 5321 §4.5.5: bounces are not
/// bounced), nor for a recipient whose NOTIFY excludes FAILURE (RFC 3461 §4.1).
enum QueueBounce {
    /// The report for `failed`, or nil when nobody is to be told.
    static func report(
        for message: QueuedMessage, failed: [QueuedMessage.Recipient], original: [UInt8], reportingMTA: String, now: Date
    ) -> DeliveryStatusReport? {
        guard !message.sender.isEmpty else { return nil }
        let told = failed.filter(wantsFailureNotice)
        guard !told.isEmpty else { return nil }
        var generator = SystemRandomNumberGenerator()
        let token = MaildropEntryName.makeUID(using: &generator)
        let seconds = Int64(now.timeIntervalSince1970)
        return DeliveryStatusReport(
            reportingMTA: reportingMTA, postmaster: "MAILER-DAEMON@\(reportingMTA)", sender: message.sender,
            envelopeID: message.envelopeID, arrivalDate: Int64(message.created.timeIntervalSince1970),
            recipients: told.map { recipient in
                DeliveryStatusReport.Recipient(
                    finalRecipient: recipient.address, originalRecipient: recipient.originalRecipient, action: .failed,
                    status: status(of: recipient.reply), diagnosticCode: recipient.reply, lastAttemptDate: seconds)
            },
            returnContent: message.ret?.uppercased() == "HDRS" ? .headers : .full, original: original, date: seconds,
            messageID: "<\(token)@\(reportingMTA)>", boundary: "=_popstore_\(token)")
    }

    /// NOTIFY absent means the default, which includes failures; NEVER or a list without
    /// FAILURE means no notice.
    static func wantsFailureNotice(_ recipient: QueuedMessage.Recipient) -> Bool {
        guard let notify = recipient.notify?.uppercased() else { return true }
        return notify.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == "FAILURE" }
    }

    /// The enhanced status code in a reply ("550 5.1.1 …"), else 5.0.0 (RFC 3463 §3.1:
    /// permanent failure, undefined); a given-up message is 4.4.7 (delivery time expired).
    static func status(of reply: String?) -> String {
        guard let reply else { return "5.0.0" }
        if reply.hasPrefix("gave up") { return "4.4.7" }
        let words = reply.split(separator: " ")
        if words.count > 1, words[1].split(separator: ".").count == 3, words[1].allSatisfy({ $0.isNumber || $0 == "." }),
            let first = words[1].first, first == "5" || first == "4"
        {
            return String(words[1])
        }
        return "5.0.0"
    }
}
