import MailMessage
import PopstoreCore
import PopstoreStore

/// A message handed over by a pipe (`popstore deliver`): the same routing and the same
/// delivery (InboundDelivery) as LMTP, with one result per recipient.
public struct LocalDelivery: Sendable {
    public let routing: MailRouting
    public let maximumSize: Int

    public init(routing: MailRouting, maximumSize: Int) {
        self.routing = routing
        self.maximumSize = maximumSize
    }

    /// One recipient's result.
    public enum Result: Sendable, Equatable {
        /// Stored, or queued for the relay where it is forwarded; the id names it.
        case stored(uid: String)
        /// Refused by the routing rule (unknown, foreign domain, DISMAIL, over quota, loop, temporary).
        case refused(MailRouting.Verdict)
        case tooLarge
        /// Refused by the account's Sieve script, with its reason.
        case rejected(String)
        case failed(PopstoreError)
    }

    /// Stores the message `read` yields (chunks until it returns nil) for `recipients`.
    /// `trace` is completed with the message's id.
    public func deliver(envelope: MessageEnvelope, recipients: [String], trace: TraceFields, read: () throws -> [UInt8]?) -> [Result] {
        var results = [Result?](repeating: nil, count: recipients.count)
        var routed: [(index: Int, recipient: InboundDelivery.Recipient)] = []
        for (index, address) in recipients.enumerated() {
            switch routing.route(address) {
            case .deliver(let route): routed.append((index, InboundDelivery.Recipient(address: address, route: route)))
            case let verdict: results[index] = .refused(verdict)
            }
        }
        if !routed.isEmpty {
            let outcome = store(routed.map(\.recipient), envelope: envelope, trace: trace, read: read)
            for (position, entry) in routed.enumerated() { results[entry.index] = outcome[position] }
        }
        return results.map { $0 ?? .failed(.temporary("not delivered")) }
    }

    private func store(
        _ recipients: [InboundDelivery.Recipient], envelope: MessageEnvelope, trace: TraceFields, read: () throws -> [UInt8]?
    )
        -> [Result]
    {
        let everyone = { (result: Result) in recipients.map { _ in result } }
        do {
            let delivery = try InboundDelivery(
                store: routing.store, envelope: envelope, recipients: recipients, trace: trace, senderRewriting: routing.senderRewriting,
                subaddressSeparator: routing.subaddressSeparator)
            // The size rule is LMTP's: message octets, trace fields not counted.
            var size = 0
            while let chunk = try read() {
                size += chunk.count
                guard size <= maximumSize else {
                    delivery.abort()
                    return everyone(.tooLarge)
                }
                try delivery.append(chunk)
            }
            return delivery.commit().map { outcome in
                switch outcome {
                case .accepted(let id): .stored(uid: id)
                case .refused(let verdict): .refused(verdict)
                case .rejected(let reason): .rejected(reason)
                case .failed(let error): .failed(error)
                }
            }
        } catch let error as PopstoreError {
            return everyone(.failed(error))
        } catch {
            return everyone(.failed(.temporary("cannot read the message")))
        }
    }
}
