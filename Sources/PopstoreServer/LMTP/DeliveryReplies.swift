import PopstoreCore
import PopstoreOperations
import PopstoreStore
import SMTP

/// The LMTP reply for each answer the store gives, in one place (RFC 3463 codes).
enum DeliveryReplies {
    /// The reply to RCPT for a routing verdict that refuses the recipient.
    static func refusal(_ verdict: MailRouting.Verdict, overQuotaIsTemporary: Bool) -> SMTPReply? {
        switch verdict {
        case .deliver: return nil
        case .unknown: return SMTPReply(550, "5.1.1", "No such user here")
        case .foreignDomain: return SMTPReply(550, "5.1.2", "This domain is not served here")
        case .disabled: return SMTPReply(550, "5.2.1", "Mailbox disabled, not accepting messages")
        case .overQuota: return overQuota(temporary: overQuotaIsTemporary)
        case .loop: return SMTPReply(550, "5.4.6", "Mail forwarding loop")
        case .temporary: return SMTPReply(451, "4.3.0", "Temporary failure looking up the recipient; try again later")
        }
    }

    static func overQuota(temporary: Bool) -> SMTPReply {
        temporary
            ? SMTPReply(452, "4.2.2", "Mailbox full; try again later") : SMTPReply(552, "5.2.2", "Mailbox full")
    }

    /// The reply after the message for one recipient's outcome.
    static func outcome(_ outcome: InboundDelivery.Outcome, overQuotaIsTemporary: Bool) -> SMTPReply {
        switch outcome {
        case .accepted(let id): return SMTPReply(250, "2.0.0", "Delivered, id \(id)")
        case .refused(let verdict):
            return refusal(verdict, overQuotaIsTemporary: overQuotaIsTemporary) ?? SMTPReply(550, "5.1.1", "No such user here")
        case .rejected(let reason): return rejection(reason)
        case .failed(let error): return storeFailure(error)
        }
    }

    /// A Sieve `reject`/`ereject` said in the protocol (RFC 5429 §2.1): 550 5.7.1 and the
    /// script's reason, one line, cleaned.
    static func rejection(_ reason: String) -> SMTPReply {
        let line = String(
            String.UnicodeScalarView(reason.unicodeScalars.prefix(400).map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        return SMTPReply(550, "5.7.1", line.isEmpty ? "Rejected by the recipient's filter" : line)
    }

    /// A store failure never bounces mail: the MTA keeps it and tries again.
    static func storeFailure(_ error: any Error) -> SMTPReply {
        if let error = error as? PopstoreError, error.isOutOfSpace {
            return SMTPReply(452, "4.3.1", "Insufficient system storage; try again later")
        }
        return SMTPReply(451, "4.3.0", "Temporary failure storing the message; try again later")
    }
}
