import Foundation
import MailMessage
import PopstoreCore
import PopstoreOperations
import PopstoreStore
import SMTP

/// A message arriving over LMTP on its way into the store: its octets gathered in
/// memory up to ``flushThreshold`` and then written to the InboundDelivery, so memory
/// per session stays bounded whatever the message size, and a small message costs one
/// trip to the thread pool.
///
/// Used by one session at a time: the session hands it to the thread pool only while it
/// reads nothing else (its `busy` flag), hence `@unchecked Sendable`.
final class IncomingMessage: @unchecked Sendable {
    /// Octets held before they are written out: a few large network reads.
    static let flushThreshold = 256 * 1024

    let envelope: MessageEnvelope
    let recipients: [InboundDelivery.Recipient]
    let trace: TraceFields
    let maximumSize: Int
    let routing: MailRouting
    private(set) var pending: [UInt8] = []
    private(set) var size = 0
    /// Why the message cannot be kept; set once, then octets are only counted.
    private(set) var failure: SMTPReply?
    private var delivery: InboundDelivery?

    init(
        envelope: MessageEnvelope, recipients: [InboundDelivery.Recipient], maximumSize: Int, trace: TraceFields,
        routing: MailRouting
    ) {
        self.routing = routing
        self.envelope = envelope
        self.recipients = recipients
        self.maximumSize = maximumSize
        self.trace = trace
        pending.reserveCapacity(8192)
    }

    /// Takes octets decoded from the wire; over the size limit the message is given up.
    func take(_ bytes: inout [UInt8]) {
        size += bytes.count
        if failure == nil && size > maximumSize {
            fail(SMTPReply(552, "5.3.4", "Message too big for this system (\(maximumSize) octets at most)"))
        }
        if failure == nil { pending.append(contentsOf: bytes) }
        bytes.removeAll(keepingCapacity: true)
    }

    var needsFlush: Bool { failure == nil && pending.count >= Self.flushThreshold }

    /// Writes what is pending to the store (on the thread pool).
    func flush(store: Store) {
        guard failure == nil else { return }
        do {
            if delivery == nil {
                delivery = try InboundDelivery(
                    store: store, envelope: envelope, recipients: recipients, trace: trace, senderRewriting: routing.senderRewriting,
                    subaddressSeparator: routing.subaddressSeparator)
            }
            try delivery?.append(pending)
            pending.removeAll(keepingCapacity: true)
        } catch {
            fail(DeliveryReplies.storeFailure(error))
        }
    }

    /// Makes the message durable for its recipients (on the thread pool): one reply each,
    /// a `250` only where the message is durable for that recipient.
    func commit(store: Store, overQuotaIsTemporary: Bool) -> [SMTPReply] {
        flush(store: store)
        guard failure == nil, let delivery else {
            return recipients.map { _ in failure ?? DeliveryReplies.storeFailure(PopstoreError.temporary("no message")) }
        }
        self.delivery = nil
        return delivery.commit().map { DeliveryReplies.outcome($0, overQuotaIsTemporary: overQuotaIsTemporary) }
    }

    func fail(_ reply: SMTPReply) {
        guard failure == nil else { return }
        failure = reply
        pending = []
        delivery?.abort()
        delivery = nil
    }

    /// Drops the message; nothing of it was acknowledged.
    func abandon() {
        delivery?.abort()
        delivery = nil
        pending = []
    }
}
