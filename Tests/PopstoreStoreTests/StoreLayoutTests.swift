import Foundation
import PopstoreCore
import Testing

@testable import PopstoreStore

@Suite struct StoreLayoutTests {
    /// Whatever bytes a name holds, its files stay inside their directory: the path
    /// component is a fixed-length hash, never the name.
    @Test(arguments: ["../../etc/passwd", "/", "a/b", "\u{0}", String(repeating: "x", count: 5000), "аdmin", ".."])
    func namesNeverBecomePathComponents(name: String) throws {
        let layout = StoreLayout(root: "/store")
        let id = AccountID(canonicalName: name, domain: try DomainName("example.com"))
        let path = layout.profileFile(id)
        #expect(path.hasPrefix("/store/profiles/"))
        let parts = path.dropFirst("/store/profiles/".count).split(separator: "/")
        #expect(parts.count == 3)
        #expect(parts[0].count == 2 && parts[1].count == 2)
        #expect(parts[2].count == 32 + ".json".count)
        #expect(parts.allSatisfy { $0.allSatisfy { $0.isHexDigit || $0 == "." || $0 == "j" || $0 == "s" || $0 == "o" || $0 == "n" } })
        #expect(!layout.forwardFile(id).contains(".."))
        #expect(!layout.groupFile(name).dropFirst("/store/groups/".count).contains("/"))
    }

    @Test func keysSpreadAndAreStable() {
        // The first 128 bits of SHA-256, lower-case hex: the names of every existing store.
        #expect(StoreLayout.key("jdoe@example.com") == "a8af8341993604f29cd4e0e5a5a4b5d4")
        #expect(StoreLayout.key("jdoe@example.com") != StoreLayout.key("jdoe@example.org"))
        let prefixes = Set((0..<1000).map { StoreLayout.key("user\($0)@example.com").prefix(2) })
        #expect(prefixes.count > 200)
    }

    @Test func maildropIDsAreChecked() {
        #expect(VolumeLayout.isValidMaildropID(Store.makeMaildropID()))
        #expect(!VolumeLayout.isValidMaildropID("../../../../etc"))
        #expect(!VolumeLayout.isValidMaildropID(String(repeating: "A", count: 32)))
    }
}

@Suite struct StoreProfileTests {
    /// Store files keep times to the second (ISO 8601), so a profile made with a whole-second time reads back equal.
    @Test func profilesRoundTripAndAreCaseExact() throws {
        let t = try TemporaryStore()
        var profile = try t.addAccount("jdoe", quota: 1 << 20, overdraft: 1024, flags: [.manage, .lockpwd])
        #expect(try t.store.profile(t.id("jdoe")) == profile)
        profile = try t.store.updateProfile(t.id("jdoe")) { $0.owner = "Jane Doe" }
        #expect(try t.store.profile(t.id("jdoe"))?.owner == "Jane Doe")
        #expect(throws: PopstoreError.self) { try t.addAccount("jdoe") }
    }

    @Test func renameKeepsMailAndRemoveFreesIt() throws {
        let t = try TemporaryStore()
        try t.addAccount("old")
        _ = try t.store.deliver(message(1), envelope: t.envelope(["old"]), to: [t.id("old")])
        try t.store.renameAccount(t.id("old"), to: t.id("new"))
        #expect(try t.store.profile(t.id("old")) == nil)
        #expect(try t.maildrop("new").entries().count == 1)
        try t.store.removeAccount(t.id("new"))
        #expect(try t.store.profile(t.id("new")) == nil)
        #expect(try t.entryFiles().isEmpty)
        #expect(try t.store.check(repair: false).problems.isEmpty)
    }

    @Test func markRetrievedKeepsTheUID() throws {
        let t = try TemporaryStore()
        try t.addAccount("jdoe")
        for n in 1...3 { _ = try t.store.deliver(message(n), envelope: t.envelope(["jdoe"]), to: [t.id("jdoe")]) }
        let maildrop = try t.maildrop("jdoe")
        let before = try maildrop.entries()
        try maildrop.markRetrieved(uids: [before[1].uid])
        let after = try maildrop.entries()
        #expect(after.map(\.uid) == before.map(\.uid))
        #expect(after.map(\.name.retrieved) == [false, true, false])
    }

    @Test func aNewerFormatIsRefused() throws {
        let t = try TemporaryStore()
        try t.addAccount("jdoe")
        let path = t.store.layout.profileFile(t.id("jdoe"))
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 99")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: PopstoreError.self) { try t.store.profile(t.id("jdoe")) }
    }
}
