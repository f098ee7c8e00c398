import Foundation
import MailMessage
import PopstoreCore
import PopstoreStore

/// A message as `message list` shows it.
public struct MessageView: Sendable, Equatable, Codable {
    public var number: Int
    public var uid: String
    /// Octets as the POP3 client receives them.
    public var size: Int64
    public var retrieved: Bool
    public var arrived: Date
    /// The envelope sender (empty for the null sender).
    public var from: String
    public var subject: String
}

/// One recipient's result of `message add`.
public struct DeliveryResultView: Sendable, Equatable, Codable {
    public var account: String
    public var result: String
    public var uid: String?
}

extension Operations {
    /// Stores a message once for the named accounts (`message add`). A recipient outside
    /// the caller's scope gets `no-such-account`, like one that does not exist.
    public func addMessage(_ raw: [UInt8], from sender: String, to recipients: [String]) throws(PopstoreError) -> [DeliveryResultView] {
        let tree = try groupTree()
        var ids: [AccountID?] = []
        var shown: [String] = []
        for name in recipients {
            let id = try? accountID(name)
            shown.append(id?.address ?? name)
            if let id, let profile = try store.profile(id), manages(profile, tree: tree) { ids.append(id) } else { ids.append(nil) }
        }
        let deliverable = ids.compactMap { $0 }
        let envelope = MessageEnvelope(
            sender: sender, recipients: deliverable.map { .init(address: $0.address) }, arrival: clock.now())
        var outcomes: [DeliveryOutcome] = []
        if !deliverable.isEmpty { outcomes = try store.deliver(raw, envelope: envelope, to: deliverable) }
        var next = outcomes.makeIterator()
        return zip(shown, ids).map { name, id in
            let result: (String, String?)
            switch id.flatMap({ _ in next.next() }) {
            case .stored(let uid): result = ("stored", uid)
            case .disabled: result = ("disabled", nil)
            case .overQuota: result = ("over-quota", nil)
            case .failed(let error): result = ("failed: \(error.message)", nil)
            case .noSuchAccount, nil: result = ("no-such-account", nil)
            }
            return DeliveryResultView(account: name, result: result.0, uid: result.1)
        }
    }

    /// The messages of an account in arrival order.
    public func messages(of account: String) throws(PopstoreError) -> [MessageView] {
        let profile = try managedProfile(account, tree: try groupTree())
        let maildrop = try store.maildrop(for: profile)
        var views: [MessageView] = []
        for (index, entry) in try maildrop.entries().enumerated() {
            let metadata = try? maildrop.metadata(entry)
            let header = (try? maildrop.headerBytes(entry)).map { MessageHeader(parsing: $0) }
            views.append(
                MessageView(
                    number: index + 1, uid: entry.uid, size: entry.size, retrieved: entry.name.retrieved,
                    arrived: entry.name.arrival, from: metadata?.envelope.sender ?? "",
                    subject: header?["Subject"] ?? ""))
        }
        return views
    }

    /// A message exactly as a POP3 client receives it (dot-stuffing undone).
    public func messageContent(of account: String, uid: String) throws(PopstoreError) -> [UInt8] {
        let (maildrop, entry) = try messageEntry(account, uid)
        return POP3Form.unstuff(try maildrop.storedBytes(entry))
    }

    public func removeMessage(of account: String, uid: String) throws(PopstoreError) {
        let (maildrop, entry) = try messageEntry(account, uid)
        try maildrop.remove(uids: [entry.uid])
    }

    private func messageEntry(_ account: String, _ uid: String) throws(PopstoreError) -> (Maildrop, Maildrop.Entry) {
        let profile = try managedProfile(account, tree: try groupTree())
        let maildrop = try store.maildrop(for: profile)
        guard let entry = try maildrop.entry(uid: uid.lowercased()) else {
            throw .notFound("no message \(NameRules.printable(uid)) for \(profile.id.display(defaultDomain: defaultDomain))")
        }
        return (maildrop, entry)
    }
}
