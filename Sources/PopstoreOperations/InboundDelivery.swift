import Foundation
import MailMessage
import PopstoreCore
import PopstoreStore

/// One message on its way in, for recipients already routed: the single delivery path
/// behind LMTP and `popstore deliver`.
///
/// Octets are written as they come: once into the store for every account that keeps a
/// copy (one file per volume, hard-linked into each maildrop), and once into the
/// outbound queue for each recipient reached by forwarding. At ``commit()``:
/// 1. a recipient whose forwarding the message has already passed (a `Delivered-To`
///    naming one of its forwarding entries) is refused as a loop;
/// 2. the accounts get their copies (DeliveryTransaction: durable before it says so);
/// 3. each forwarded recipient's outside targets, and any of its accounts that failed
///    for a passing reason while others took the message, are queued for the relay,
///    so a copy the sender will not send again is never dropped.
/// A recipient is accepted only when everything it needs is durable; if nothing of it
/// is, it gets the failure and the MTA keeps the message.
public final class InboundDelivery {
    public struct Recipient: Sendable {
        /// The address as the MTA gave it.
        public var address: String
        public var route: MailRouting.Route
        /// RFC 3461 NOTIFY and ORCPT as given, passed on with a forwarded copy.
        public var notify: String?
        public var originalRecipient: String?

        public init(address: String, route: MailRouting.Route, notify: String? = nil, originalRecipient: String? = nil) {
            self.address = address
            self.route = route
            self.notify = notify
            self.originalRecipient = originalRecipient
        }
    }

    /// What became of the message for one recipient.
    public enum Outcome: Sendable, Equatable {
        /// Durable for everything the recipient routes to; the id names it in the store or queue.
        case accepted(id: String)
        /// Refused for good reason: `.unknown`, `.disabled`, `.overQuota` or `.loop`.
        case refused(MailRouting.Verdict)
        /// Refused by the account's Sieve script (`reject`, `ereject`), with its reason.
        case rejected(reason: String)
        /// Nothing of it is durable; the MTA should try again.
        case failed(PopstoreError)
    }

    let store: Store
    let envelope: MessageEnvelope
    let recipients: [Recipient]
    let trace: TraceFields
    var transaction: DeliveryTransaction?
    /// The accounts' active Sieve scripts, and the message as they see it (its first
    /// ``sieveMessageLimit`` octets) with its whole size.
    var filters: [AccountID: SieveFilter] = [:]
    var retained: [UInt8] = []
    var size = 0
    /// Octets of the trace fields at the top of the stored copy.
    var traceLength = 0
    /// The sender copies sent on for others (forwards, redirects) leave with: SRS-rewritten
    /// where configured, else the original one.
    let relaySender: String
    /// One queue submission per recipient reached by forwarding, by recipient index.
    private var forwards: [Int: OutboundSubmission] = [:]
    /// The start of the message, up to the end of its header, for the loop guard.
    private var header: [UInt8] = []
    private var headerComplete = false

    /// The subaddress separator delivery routes by, so Sieve's `:user`/`:detail` agree (RFC 5233).
    let subaddressSeparator: Character?

    /// `trace` is completed with each copy's id (the store's or the queue's).
    public init(
        store: Store, envelope: MessageEnvelope, recipients: [Recipient], trace: TraceFields, senderRewriting: SenderRewriting? = nil,
        subaddressSeparator: Character? = "+"
    ) throws(PopstoreError) {
        self.subaddressSeparator = subaddressSeparator
        self.relaySender = senderRewriting?.forward(envelope.sender, at: store.clock.now()) ?? envelope.sender
        self.store = store
        self.envelope = envelope
        self.recipients = recipients
        self.trace = trace
        let accounts = recipients.flatMap(\.route.accounts)
        do {
            if !accounts.isEmpty {
                let opened = try store.beginDelivery(
                    envelope: envelope, recipients: accounts, profiles: recipients.flatMap(\.route.profiles), maximumSize: .max)
                transaction = opened
                var fields = trace
                fields.id = opened.uid
                let bytes = fields.bytes
                traceLength = bytes.count
                try opened.append(bytes)
                for account in accounts where filters[account] == nil {
                    if let filter = SieveFilter.load(store, account) { filters[account] = filter }
                }
            }
            for (index, recipient) in recipients.enumerated()
            where !recipient.route.forwardedBy.isEmpty || !recipient.route.relayed.isEmpty {
                // A forwarding, or a bounce to an SRS address on its way back to the original sender.
                let origin =
                    recipient.route.forwardedBy.first.map { "forwarding of \($0)" } ?? "return to the sender of \(recipient.address)"
                let submission = try store.outboundQueue.submit(
                    sender: relaySender, origin: origin, ret: envelope.ret, envelopeID: envelope.envelopeID)
                var fields = trace
                fields.id = submission.id
                fields.recipient = recipient.address
                try submission.append(fields.forwardedBytes(forwardedBy: recipient.route.forwardedBy))
                forwards[index] = submission
            }
        } catch {
            abort()
            throw error
        }
    }

    deinit { abort() }

    /// Adds raw message octets (any line ends).
    public func append(_ chunk: [UInt8]) throws(PopstoreError) {
        if !forwards.isEmpty && !headerComplete { collectHeader(chunk) }
        size += chunk.count
        if !filters.isEmpty && retained.count < Self.sieveMessageLimit {
            retained.append(contentsOf: chunk.prefix(Self.sieveMessageLimit - retained.count))
        }
        do {
            try transaction?.append(chunk)
            for submission in forwards.values { try submission.append(chunk) }
        } catch {
            abort()
            throw error
        }
    }

