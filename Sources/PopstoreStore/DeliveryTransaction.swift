import MailMessage
import PopstoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// One message being stored for its recipients: begin, append, commit or abort.
///
/// The message is written once per volume that holds a recipient, to `VOLUME/tmp/<uid>`
/// (held under an OFD lock, so `store check` knows it is live), converted on the fly to
/// POP3 form. Commit fsyncs it, then for each recipient, under that maildrop's lock:
/// checks DISMAIL and quota, hard-links the file into the maildrop, fsyncs the maildrop
/// directory and updates the usage counters. Only then is the recipient's outcome
/// `.stored`: the message is durable for that recipient. Last, the tmp names go; the
/// link count of the file is then the number of maildrops holding it.
public final class DeliveryTransaction {
    private let store: Store
    public let uid: String
    private let envelope: MessageEnvelope
    private var writer = POP3FormWriter()
    private var tmpFiles: [(volume: String, fd: Int32, path: String)] = []
    private var rawSize = 0
    private var finished = false
    /// Largest raw message accepted, in octets.
    public let maximumSize: Int

    /// The default cap on a message's size: 64 MiB, beyond any normal mail and small
    /// enough that one delivery cannot fill a volume by surprise.
    public static let defaultMaximumSize = 64 << 20

    init(store: Store, envelope: MessageEnvelope, volumes: [String], maximumSize: Int) throws(PopstoreError) {
        self.store = store
        self.envelope = envelope
        self.maximumSize = maximumSize
        var generator = SystemRandomNumberGenerator()
        self.uid = MaildropEntryName.makeUID(using: &generator)
        do {
            try store.probe(.createTmp)
            for name in volumes {
                let volume = try store.volumeLayout(named: name)
                let path = "\(volume.tmpDirectory)/\(uid)"
                let fd = try Posix.open(path, O_WRONLY | O_CREAT | O_EXCL, mode: 0o640)
                _ = FileLock.tryLock(descriptor: fd)
                tmpFiles.append((name, fd, path))
            }
        } catch {
            abort()
            throw Store.classify(error)
        }
    }

    deinit { abort() }

    /// Adds raw message bytes (any line ends); they are stored in POP3 form.
    public func append<C: Collection>(_ chunk: C) throws(PopstoreError) where C.Element == UInt8 {
        precondition(!finished, "append after commit or abort")
        rawSize += chunk.count
        guard rawSize <= maximumSize else {
            abort()
            throw .invalidInput("message larger than the \(maximumSize)-octet limit")
        }
        try write(writer.append(chunk))
    }

    private func write(_ bytes: [UInt8]) throws(PopstoreError) {
        guard !bytes.isEmpty else { return }
        do {
            try store.probe(.writeBody)
            for file in tmpFiles { try Posix.writeAll(file.fd, bytes, path: file.path) }
        } catch {
            abort()
            throw Store.classify(error)
        }
    }

    /// Makes the message durable and gives it to each recipient; one outcome each, in order.
    public func commit(to recipients: [AccountID]) throws(PopstoreError) -> [DeliveryOutcome] {
        precondition(!finished, "commit after commit or abort")
        let (tail, pop3) = writer.finish()
        try write(tail)
        let metadata = StoredMessageMetadata(uid: uid, envelope: envelope, pop3: pop3)
        let json = try JSONFile.encode(metadata)
        try write(json + MessageFile.trailer(metadataLength: json.count))
        do {
            try store.probe(.syncTmp)
            for file in tmpFiles { try Posix.fsync(file.fd, path: file.path) }
        } catch {
            abort()
            throw Store.classify(error)
        }
        let entry = MaildropEntryName(
            arrivalMicros: Int64((envelope.arrival.timeIntervalSince1970 * 1_000_000).rounded()), uid: uid,
            size: Int64(pop3.downloadSize))
        var done: [AccountID: DeliveryOutcome] = [:]
        var outcomes: [DeliveryOutcome] = []
        for recipient in recipients {
            if let earlier = done[recipient] {
                outcomes.append(earlier)
                continue
            }
            let outcome = deliver(to: recipient, entry: entry)
            done[recipient] = outcome
            outcomes.append(outcome)
        }
        do { try store.probe(.removeTmp) } catch {
            // A crash here leaves only tmp names, which `store check` removes.
            finished = true
            return outcomes
        }
        abort()
        return outcomes
    }

