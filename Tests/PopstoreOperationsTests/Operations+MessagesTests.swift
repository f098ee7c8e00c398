import PopstoreCore
import PopstoreOperations
import Testing

struct OperationsMessagesTests {
    /// A message of exactly `size` octets as a POP3 client downloads it (CRLF lines, no
    /// leading dots, so nothing is added in storing).
    static func message(size: Int) -> [UInt8] {
        precondition(size >= 16)
        return Array("Subject: q\r\n\r\n\(String(repeating: "x", count: size - 16))\r\n".utf8)
    }

    func addAccount(_ org: TemporaryStore, _ name: String, quota: Int64?, overdraft: Int64, flags: AccountFlags = []) throws {
        var spec = AccountSpec(name: name)
        spec.quota = .some(quota)
        spec.overdraft = overdraft
        spec.flags = flags
        try org.administrator.addAccount(spec)
    }

    func deliver(_ org: TemporaryStore, size: Int, to recipients: [String]) throws -> [String] {
        try org.administrator.addMessage(Self.message(size: size), from: "sender@elsewhere.net", to: recipients).map(\.result)
    }

    @Test func overdraftAdmitsOneMessagePastTheQuotaThenRefuses() throws {
        let org = try TemporaryStore()
        try addAccount(org, "small", quota: 100, overdraft: 20)
        #expect(try deliver(org, size: 60, to: ["small"]) == ["stored"])
        #expect(try deliver(org, size: 60, to: ["small"]) == ["stored"], "60 + 60 = quota + overdraft exactly")
        #expect(try deliver(org, size: 16, to: ["small"]) == ["over-quota"], "usage already exceeds the quota")
        let view = try #require(try org.administrator.accounts(matching: "small").first)
        #expect(view.usage.messages == 2)
        #expect(view.usage.bytes == 120)
        #expect(view.accounting.messagesReceived == 2)
        #expect(view.accounting.bytesReceived == 120)
    }

    @Test func messageOneByteOverQuotaPlusOverdraftIsRefused() throws {
        let org = try TemporaryStore()
        try addAccount(org, "small", quota: 100, overdraft: 20)
        #expect(try deliver(org, size: 50, to: ["small"]) == ["stored"])
        #expect(try deliver(org, size: 71, to: ["small"]) == ["over-quota"])
        #expect(try deliver(org, size: 70, to: ["small"]) == ["stored"])
        #expect(try org.administrator.messages(of: "small").map(\.size) == [50, 70])
    }

    @Test func noQuotaAndAQuotaInOneDelivery() throws {
        let org = try TemporaryStore()
        try addAccount(org, "tiny", quota: 20, overdraft: 0)
        try addAccount(org, "unlimited", quota: nil, overdraft: 0)
        try addAccount(org, "closed", quota: nil, overdraft: 0, flags: .dismail)
        #expect(
            try deliver(org, size: 21, to: ["tiny", "unlimited", "closed", "nobody"]) == [
                "over-quota", "stored", "disabled", "no-such-account",
            ])
        #expect(try org.administrator.accounts(matching: "tiny").map(\.usage.bytes) == [0])
        #expect(try org.administrator.accounts(matching: "unlimited").map(\.usage.bytes) == [21])
    }

    @Test func recipientsOutsideTheScopeAreNoSuchAccount() throws {
        let org = try Organisation.make()
        let manager = try org.manager("eastboss", "east-pw")
        let results = try manager.addMessage(
            Self.message(size: 40), from: "sender@elsewhere.net", to: ["eastrep", "westrep", "nobody", "../x"])
        #expect(results.map(\.account) == ["eastrep@example.com", "westrep@example.com", "nobody@example.com", "../x"])
        #expect(results.map(\.result) == ["stored", "no-such-account", "no-such-account", "no-such-account"])
        #expect(results[0].uid.map(MaildropEntryName.isValidUID) == true)
        #expect(results.dropFirst().allSatisfy { $0.uid == nil })
        #expect(try org.administrator.messages(of: "westrep") == [])
        let stored = try org.administrator.messages(of: "eastrep")
        #expect(stored.map(\.uid) == [results[0].uid])
        #expect(stored.map(\.subject) == ["q"])
        #expect(stored.map(\.from) == ["sender@elsewhere.net"])
    }

    @Test func removingAMessageFreesQuota() throws {
        let org = try TemporaryStore()
        try addAccount(org, "small", quota: 100, overdraft: 0)
        let first = try org.administrator.addMessage(Self.message(size: 100), from: "", to: ["small"])
        #expect(first.map(\.result) == ["stored"])
        #expect(try deliver(org, size: 16, to: ["small"]) == ["over-quota"])
        try org.administrator.removeMessage(of: "small", uid: try #require(first.first?.uid))
        #expect(try deliver(org, size: 16, to: ["small"]) == ["stored"])
        let usage = try #require(try org.administrator.accounts(matching: "small").first?.usage)
        #expect(usage.messages == 1)
        #expect(usage.bytes == 16)
    }
}