    private func collectHeader(_ chunk: [UInt8]) {
        header.append(contentsOf: chunk.prefix(MessageHeader.maximumHeaderBytes - header.count))
        if header.count >= MessageHeader.maximumHeaderBytes || Self.hasHeaderEnd(header) { headerComplete = true }
    }

    static func hasHeaderEnd(_ bytes: [UInt8]) -> Bool {
        var previous: UInt8 = 0x0A
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x0A && previous == 0x0A { return true }
            if byte != 0x0D { previous = byte }
            index += 1
        }
        return false
    }

    /// Makes the message durable for its recipients; one outcome each, in order.
    public func commit() -> [Outcome] {
        let looping = loopingRecipients()
        var outcomes = [Outcome?](repeating: nil, count: recipients.count)
        for index in looping { outcomes[index] = .refused(.loop) }

        // The accounts' copies, after their Sieve scripts decided.
        var stored: [AccountID: DeliveryOutcome] = [:]
        let accounts = recipients.indices.filter { !looping.contains($0) }.flatMap { recipients[$0].route.accounts }
        let decisions = filter(accounts)
        if let transaction {
            if accounts.isEmpty {
                transaction.abort()
            } else {
                do {
                    try transaction.seal()
                    for (account, failure) in performSieveActions(decisions) { stored[account] = .failed(failure) }
                    // A script that edited the header gets a copy of its own; the others share one.
                    for (account, decision) in decisions where decision.keep && decision.editedHeader != nil {
                        stored[account] = storeEdited(for: account, decision: decision)
                    }
                    let keepers = accounts.filter { (decisions[$0]?.keep ?? true) && decisions[$0]?.editedHeader == nil }
                    let seen = Set(accounts.filter { decisions[$0]?.seen ?? false })
                    let results = try transaction.commit(to: keepers, retrieved: seen)
                    for (account, result) in zip(keepers, results) where stored[account] == nil { stored[account] = result }
                    // Discarded, redirected or rejected: done, nothing to store.
                    for account in accounts where stored[account] == nil { stored[account] = .stored(uid: transaction.uid) }
                } catch {
                    for account in accounts { stored[account] = .failed(error) }
                }
            }
        }

        for (index, recipient) in recipients.enumerated() where outcomes[index] == nil {
            if let reason = rejection(of: recipient, decisions: decisions) {
                outcomes[index] = .rejected(reason: reason)
                forwards[index]?.abort()
                continue
            }
            let results = recipient.route.accounts.map { stored[$0] ?? .failed(.temporary("not stored")) }
            guard let submission = forwards[index] else {
                outcomes[index] = Self.outcome(of: results, queued: nil, uid: transaction?.uid)
                continue
            }
            // A forwarded recipient: its outside targets, and the accounts that failed for
            // a passing reason when something else took the message, go to the queue.
            let tookIt = results.contains { if case .stored = $0 { true } else { false } } || !recipient.route.relayed.isEmpty
            var targets = recipient.route.relayed
            if tookIt {
                for (account, result) in zip(recipient.route.accounts, results) {
                    if case .failed = result { targets.append(account.address) }
                }
            }
            var queued: Result<QueuedMessage, PopstoreError>?
            if !targets.isEmpty {
                let original = recipient.originalRecipient ?? "rfc822;\(recipient.address)"
                do {
                    queued = .success(
                        try submission.commit(
                            to: targets.map { QueuedMessage.Recipient(address: $0, notify: recipient.notify, originalRecipient: original) })
                    )
                } catch {
                    queued = .failure(error)
                }
            } else {
                submission.abort()
            }
            outcomes[index] = Self.outcome(
                of: results.filter { if case .failed = $0 { !tookIt } else { true } }, queued: queued, uid: transaction?.uid)
        }
        for submission in forwards.values { submission.abort() }
        forwards = [:]
        transaction = nil
        recordSieveOutcomes(decisions, stored: stored)
        return outcomes.map { $0 ?? .failed(.temporary("not delivered")) }
    }

    /// One recipient's outcome from its accounts' results and its queued copy.
    private static func outcome(of results: [DeliveryOutcome], queued: Result<QueuedMessage, PopstoreError>?, uid: String?) -> Outcome {
        if case .failure(let error) = queued { return .failed(error) }
        var firstStored: String?
        var refusal: MailRouting.Verdict?
        var failure: PopstoreError?
        for result in results {
            switch result {
            case .stored(let id): firstStored = firstStored ?? id
            case .noSuchAccount: refusal = refusal ?? .unknown
            case .disabled: refusal = refusal ?? .disabled
            case .overQuota: refusal = refusal ?? .overQuota
            case .failed(let error): failure = failure ?? error
            }
        }
        if let failure { return .failed(failure) }
        if case .success(let message) = queued { return .accepted(id: firstStored ?? message.id) }
        if let firstStored { return .accepted(id: firstStored) }
        return .refused(refusal ?? .unknown)
    }

    /// Recipients whose forwarding the message has been through already.
    private func loopingRecipients() -> Set<Int> {
        guard !forwards.isEmpty else { return [] }
        let seen = Set(
            MessageHeader(parsing: header).values("Delivered-To").map { value in
                value.trimmingCharacters(in: [" ", "\t", "<", ">"]).lowercased()
            })
        guard !seen.isEmpty else { return [] }
        return Set(recipients.indices.filter { recipients[$0].route.forwardedBy.contains { seen.contains($0.lowercased()) } })
    }

    /// Drops everything written; nothing was acknowledged.
    public func abort() {
        transaction?.abort()
        transaction = nil
        for submission in forwards.values { submission.abort() }
        forwards = [:]
    }
}
