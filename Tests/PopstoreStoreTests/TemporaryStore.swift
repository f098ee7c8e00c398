import Foundation
import PopstoreCore
import Testing

@testable import PopstoreStore

/// A store in a fresh temporary directory, removed when the test ends.
final class TemporaryStore {
    let directory: String
    let store: Store
    let domain = try! DomainName("example.com")

    init(deliveryProbe: (@Sendable (DeliveryStep) throws -> Void)? = nil) throws {
        directory = FileManager.default.temporaryDirectory.path + "/popstore-test-" + UUID().uuidString
        _ = try Store.create(at: directory, defaultDomain: domain)
        store = try Store.open(at: directory, deliveryProbe: deliveryProbe)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func id(_ name: String) -> AccountID { AccountID(canonicalName: name, domain: domain) }

    @discardableResult
    func addAccount(_ name: String, quota: Int64? = nil, overdraft: Int64 = 0, flags: AccountFlags = []) throws -> Profile {
        let profile = Profile(
            id: id(name), volume: "default", maildropID: Store.makeMaildropID(),
            created: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)), flags: flags,
            quota: quota, overdraft: overdraft)
        try store.createAccount(profile)
        return profile
    }

    func maildrop(_ name: String) throws -> Maildrop {
        try store.maildrop(for: try #require(try store.profile(id(name))))
    }

    func envelope(_ recipients: [String]) -> MessageEnvelope {
        MessageEnvelope(sender: "sender@example.net", recipients: recipients.map { .init(address: "\($0)@example.com") }, arrival: Date())
    }

    /// Regular files below `VOLUME/drop` whose names do not start with ".": maildrop entries.
    func entryFiles() throws -> [(path: String, inode: UInt64, links: UInt64)] {
        var out: [(String, UInt64, UInt64)] = []
        let drop = directory + "/volumes/default/drop"
        guard let walker = FileManager.default.enumerator(atPath: drop) else { return [] }
        for case let relative as String in walker {
            let path = drop + "/" + relative
            let name = (relative as NSString).lastPathComponent
            var st = stat()
            guard !name.hasPrefix("."), lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            out.append((path, UInt64(st.st_ino), UInt64(st.st_nlink)))
        }
        return out
    }
}

func message(_ id: Int, bodyLines: Int = 3) -> [UInt8] {
    var text = "From: a@example.net\nSubject: test \(id)\nMessage-ID: <\(id)@test>\n\n"
    for line in 0..<bodyLines { text += (line == 1 ? ".dot line \(line)\n" : "line \(line)\n") }
    return Array(text.utf8)
}
