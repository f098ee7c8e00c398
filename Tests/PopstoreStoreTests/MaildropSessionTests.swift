import Foundation
import PopstoreCore
import Testing

@testable import PopstoreStore

/// A POP3 session's UPDATE works from the listing it took at login.
@Suite struct MaildropSessionTests {
    @Test func updateSkipsWhatAManagerRemovedMeanwhileAndCountsItOnce() throws {
        let t = try TemporaryStore()
        try t.addAccount("jdoe")
        for n in 1...3 { _ = try t.store.deliver(message(n), envelope: t.envelope(["jdoe"]), to: [t.id("jdoe")]) }
        let maildrop = try t.maildrop("jdoe")
        let session = try #require(try maildrop.openSession())
        let listed = session.entries
        #expect(listed.count == 3)
        let before = try maildrop.usage()

        // While the session runs, a manager removes message 1 and message 2.
        try maildrop.remove(uids: [listed[0].uid, listed[1].uid])
        // The session deletes 1 (gone already) and 3, and retrieved 2 (gone already).
        try session.commit(deleted: [listed[0].uid, listed[2].uid], retrieved: [listed[1].uid])
        session.release()

        #expect(try maildrop.entries().isEmpty)
        let after = try maildrop.usage()
        #expect(after.messages == before.messages - 3, "each message counted out once")
        #expect(after.bytes == before.bytes - listed.reduce(0) { $0 + $1.size })
    }

    @Test func updateMarksRetrievedAndRemovesDeleted() throws {
        let t = try TemporaryStore()
        try t.addAccount("jdoe")
        for n in 1...3 { _ = try t.store.deliver(message(n), envelope: t.envelope(["jdoe"]), to: [t.id("jdoe")]) }
        let maildrop = try t.maildrop("jdoe")
        let session = try #require(try maildrop.openSession())
        let listed = session.entries
        try session.commit(deleted: [listed[0].uid], retrieved: [listed[0].uid, listed[1].uid])
        session.release()
        let left = try maildrop.entries()
        #expect(left.map(\.uid) == [listed[1].uid, listed[2].uid])
        #expect(left.map(\.name.retrieved) == [true, false])
        #expect(try maildrop.usage().messages == 2)
    }
}
