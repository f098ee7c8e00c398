import MailMessage
import PopstoreCore
import PopstoreStore

/// A message handed over by a pipe (`popstore deliver`): the same routing and the same
/// store transaction as LMTP, with one result per recipient.
public struct LocalDelivery: Sendable {
    public let routing: MailRouting
    public let maximumSize: Int

    public init(routing: MailRouting, maximumSize: Int) {
        self.routing = routing
        self.maximumSize = maximumSize
    }

    /// One recipient's result.
    public enum Result: Sendable, Equatable {
        case stored(uid: String)
        /// Refused by the routing rule (unknown, foreign domain, DISMAIL, over quota, temporary).
        case refused(MailRouting.Verdict)
        case tooLarge
        case failed(PopstoreError)
    }

    /// Stores the message `read` yields (chunks until it returns nil) for `recipients`.
    /// `trace` gives the trace fields for the message's id.
    public func deliver(
        envelope: MessageEnvelope, recipients: [String], trace: (String) -> [UInt8], read: () throws -> [UInt8]?
    ) -> [Result] {
        var results = [Result?](repeating: nil, count: recipients.count)
        var accounts: [(index: Int, account: AccountID)] = []
        for (index, address) in recipients.enumerated() {
            switch routing.route(address) {
            case .deliver(let account): accounts.append((index, account))
            case let verdict: results[index] = .refused(verdict)
            }
        }
        if !accounts.isEmpty {
            let outcome = store(accounts.map(\.account), envelope: envelope, trace: trace, read: read)
            for (position, entry) in accounts.enumerated() { results[entry.index] = outcome[position] }
        }
        return results.map { $0 ?? .failed(.temporary("not delivered")) }
    }

    private func store(_ accounts: [AccountID], envelope: MessageEnvelope, trace: (String) -> [UInt8], read: () throws -> [UInt8]?)
        -> [Result]
    {
        let everyone = { (result: Result) in accounts.map { _ in result } }
        do {
            let transaction = try routing.store.beginDelivery(envelope: envelope, recipients: accounts, maximumSize: .max)
            try transaction.append(trace(transaction.uid))
            // The size rule is LMTP's: message octets, trace fields not counted.
            var size = 0
            while let chunk = try read() {
                size += chunk.count
                guard size <= maximumSize else {
                    transaction.abort()
                    return everyone(.tooLarge)
                }
                try transaction.append(chunk)
            }
            return try transaction.commit(to: accounts).map { outcome in
                switch outcome {
                case .stored(let uid): return .stored(uid: uid)
                case .noSuchAccount: return .refused(.unknown)
                case .disabled: return .refused(.disabled)
                case .overQuota: return .refused(.overQuota)
                case .failed(let error): return .failed(error)
                }
            }
        } catch let error as PopstoreError {
            return everyone(.failed(error))
        } catch {
            return everyone(.failed(.temporary("cannot read the message")))
        }
    }
}
