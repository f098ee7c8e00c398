import Foundation
import PopstoreCore
import Testing

@testable import PopstoreStore

/// The decoded-profile cache never serves a profile its file no longer says.
struct DecodedFileCacheTests {
    @Test func aReplacedProfileIsReadAnew() throws {
        let temporary = try TemporaryStore()
        try temporary.addAccount("jdoe", quota: 1000)
        #expect(try temporary.store.profile(temporary.id("jdoe"))?.quota == 1000)
        _ = try temporary.store.updateProfile(temporary.id("jdoe")) { $0.quota = 2000 }
        #expect(try temporary.store.profile(temporary.id("jdoe"))?.quota == 2000)
    }

    @Test func aProfileEditedInPlaceIsReadAnew() throws {
        let temporary = try TemporaryStore()
        try temporary.addAccount("jdoe", quota: 1000)
        let path = temporary.store.layout.profileFile(temporary.id("jdoe"))
        #expect(try temporary.store.profile(temporary.id("jdoe"))?.quota == 1000)
        // As an editor that rewrites the same inode would.
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "1000", with: "3000")
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
        #expect(try temporary.store.profile(temporary.id("jdoe"))?.quota == 3000)
    }

    @Test func aRemovedProfileIsGone() throws {
        let temporary = try TemporaryStore()
        try temporary.addAccount("jdoe")
        #expect(try temporary.store.profile(temporary.id("jdoe")) != nil)
        try temporary.store.removeAccount(temporary.id("jdoe"))
        #expect(try temporary.store.profile(temporary.id("jdoe")) == nil)
    }

    @Test func usageRewrittenByAnotherWriterIsReadAnew() throws {
        let temporary = try TemporaryStore()
        try temporary.addAccount("jdoe")
        _ = try temporary.store.deliver(
            Array("Subject: x\r\n\r\nx\r\n".utf8), envelope: temporary.envelope(["jdoe"]), to: [temporary.id("jdoe")])
        let maildrop = try temporary.maildrop("jdoe")
        #expect(try maildrop.usage().messages == 1)
        // Another process writes the counters in place, same length, within the same clock tick.
        let path = "\(maildrop.directory)/.usage"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let changed = text.replacingOccurrences(of: "\"messages\" : 1,", with: "\"messages\" : 7,")
        #expect(changed != text && changed.utf8.count == text.utf8.count)
        try Posix.overwrite(path, with: Array(changed.utf8))
        #expect(try maildrop.usage().messages == 7)
        // A torn file is counted anew from the entries.
        try Posix.overwrite(path, with: Array("{\"version\":1,\"mess".utf8))
        #expect(try maildrop.usage().messages == 1)
    }
}
