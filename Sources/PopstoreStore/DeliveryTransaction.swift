import MailMessage
import PopstoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// One message being stored for its recipients: begin, append, commit or abort.
///
/// The message is written once per volume that holds a recipient, to `VOLUME/tmp/<uid>`
/// (held under an OFD lock, so `store check` knows it is live), converted on the fly to
/// POP3 form. Commit makes it durable (a group commit with concurrent deliveries), then
/// for each recipient, under that maildrop's lock, checks DISMAIL and quota, hard-links
/// the file into the maildrop and updates the usage counters; a second group commit makes
/// those durable. Only then is the recipient's outcome `.stored`: the message is durable
/// for that recipient. Last, the tmp names go; the link count of the file is then the
/// number of maildrops holding it.
public final class DeliveryTransaction {
    private let store: Store
    public let uid: String
    private let envelope: MessageEnvelope
    private var writer = POP3FormWriter()
    private var tmpFiles: [(volume: String, fd: Int32, path: String)] = []
    private var rawSize = 0
    private var finished = false
    /// Set once the message is complete and durable in its tmp files (``seal()``).
    private var sealed: (entry: MaildropEntryName, storedSize: Int)?
    /// The stored offset of the body (just past the blank line), once sealed.
    public private(set) var bodyOffset: Int?
    /// Largest raw message accepted, in octets.
    public let maximumSize: Int

    /// The default cap on a message's size: 64 MiB, beyond any normal mail and small
    /// enough that one delivery cannot fill a volume by surprise.
    public static let defaultMaximumSize = 64 << 20

    /// Recipients' profiles as the caller's lookups read them (RCPT time), so the commit
    /// need not read them again; the usage counters are always read under the lock.
    private let knownProfiles: [AccountID: Profile]

