import Foundation
import Logging
import MailMessage
import NIOCore
import NIOPosix
import PopstoreCore
import PopstoreStore
import SMTP
import ServiceLifecycle

/// How the outbound queue runs under `serve`.
public struct OutboundSettings: Sendable {
    /// Where queued mail goes; nil: no relay, so mail waits in the queue (and is given
    /// up after the lifetime) while `serve` warns at start.
    public var relay: RelayEndpoint?
    /// The relay account for AUTH PLAIN, and the file its password is read from when
    /// `serve` starts (kept out of the configuration file, which more people may read).
    public var relayUser: String?
    public var relayPasswordFile: String?
    public var schedule = RetrySchedule.standard
    /// How often the queue is looked at for mail that fell due or was queued by another
    /// process (`popstore deliver`, `popstore queue retry`); mail queued by `serve`
    /// itself is sent at once.
    public var scanInterval: TimeInterval = 60
    /// Messages sent at once: a few connections, so one slow recipient cannot hold up the
    /// rest, without flooding the relay.
    public var concurrency = 4

    public init() {}
}

/// The queue runner: a Service that hands queued messages to the relay, each under its
/// claim, and settles them (QueueSettlement): delivered recipients leave, refused ones
/// are bounced to the sender, the rest wait for the next attempt. It survives restarts
/// because everything it knows is in the queue's files.
public final class OutboundQueueRunner: Service, Sendable {
    let store: Store
    let settings: OutboundSettings
    let hostname: String
    let logger: Logger
    let clock: WallClock
    let threadPool: NIOThreadPool
    /// Passed before the queue is touched, so its files are never made as root.
    let barrier: BindBarrier?
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    public init(
        store: Store, settings: OutboundSettings, hostname: String, logger: Logger, clock: WallClock = .system,
        threadPool: NIOThreadPool = .singleton, barrier: BindBarrier? = nil
    ) {
        self.threadPool = threadPool
        self.barrier = barrier
        self.store = store
        self.settings = settings
        self.hostname = hostname
        self.logger = logger
        self.clock = clock
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a pass over the queue now (something was just queued).
    public func kick() { wake.yield() }

    public func run() async throws {
        // Every listener bound and root dropped first: whatever the runner writes (bounces)
        // belongs to the user the server runs as.
        try await barrier?.arrive()
        let queue = store.outboundQueue
        let removed = (try? await threadPool.runIfActive { queue.removeAbandoned() }) ?? 0
        if removed > 0 { logger.notice("removed \(removed) queue files a crash left unfinished (none was acknowledged)") }
        if settings.relay == nil { logger.warning("no relay is configured: forwarded mail waits in the queue") }
        await withGracefulShutdownHandler {
            var iterator = wakeups.makeAsyncIterator()
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let nextDue = await pass()
                let wait = min(settings.scanInterval, max(0.05, nextDue.map { $0.timeIntervalSince(clock.now()) } ?? .infinity))
                // The timer wakes the loop like a kick does; a stale wake-up costs one idle pass.
                let timer = Task { [wake] in
                    try? await Task.sleep(for: .seconds(wait))
                    wake.yield()
                }
                _ = await iterator.next()
                timer.cancel()
            }
        } onGracefulShutdown: {
            self.wake.finish()
        }
    }

    /// Sends every message that is due; returns when the next one falls due.
    func pass() async -> Date? {
        let queue = store.outboundQueue
        let messages: [QueuedMessage]
        do { messages = try await threadPool.runIfActive { try queue.messages() } } catch {
            logger.error("cannot read the outbound queue", metadata: ["error": "\(error)"])
            return nil
        }
        let now = clock.now()
        let due = messages.filter { $0.nextAttempt <= now && !$0.pending.isEmpty }
        await withTaskGroup(of: Void.self) { group in
            var started = 0
            for message in due {
                if started >= settings.concurrency { await group.next() }
                group.addTask { await self.attempt(message.id) }
                started += 1
            }
        }
        return messages.filter { $0.nextAttempt > now }.map(\.nextAttempt).min()
    }

