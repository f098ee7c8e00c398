import Foundation
import PopstoreCore
import SMTP

/// What one attempt at the relay does to a queued message: the pure rule of the queue.
///
/// - A recipient the relay took is `delivered`; one it refused with a 5yz is `failed`
///   and is bounced to the sender.
/// - When the session failed, or a recipient got a 4yz, the recipients left wait for
///   the next attempt, `RetrySchedule.delay` later, unless the message is past its
///   lifetime: then they fail too, with the last reason seen.
/// - The message leaves the queue when no recipient is pending.
struct QueueSettlement: Equatable {
    var message: QueuedMessage
    /// Recipients that failed for good in this attempt, to be reported to the sender.
    var failed: [QueuedMessage.Recipient]
    /// No recipient is pending: the message leaves the queue.
    var isFinished: Bool { message.pending.isEmpty }

    /// Applies `result`, whose recipients are `message.pending` in order.
    init(_ message: QueuedMessage, result: SMTPDeliveryResult, now: Date, schedule: RetrySchedule) {
        var message = message
        var failed: [QueuedMessage.Recipient] = []
        var outcomes: [String: SMTPDeliveryResult.Status] = [:]
        for recipient in result.recipients where outcomes[recipient.address] == nil { outcomes[recipient.address] = recipient.status }
        let sessionReason = result.sessionFailure.map(Self.describe)
        for index in message.recipients.indices where message.recipients[index].state == .pending {
            switch outcomes[message.recipients[index].address] {
            case .delivered(let reply)?:
                message.recipients[index].state = .delivered
                message.recipients[index].reply = Self.describe(reply)
            case .failed(let failure)? where failure.severity == .permanent:
                message.recipients[index].state = .failed
                message.recipients[index].reply = Self.describe(failure)
                failed.append(message.recipients[index])
            case .failed(let failure)?:
                message.recipients[index].reply = Self.describe(failure)
            case nil:
                message.recipients[index].reply = sessionReason ?? message.recipients[index].reply
            }
        }
        message.attempts += 1
        message.lastError = sessionReason ?? message.pending.first?.reply
        if !message.pending.isEmpty {
            if schedule.isExpired(created: message.created, now: now) {
                for index in message.recipients.indices where message.recipients[index].state == .pending {
                    message.recipients[index].state = .failed
                    let last = message.recipients[index].reply ?? "no attempt succeeded"
                    message.recipients[index].reply = "gave up after \(message.attempts) attempts; last: \(last)"
                    failed.append(message.recipients[index])
                }
            } else {
                message.nextAttempt = now.addingTimeInterval(schedule.delay(afterAttempts: message.attempts))
            }
        }
        self.message = message
        self.failed = failed
    }

    /// The settlement when the message cannot be sent at all (its envelope is not valid
    /// SMTP): every pending recipient fails for good.
    init(refusing message: QueuedMessage, reason: String) {
        var message = message
        var failed: [QueuedMessage.Recipient] = []
        for index in message.recipients.indices where message.recipients[index].state == .pending {
            message.recipients[index].state = .failed
            message.recipients[index].reply = reason
            failed.append(message.recipients[index])
        }
        message.attempts += 1
        message.lastError = reason
        self.message = message
        self.failed = failed
    }

    static func describe(_ reply: SMTPReply) -> String {
        let text = reply.lines.joined(separator: " ")
        return "\(reply.code)\(reply.enhancedCode.map { " \($0)" } ?? "") \(text)"
    }

    static func describe(_ failure: SMTPDeliveryResult.Failure) -> String {
        if let reply = failure.reply { return describe(reply) }
        return "\(failure.reason)"
    }
}