    init(store: Store, envelope: MessageEnvelope, volumes: [String], profiles: [Profile], maximumSize: Int) throws(PopstoreError) {
        self.store = store
        self.knownProfiles = Dictionary(profiles.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.envelope = envelope
        self.maximumSize = maximumSize
        var generator = SystemRandomNumberGenerator()
        self.uid = MaildropEntryName.makeUID(using: &generator)
        do {
            try store.probe(.createTmp)
            for name in volumes {
                let volume = try store.volumeLayout(named: name)
                let path = "\(volume.tmpDirectory)/\(uid)"
                let fd = try Posix.open(path, O_RDWR | O_CREAT | O_EXCL, mode: 0o640)
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

    /// Ends the message and makes it durable in its tmp files (the first group commit),
    /// so it can be read back (``readStoredForm(from:_:)``) before anyone gets it.
    public func seal() throws(PopstoreError) {
        precondition(!finished, "seal after commit or abort")
        guard sealed == nil else { return }
        let (tail, pop3) = writer.finish()
        try write(tail)
        let metadata = StoredMessageMetadata(uid: uid, envelope: envelope, pop3: pop3)
        let json = try JSONFile.encode(metadata)
        try write(json + MessageFile.trailer(metadataLength: json.count))
        do {
            try store.probe(.syncTmp)
            for file in tmpFiles { try syncGroup(file.volume).sync() }
        } catch {
            abort()
            throw Store.classify(error)
        }
        bodyOffset = pop3.headerLength
        sealed = (
            MaildropEntryName(
                arrivalMicros: Int64((envelope.arrival.timeIntervalSince1970 * 1_000_000).rounded()), uid: uid,
                size: Int64(pop3.downloadSize)),
            pop3.storedSize
        )
    }

    /// Octets of the sealed message in POP3 form (which is SMTP's DATA form: CRLF lines,
    /// dot-stuffed), from `offset` to its end, in bounded chunks.
    public func readStoredForm(from offset: Int, _ body: ([UInt8]) throws(PopstoreError) -> Void) throws(PopstoreError) {
        guard let sealed, let file = tmpFiles.first else { preconditionFailure("read before seal") }
        var position = offset
        while position < sealed.storedSize {
            let count = min(Self.readChunk, sealed.storedSize - position)
            let chunk: [UInt8]
            do { chunk = try Posix.pread(file.fd, count: count, offset: Int64(position), path: file.path) } catch {
                throw error.popstoreError
            }
            guard !chunk.isEmpty else { throw .temporary("the message file ended early") }
            try body(chunk)
            position += chunk.count
        }
    }

    /// Octets read back at a time: a few network writes' worth.
    static let readChunk = 64 * 1024

    /// Makes the message durable and gives it to each recipient; one outcome each, in order.
    /// `retrieved` recipients get it marked retrieved (a Sieve `\Seen` flag).
    ///
    /// Two group commits (SyncGroup) with every concurrent delivery on the volume: the
    /// first makes the message file durable before any maildrop names it (``seal()``), the
    /// second makes the names (and the usage counters) durable before anyone is told.
    public func commit(to recipients: [AccountID], retrieved: Set<AccountID> = []) throws(PopstoreError) -> [DeliveryOutcome] {
        precondition(!finished, "commit after commit or abort")
        try seal()
        guard let (entry, _) = sealed else { preconditionFailure("sealed") }
        var done: [AccountID: DeliveryOutcome] = [:]
        var linked: [(recipient: AccountID, maildrop: Maildrop, volume: String)] = []
        for recipient in recipients where done[recipient] == nil {
            var named = entry
            named.retrieved = retrieved.contains(recipient)
            switch link(to: recipient, entry: named) {
            case .success(let placed):
                linked.append((recipient, placed.maildrop, placed.volume))
                done[recipient] = .stored(uid: uid)
            case .failure(let rejection):
                done[recipient] = rejection.outcome
            }
        }
        // One sync per volume for every name linked; a recipient is told only after it.
        for volume in Set(linked.map(\.volume)) {
            let here = linked.filter { $0.volume == volume }
            var failure: PopstoreError?
            do {
                for placed in here { try store.probe(.syncMaildrop(placed.recipient)) }
                try syncGroup(volume).sync()
            } catch {
                failure = Store.classify(error)
            }
            guard let failure else { continue }
            // Not known durable: take the names back so the sender's retry cannot duplicate them.
            for placed in here {
                var named = entry
                named.retrieved = retrieved.contains(placed.recipient)
                unlink(named, from: placed.maildrop)
                done[placed.recipient] = .failed(failure)
            }
        }
        let outcomes = recipients.map { done[$0] ?? .failed(.temporary("not delivered")) }
        do { try store.probe(.removeTmp) } catch {
            // A crash here leaves only tmp names, which `store check` removes.
            finished = true
            return outcomes
        }
        abort()
        return outcomes
    }

    private func syncGroup(_ volume: String) throws(PopstoreError) -> SyncGroup {
        store.syncGroups.group(for: try store.volumeLayout(named: volume).path)
    }

    /// Links the message into a recipient's maildrop and counts it, under the maildrop's
    /// lock, after its own checks (DISMAIL, quota). Not yet durable: the caller syncs.
    private func link(to recipient: AccountID, entry: MaildropEntryName) -> Result<(maildrop: Maildrop, volume: String), Rejection> {
        do {
            try store.probe(.lockMaildrop(recipient))
            // An account removed or moved since the lookup has lost this maildrop: the link fails, temporarily.
            guard let profile = try knownProfiles[recipient] ?? store.profile(recipient) else {
                return .failure(Rejection(.noSuchAccount))
            }
            if profile.flags.contains(.dismail) { return .failure(Rejection(.disabled)) }
            guard let tmp = tmpFiles.first(where: { $0.volume == profile.volume }) else {
                return .failure(Rejection(.failed(.temporary("the account moved while the message was being stored"))))
            }
            let maildrop = try store.maildrop(for: profile)
            return try maildrop.withLock {
                (locked: Maildrop.Locked) throws(PopstoreError) -> Result<(maildrop: Maildrop, volume: String), Rejection> in
                try locked.updateUsage { (usage) throws(PopstoreError) -> Result<(maildrop: Maildrop, volume: String), Rejection> in
                    guard profile.quotaPolicy.admits(messageSize: entry.size, usage: usage.bytes) else {
                        return .failure(Rejection(.overQuota))
                    }
                    do {
                        try store.probe(.linkEntry(recipient))
                        try Posix.link(tmp.path, "\(maildrop.directory)/\(entry)")
                    } catch {
                        throw Store.classify(error)
                    }
                    // Not counted (a failure injected here) leaves usage behind, which `store check` recomputes.
                    if (try? store.probe(.updateUsage(recipient))) != nil {
                        usage.change(messages: 1, bytes: entry.size, at: store.clock.now())
                        usage.messagesReceived += 1
                        usage.bytesReceived += entry.size
                    }
                    return .success((maildrop, profile.volume))
                }
            }
        } catch {
            return .failure(Rejection(.failed(Store.classify(error))))
        }
    }

    /// Takes back a link that could not be made durable, and its count.
    private func unlink(_ entry: MaildropEntryName, from maildrop: Maildrop) {
        try? maildrop.withLock { (locked: Maildrop.Locked) throws(PopstoreError) in
            guard (try? Posix.unlink("\(maildrop.directory)/\(entry)")) != nil else { return }
            try locked.updateUsage { usage in usage.change(messages: -1, bytes: -entry.size, at: store.clock.now()) }
        }
    }

    /// A recipient's outcome other than stored, as a Result's failure.
    private struct Rejection: Error {
        let outcome: DeliveryOutcome
        init(_ outcome: DeliveryOutcome) { self.outcome = outcome }
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
    /// Begins storing a message for `recipients`: one copy on each volume that holds one of
    /// them. `profiles` are the recipients' profiles where the caller has just read them
    /// (its routing lookups): they place the file and are not read again; an account
    /// that moved or went meanwhile is refused at commit, temporarily.
    public func beginDelivery(
        envelope: MessageEnvelope, recipients: [AccountID], profiles known: [Profile] = [],
        maximumSize: Int = DeliveryTransaction.defaultMaximumSize
    ) throws(PopstoreError) -> DeliveryTransaction {
        var profiles = known
        for recipient in recipients where !profiles.contains(where: { $0.id == recipient }) {
            if let profile = try? profile(recipient) { profiles.append(profile) }
        }
        var volumes: [String] = []
        for profile in profiles where !volumes.contains(profile.volume) { volumes.append(profile.volume) }
        if volumes.isEmpty { volumes = [settings.defaultVolume] }
        return try DeliveryTransaction(
            store: self, envelope: envelope, volumes: volumes, profiles: profiles, maximumSize: maximumSize)
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