    /// One attempt at one message, under its claim.
    func attempt(_ id: String) async {
        let queue = store.outboundQueue
        guard let claim = try? await threadPool.runIfActive({ try queue.claim(id) }) ?? nil else { return }
        defer { claim.release() }
        let message = claim.message
        guard !message.pending.isEmpty, message.nextAttempt <= clock.now() else { return }
        let settlement: QueueSettlement
        if let relay = settings.relay {
            switch Self.envelope(for: message) {
            case .success(let envelope):
                let result = await SMTPRelayClient.send(
                    envelope: envelope, body: RelayMessageBody(path: claim.dataPath, length: message.size), to: relay,
                    group: MultiThreadedEventLoopGroup.singleton, fileIO: NonBlockingFileIO(threadPool: threadPool), logger: logger)
                settlement = QueueSettlement(message, result: result, now: clock.now(), schedule: settings.schedule)
            case .failure(let unsendable):
                settlement = QueueSettlement(refusing: message, reason: unsendable.reason)
            }
        } else {
            let result = SMTPDeliveryResult(
                recipients: [], sessionFailure: .init(.temporary, .connectionLost, reply: SMTPReply(421, "4.4.0", "no relay is configured"))
            )
            settlement = QueueSettlement(message, result: result, now: clock.now(), schedule: settings.schedule)
        }
        await record(settlement, claim: claim)
    }

    private func record(_ settlement: QueueSettlement, claim: QueueClaim) async {
        let (hostname, now, logger) = (self.hostname, clock.now(), self.logger)
        let queue = store.outboundQueue
        let message = settlement.message
        var metadata: Logger.Metadata = [
            "queue.id": "\(message.id)", "queue.attempt": "\(message.attempts)",
            "queue.delivered": "\(message.recipients.filter { $0.state == .delivered }.count)",
            "queue.failed": "\(message.recipients.filter { $0.state == .failed }.count)", "queue.pending": "\(message.pending.count)",
        ]
        if let error = message.lastError { metadata["queue.last-error"] = "\(error)" }
        let bounced: Bool
        do {
            bounced = try await threadPool.runIfActive { () throws -> Bool in
                var bounced = false
                if !settlement.failed.isEmpty, let original = try? Self.original(of: claim),
                    let report = QueueBounce.report(
                        for: message, failed: settlement.failed, original: original, reportingMTA: hostname, now: now)
                {
                    // Queued before the record changes: a crash between the two bounces twice, never not at all.
                    try queue.enqueue(
                        report.render(), sender: "", recipients: [QueuedMessage.Recipient(address: message.sender)],
                        origin: "delivery status notification for \(message.id)")
                    bounced = true
                }
                if settlement.isFinished { try claim.remove() } else { try claim.update { $0 = message } }
                return bounced
            }
        } catch {
            logger.error("cannot update the queued message", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return
        }
        if bounced { metadata["queue.bounced"] = "yes" }
        logger.info(settlement.isFinished ? "queued message done" : "queued message deferred", metadata: metadata)
        if bounced { kick() }
    }

    /// The message as it was handed in: DATA form undone, at most what a bounce returns.
    static func original(of claim: QueueClaim) throws -> [UInt8] {
        let stored = try claim.readData(limit: DeliveryStatusReport.maximumReturnedContent + 1024)
        return POP3Form.unstuff(stored)
    }

    /// The SMTP envelope for the recipients still pending, or why there can be none.
    static func envelope(for message: QueuedMessage) -> Result<SMTPClientEnvelope, Unsendable> {
        do throws(SMTPClientEnvelopeError) {
            let recipients = try message.pending.map { (recipient) throws(SMTPClientEnvelopeError) in
                try SMTPClientRecipient(
                    recipient.address, notify: recipient.notify.flatMap(SMTPClientRecipient.Notify.init(parsing:)),
                    originalRecipient: recipient.originalRecipient.flatMap(Self.rfc822Address))
            }
            return .success(
                try SMTPClientEnvelope(
                    sender: message.sender, recipients: recipients, size: message.size,
                    returnContent: message.ret.flatMap { SMTPClientEnvelope.ReturnContent(rawValue: $0.uppercased()) },
                    envelopeID: message.envelopeID, body: message.eightBit ? .eightBitMIME : .sevenBit))
        } catch {
            return .failure(Unsendable(reason: "550 5.1.3 the envelope cannot be sent: \(error)"))
        }
    }

    /// Why a queued envelope cannot go out as SMTP (an address SMTP cannot carry).
    struct Unsendable: Error {
        var reason: String
    }

    /// The address in an ORCPT value of type rfc822 ("rfc822;a@b"); other types are not passed on.
    static func rfc822Address(_ orcpt: String) -> String? {
        guard let semicolon = orcpt.firstIndex(of: ";"), orcpt[..<semicolon].lowercased() == "rfc822" else { return nil }
        let address = String(orcpt[orcpt.index(after: semicolon)...])
        return address.isEmpty ? nil : address
    }
}
