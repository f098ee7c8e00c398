import Foundation
import PopstoreCore
import SMTP
import Testing

@testable import PopstoreServer

struct QueueSettlementTests {
    private let created = Date(timeIntervalSince1970: 1_800_000_000)
    private let schedule = RetrySchedule(initial: 60, maximum: 600, lifetime: 3600)

    private func message(_ recipients: [String]) -> QueuedMessage {
        QueuedMessage(
            id: "0123456789abcdef01234567", sender: "a@sender.test", recipients: recipients.map { .init(address: $0) }, origin: "test",
            created: created, size: 10, eightBit: false)
    }

    @Test func deliveredRecipientsLeaveRefusedOnesFailAndTheRestWait() {
        let result = SMTPDeliveryResult(
            recipients: [
                .init(address: "ok@x.test", status: .delivered(SMTPReply(250, "2.0.0", "queued"))),
                .init(address: "gone@x.test", status: .failed(.init(.recipientRefused, reply: SMTPReply(550, "5.1.1", "no such user")))),
                .init(address: "busy@x.test", status: .failed(.init(.recipientRefused, reply: SMTPReply(452, "4.2.2", "mailbox full")))),
            ], sessionFailure: nil)
        let now = created.addingTimeInterval(10)
        let settlement = QueueSettlement(
            message(["ok@x.test", "gone@x.test", "busy@x.test"]), result: result, now: now, schedule: schedule)
        #expect(settlement.message.recipients.map(\.state) == [.delivered, .failed, .pending])
        #expect(settlement.failed.map(\.address) == ["gone@x.test"])
        #expect(settlement.failed.first?.reply == "550 5.1.1 no such user")
        #expect(settlement.message.attempts == 1)
        #expect(settlement.message.nextAttempt == now.addingTimeInterval(60))
        #expect(settlement.message.lastError == "452 4.2.2 mailbox full")
        #expect(!settlement.isFinished)
    }

    @Test func aSessionFailureDefersEveryoneWithGrowingWaits() {
        let lost = SMTPDeliveryResult(
            recipients: [.init(address: "b@x.test", status: .failed(.init(.temporary, .connectionLost)))],
            sessionFailure: .init(.temporary, .connectionLost))
        var message = message(["b@x.test"])
        var waits: [TimeInterval] = []
        for attempt in 0..<4 {
            let now = created.addingTimeInterval(Double(attempt))
            message = QueueSettlement(message, result: lost, now: now, schedule: schedule).message
            waits.append(message.nextAttempt.timeIntervalSince(now))
        }
        #expect(waits == [60, 120, 240, 480])
        #expect(message.lastError == "connectionLost")
        #expect(message.pending.count == 1)
    }

    @Test func pastItsLifetimeAMessageIsGivenUpAndBounced() {
        let busy = SMTPDeliveryResult(
            recipients: [.init(address: "b@x.test", status: .failed(.init(.recipientRefused, reply: SMTPReply(451, "4.3.0", "later"))))],
            sessionFailure: nil)
        let settlement = QueueSettlement(message(["b@x.test"]), result: busy, now: created.addingTimeInterval(3600), schedule: schedule)
        #expect(settlement.isFinished)
        #expect(settlement.failed.map(\.address) == ["b@x.test"])
        #expect(settlement.failed.first?.reply == "gave up after 1 attempts; last: 451 4.3.0 later")
        #expect(QueueBounce.status(of: settlement.failed.first?.reply) == "4.4.7")
    }

    @Test func everythingDeliveredFinishesTheMessage() {
        let done = SMTPDeliveryResult(
            recipients: [.init(address: "b@x.test", status: .delivered(SMTPReply(250, "2.0.0", "ok")))], sessionFailure: nil)
        #expect(QueueSettlement(message(["b@x.test"]), result: done, now: created, schedule: schedule).isFinished)
    }

    @Test func bouncesGoOnlyToARealSenderAndOnlyWhereFailureNoticesAreWanted() {
        var quiet = QueuedMessage.Recipient(address: "q@x.test", notify: "NEVER")
        quiet.state = .failed
        var loud = QueuedMessage.Recipient(address: "l@x.test", notify: "SUCCESS,FAILURE")
        loud.state = .failed
        loud.reply = "550 5.1.1 no such user"
        var message = message(["q@x.test", "l@x.test"])
        let report = QueueBounce.report(for: message, failed: [quiet, loud], original: [], reportingMTA: "store.test", now: created)
        #expect(report?.recipients.map(\.finalRecipient) == ["l@x.test"])
        #expect(report?.recipients.first?.status == "5.1.1")
        #expect(report?.sender == "a@sender.test")
        #expect(QueueBounce.report(for: message, failed: [quiet], original: [], reportingMTA: "store.test", now: created) == nil)
        message.sender = ""
        #expect(QueueBounce.report(for: message, failed: [loud], original: [], reportingMTA: "store.test", now: created) == nil)
    }

    @Test func anORCPTOfTypeRFC822IsPassedOn() {
        #expect(OutboundQueueRunner.rfc822Address("rfc822;team@example.com") == "team@example.com")
        #expect(OutboundQueueRunner.rfc822Address("RFC822;x@y") == "x@y")
        #expect(OutboundQueueRunner.rfc822Address("x400;whatever") == nil)
    }
}
