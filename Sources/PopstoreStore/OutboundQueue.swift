import Foundation
import MailMessage
import PopstoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// The outbound queue: messages Popstore must hand to the relay (forwards now; vacation
/// replies, Sieve redirects and bounces later), kept in `ROOT/queue/` until the relay
/// has taken them for every recipient or they are given up.
///
/// Each message is two files: `<id>.msg`, the message in DATA form, written once and
/// never changed, and `<id>.json`, its ``QueuedMessage`` record, replaced atomically as
/// recipients are settled. A message is queued when its record exists: the data file is
/// written and fsynced first, then the record is created durably, so a crash leaves
/// either nothing or a whole message. Whoever works on a message (the queue runner
/// sending it, `popstore queue remove`) holds an OFD lock on its data file, across
/// processes.
public struct OutboundQueue: Sendable {
    let store: Store

    var directory: String { "\(store.layout.root)/queue" }
    func dataPath(_ id: String) -> String { "\(directory)/\(id).msg" }
    func recordPath(_ id: String) -> String { "\(directory)/\(id).json" }

    /// The path of a queued message's data (DATA form, no terminator), for the sender.
    public func messagePath(_ id: String) throws(PopstoreError) -> String {
        try Self.checkID(id)
        return dataPath(id)
    }

    /// Ids are made here (`MaildropEntryName.makeUID`); nothing else names a file.
    static func checkID(_ id: String) throws(PopstoreError) {
        guard MaildropEntryName.isValidUID(id) else { throw .invalidInput("not a queue id: \(NameRules.printable(id))") }
    }

    /// Starts queuing a message; its octets come through ``OutboundSubmission/append(_:)``.
    /// The recipients are named at ``OutboundSubmission/commit(to:)``.
    public func submit(sender: String, origin: String, ret: String? = nil, envelopeID: String? = nil) throws(PopstoreError)
        -> OutboundSubmission
    {
        try OutboundSubmission(queue: self, sender: sender, origin: origin, ret: ret, envelopeID: envelopeID, created: store.clock.now())
    }

    /// Queues a whole message (raw octets, any line ends) at once.
    @discardableResult
    public func enqueue(
        _ raw: [UInt8], sender: String, recipients: [QueuedMessage.Recipient], origin: String, ret: String? = nil,
        envelopeID: String? = nil
    ) throws(PopstoreError) -> QueuedMessage {
        let submission = try submit(sender: sender, origin: origin, ret: ret, envelopeID: envelopeID)
        try submission.append(raw)
        return try submission.commit(to: recipients)
    }

    /// Every queued message, oldest first. Records that cannot be read are skipped.
    public func messages() throws(PopstoreError) -> [QueuedMessage] {
        let names: [String]
        do { names = try Posix.listDirectory(directory) } catch { throw error.popstoreError }
        return names.compactMap { name -> QueuedMessage? in
            guard name.hasSuffix(".json"), !name.hasPrefix(".") else { return nil }
            return try? message(String(name.dropLast(5)))
        }.sorted { ($0.created, $0.id) < ($1.created, $1.id) }
    }

    public func message(_ id: String) throws(PopstoreError) -> QueuedMessage? {
        try Self.checkID(id)
        return try JSONFile.read(QueuedMessage.self, at: recordPath(id), what: "a queued message", newest: QueuedMessage.formatVersion)
    }

    /// Takes a message for work (sending, changing, removing); nil when someone else holds
    /// it, `.notFound` when it is not queued. The claim lasts until it is released or dropped.
    public func claim(_ id: String) throws(PopstoreError) -> QueueClaim? {
        try Self.checkID(id)
        guard Posix.exists(recordPath(id)) else { throw .notFound("no queued message \(id)") }
        guard let lock = try FileLock.tryAcquireExisting(dataPath(id)) else { return nil }
        guard let message = try message(id) else { throw .notFound("no queued message \(id)") }
        return QueueClaim(queue: self, lock: lock, message: message)
    }

    /// Removes data files whose record never came (a crash while queuing) and stale tmp
    /// records, as `serve` does when it starts. Returns how many went.
    public func removeAbandoned() -> Int {
        var removed = 0
        for name in (try? Posix.listDirectory(directory)) ?? [] {
            let path = "\(directory)/\(name)"
            let orphan = name.hasSuffix(".msg") && !Posix.exists(recordPath(String(name.dropLast(4))))
            let tmp = name.hasPrefix(".") && name.hasSuffix(DurableFile.tmpSuffix)
            if orphan || tmp, DurableFile.isAbandoned(path), (try? Posix.unlink(path)) != nil { removed += 1 }
        }
        return removed
    }
}

extension Store {
    /// This store's outbound queue.
    public var outboundQueue: OutboundQueue { OutboundQueue(store: self) }
}

