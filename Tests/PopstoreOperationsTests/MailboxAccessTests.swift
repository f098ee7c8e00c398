import Foundation
import PopstoreCore
import PopstoreOperations
import PopstoreStore
import Testing

/// Sessions' accounting: gathered in memory, written by a flush, except where a rule
/// (LOGIN-DELAY) needs it on disk before the maildrop is free.
@Suite struct MailboxAccessTests {
    final class Clock: @unchecked Sendable {
        var now = Date(timeIntervalSince1970: 2_000_000_000)
    }

    let org: TemporaryStore
    let clock = Clock()

    init() throws {
        org = try TemporaryStore()
        var spec = AccountSpec(name: "jdoe")
        spec.password = "pw"
        try org.administrator.addAccount(spec)
        var delayed = AccountSpec(name: "slow")
        delayed.password = "pw"
        delayed.retrieval = RetrievalPolicy(loginDelaySeconds: 60)
        try org.administrator.addAccount(delayed)
    }

    func access(defers: Bool) -> MailboxAccess {
        let clock = self.clock
        return MailboxAccess(store: org.store, clock: WallClock { clock.now }, defersAccounting: defers)
    }

    func session(_ access: MailboxAccess, _ user: String, seconds: Double, retrieved: Int, bytes: Int64) throws {
        let login = try access.open(user, serverDefault: RetrievalPolicy()).get()
        clock.now += seconds
        access.close(login, messagesRetrieved: retrieved, bytesRetrieved: bytes)
    }

    @Test func deferredSessionsAreWrittenTogetherByTheFlush() throws {
        let access = access(defers: true)
        let start = clock.now
        try session(access, "jdoe", seconds: 3, retrieved: 2, bytes: 900)
        try session(access, "jdoe", seconds: 4, retrieved: 1, bytes: 100)
        #expect(try org.profile("jdoe")?.sessions == SessionAccounting(), "nothing written before the flush")

        access.flushAccounting()
        let written = try #require(try org.profile("jdoe")?.sessions)
        #expect(written.connections == 2)
        #expect(written.connectSeconds == 7)
        #expect(written.messagesRetrieved == 3)
        #expect(written.bytesRetrieved == 1000)
        #expect(written.lastConnect == start + 3, "the second session's start")
        #expect(written.lastDisconnect == start + 7)
        #expect(access.accounting.count == 0)

        access.flushAccounting()
        #expect(try org.profile("jdoe")?.sessions == written, "a second flush adds nothing")
    }

    @Test func withoutDeferralEachSessionIsWrittenAsItEnds() throws {
        let access = access(defers: false)
        try session(access, "jdoe", seconds: 1, retrieved: 1, bytes: 10)
        #expect(try org.profile("jdoe")?.sessions.connections == 1)
        #expect(try org.profile("jdoe")?.sessions.bytesRetrieved == 10)
    }

    @Test func loginDelayAccountsAreWrittenBeforeTheMaildropIsReleased() throws {
        let access = access(defers: true)
        let start = clock.now
        try session(access, "slow", seconds: 1, retrieved: 0, bytes: 0)
        #expect(try org.profile("slow")?.sessions.lastConnect == start, "on disk for other servers on this store")

        let other = self.access(defers: true)
        clock.now += 30
        #expect(throws: MailboxAccess.Refusal.loginDelay) { try other.open("slow", serverDefault: RetrievalPolicy()).get() }
        clock.now += 31
        #expect(throws: Never.self) { try other.open("slow", serverDefault: RetrievalPolicy()).get() }
    }

    @Test func aLoginDelayCheckSeesSessionsNotFlushedYet() throws {
        let access = access(defers: true)
        try session(access, "jdoe", seconds: 1, retrieved: 0, bytes: 0)
        let policy = RetrievalPolicy(loginDelaySeconds: 60)
        #expect(throws: MailboxAccess.Refusal.loginDelay) { try access.open("jdoe", serverDefault: policy).get() }
    }

    @Test func figuresOfARemovedAccountAreDropped() throws {
        let access = access(defers: true)
        try session(access, "jdoe", seconds: 1, retrieved: 0, bytes: 0)
        _ = try org.administrator.removeAccounts("jdoe")
        access.flushAccounting()
        #expect(access.accounting.count == 0)
    }
}
