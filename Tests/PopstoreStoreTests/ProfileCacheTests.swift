import Foundation
import PopstoreCore
import Testing

@testable import PopstoreStore

/// The profile cache never serves a profile its file no longer says.
struct ProfileCacheTests {
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
}