    private func deliver(to recipient: AccountID, entry: MaildropEntryName) -> DeliveryOutcome {
        do {
            try store.probe(.lockMaildrop(recipient))
            guard let profile = try store.profile(recipient) else { return .noSuchAccount }
            if profile.flags.contains(.dismail) { return .disabled }
            guard let tmp = tmpFiles.first(where: { $0.volume == profile.volume }) else {
                return .failed(.temporary("the account moved while the message was being stored"))
            }
            let maildrop = try store.maildrop(for: profile)
            return try maildrop.withLock { () throws(PopstoreError) -> DeliveryOutcome in
                var usage = try maildrop.usage()
                guard profile.quotaPolicy.admits(messageSize: entry.size, usage: usage.bytes) else { return .overQuota }
                let target = "\(maildrop.directory)/\(entry)"
                do {
                    try store.probe(.linkEntry(recipient))
                    try Posix.link(tmp.path, target)
                } catch {
                    throw Store.classify(error)
                }
                do {
                    try store.probe(.syncMaildrop(recipient))
                    try Posix.fsyncDirectory(maildrop.directory)
                } catch {
                    // Not known durable: take it back so the sender's retry cannot duplicate it.
                    try? Posix.unlink(target)
                    throw Store.classify(error)
                }
                // From here the message is durable for this recipient. A failure to count
                // it leaves usage behind, which `store check` recomputes; it is still stored.
                do {
                    try store.probe(.updateUsage(recipient))
                    usage.change(messages: 1, bytes: entry.size, at: store.clock.now())
                    usage.messagesReceived += 1
                    usage.bytesReceived += entry.size
                    try maildrop.saveUsage(usage)
                } catch {}
                return .stored(uid: uid)
            }
        } catch {
            return .failed(Store.classify(error))
        }
    }

    /// Drops the tmp files; what was committed stays.
    public func abort() {
        for file in tmpFiles {
            try? Posix.unlink(file.path)
            Posix.close(file.fd)
        }
        tmpFiles = []
        finished = true
    }
}

extension Store {
    /// Begins storing a message for `recipients`: one copy on each volume that holds one of them.
    public func beginDelivery(
        envelope: MessageEnvelope, recipients: [AccountID], maximumSize: Int = DeliveryTransaction.defaultMaximumSize
    ) throws(PopstoreError) -> DeliveryTransaction {
        var volumes: [String] = []
        for recipient in recipients {
            if let profile = try? profile(recipient), !volumes.contains(profile.volume) { volumes.append(profile.volume) }
        }
        if volumes.isEmpty { volumes = [settings.defaultVolume] }
        return try DeliveryTransaction(store: self, envelope: envelope, volumes: volumes, maximumSize: maximumSize)
    }

    /// Stores a whole message at once.
    public func deliver(_ raw: [UInt8], envelope: MessageEnvelope, to recipients: [AccountID]) throws(PopstoreError) -> [DeliveryOutcome] {
        let transaction = try beginDelivery(envelope: envelope, recipients: recipients)
        try transaction.append(raw)
        return try transaction.commit(to: recipients)
    }

    /// Removes the tmp files of deliveries a crash cut short (nobody holds their lock;
    /// none was acknowledged), as `serve` does when it starts. Returns how many went.
    public func removeAbandonedDeliveries() -> Int {
        var removed = 0
        for volume in settings.volumes.map(volumeLayout) {
            for name in (try? Posix.listDirectory(volume.tmpDirectory)) ?? [] {
                let path = "\(volume.tmpDirectory)/\(name)"
                if DurableFile.isAbandoned(path), (try? Posix.unlink(path)) != nil { removed += 1 }
            }
        }
        return removed
    }

    func probe(_ step: DeliveryStep) throws {
        try deliveryProbe?(step)
    }

    static func classify(_ error: any Error) -> PopstoreError {
        switch error {
        case let error as PopstoreError: return error
        case let error as SystemCallError: return error.popstoreError
        default: return .temporary("store failure")
        }
    }
}
