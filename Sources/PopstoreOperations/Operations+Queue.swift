import Foundation
import PopstoreCore
import PopstoreStore

/// A queued message as shown by `popstore queue`.
public struct QueuedMessageView: Sendable, Equatable, Codable {
    public var id: String
    public var sender: String
    public var origin: String
    public var size: Int
    public var created: Date
    public var nextAttempt: Date
    public var attempts: Int
    public var lastError: String?
    public var recipients: [QueuedMessage.Recipient]

    init(_ message: QueuedMessage) {
        id = message.id
        sender = message.sender
        origin = message.origin
        size = message.size
        created = message.created
        nextAttempt = message.nextAttempt
        attempts = message.attempts
        lastError = message.lastError
        recipients = message.recipients
    }
}

extension Operations {
    /// The outbound queue serves the whole store: its operations are the store
    /// manager's (a queued forward can carry any domain's mail).
    public func queuedMessages() throws(PopstoreError) -> [QueuedMessageView] {
        try requireStoreManager()
        return try store.outboundQueue.messages().map(QueuedMessageView.init)
    }

    public func queuedMessage(_ id: String) throws(PopstoreError) -> QueuedMessageView {
        try requireStoreManager()
        guard let message = try store.outboundQueue.message(id) else { throw .notFound("no queued message \(id)") }
        return QueuedMessageView(message)
    }

    /// Makes a message due now; a running `serve` sends it on its next look at the queue.
    public func retryQueued(_ id: String) throws(PopstoreError) -> QueuedMessageView {
        let claim = try claimQueued(id)
        defer { claim.release() }
        let now = clock.now()
        try claim.update { $0.nextAttempt = now }
        return QueuedMessageView(claim.message)
    }

    /// Takes a message out of the queue without sending it or telling its sender.
    public func removeQueued(_ id: String) throws(PopstoreError) {
        try claimQueued(id).remove()
    }

    private func claimQueued(_ id: String) throws(PopstoreError) -> QueueClaim {
        try requireStoreManager()
        guard let claim = try store.outboundQueue.claim(id) else {
            throw .temporary("message \(id) is being sent right now; try again in a moment")
        }
        return claim
    }
}