/// A queued message taken for work: changes to it go through here, under its lock.
///
/// Used by one task at a time (the runner's attempt, a CLI command), which may move it
/// between threads, hence `@unchecked Sendable`.
public final class QueueClaim: @unchecked Sendable {
    let queue: OutboundQueue
    private let lock: FileLock
    public private(set) var message: QueuedMessage

    init(queue: OutboundQueue, lock: FileLock, message: QueuedMessage) {
        self.queue = queue
        self.lock = lock
        self.message = message
    }

    /// The message's data file (DATA form, no terminator).
    public var dataPath: String { queue.dataPath(message.id) }

    /// The first `limit` octets of the message's data at most.
    public func readData(limit: Int) throws(PopstoreError) -> [UInt8] {
        let fd: Int32
        do { fd = try Posix.open(dataPath, O_RDONLY) } catch { throw error.popstoreError }
        defer { Posix.close(fd) }
        do { return try Posix.pread(fd, count: min(limit, message.size), offset: 0, path: dataPath) } catch { throw error.popstoreError }
    }

    /// Replaces the record durably.
    public func update(_ change: (inout QueuedMessage) -> Void) throws(PopstoreError) {
        var changed = message
        change(&changed)
        try DurableFile.replace(queue.recordPath(message.id), with: try JSONFile.encode(changed))
        message = changed
    }

    /// Takes the message out of the queue: the record first, so a crash leaves at most an
    /// orphan data file, which `removeAbandoned` clears.
    public func remove() throws(PopstoreError) {
        try DurableFile.remove(queue.recordPath(message.id))
        try? Posix.unlink(queue.dataPath(message.id))
        release()
    }

    public func release() { lock.release() }
}

/// A message being written into the queue; nothing is queued until ``commit()``.
public final class OutboundSubmission {
    private let queue: OutboundQueue
    private var record: QueuedMessage
    private var writer = POP3FormWriter()
    private var fd: Int32 = -1
    private let path: String
    private var eightBit = false

    init(queue: OutboundQueue, sender: String, origin: String, ret: String?, envelopeID: String?, created: Date) throws(PopstoreError) {
        self.queue = queue
        var generator = SystemRandomNumberGenerator()
        let id = MaildropEntryName.makeUID(using: &generator)
        record = QueuedMessage(
            id: id, sender: sender, recipients: [], origin: origin, created: created, size: 0, eightBit: false, ret: ret,
            envelopeID: envelopeID)
        path = queue.dataPath(id)
        do {
            try Posix.makeDirectories(queue.directory)
            fd = try Posix.open(path, O_RDWR | O_CREAT | O_EXCL, mode: 0o640)
        } catch { throw error.popstoreError }
        // Held while it is written: `removeAbandoned` leaves a live submission alone.
        _ = FileLock.tryLock(descriptor: fd)
    }

    deinit { abort() }

    public var id: String { record.id }

    /// Adds raw message octets (any line ends); they are kept in DATA form.
    public func append<C: Collection>(_ chunk: C) throws(PopstoreError) where C.Element == UInt8 {
        precondition(fd >= 0, "append after commit or abort")
        if !eightBit { eightBit = chunk.contains { $0 >= 0x80 } }
        try write(writer.append(chunk))
    }

    /// Adds octets already in DATA form (CRLF lines, dot-stuffed), as a stored copy is.
    public func appendDataForm(_ bytes: [UInt8]) throws(PopstoreError) {
        precondition(fd >= 0, "append after commit or abort")
        if !eightBit { eightBit = bytes.contains { $0 >= 0x80 } }
        try write(bytes)
    }

    private func write(_ bytes: [UInt8]) throws(PopstoreError) {
        guard !bytes.isEmpty else { return }
        do { try Posix.writeAll(fd, bytes, path: path) } catch {
            abort()
            throw error.popstoreError
        }
        record.size += bytes.count
    }

    /// Makes the message durable and queued for `recipients`.
    public func commit(to recipients: [QueuedMessage.Recipient]) throws(PopstoreError) -> QueuedMessage {
        precondition(fd >= 0, "commit after commit or abort")
        precondition(!recipients.isEmpty, "a queued message needs a recipient")
        record.recipients = recipients
        try write(writer.finish().tail)
        record.eightBit = eightBit
        do {
            try Posix.fsync(fd, path: path)
            // Creating the record fsyncs the directory, which holds the data file's name too.
            try DurableFile.create(queue.recordPath(record.id), with: try JSONFile.encode(record), what: "a queued message")
        } catch {
            abort()
            throw Store.classify(error)
        }
        Posix.close(fd)
        fd = -1
        return record
    }

    /// Drops what was written; nothing was queued.
    public func abort() {
        guard fd >= 0 else { return }
        try? Posix.unlink(path)
        Posix.close(fd)
        fd = -1
    }
}
