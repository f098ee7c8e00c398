import Foundation
import PopstoreCore
import Testing

@testable import PopstoreStore

struct OutboundQueueTests {
    private let raw = Array("Subject: x\n\n.leading dot\nlast line without end".utf8)

    @Test func aQueuedMessageIsItsDataInDATAFormAndItsRecord() throws {
        let temporary = try TemporaryStore()
        let queue = temporary.store.outboundQueue
        let record = try queue.enqueue(
            raw, sender: "a@sender.test", recipients: [.init(address: "b@elsewhere.net", notify: "FAILURE")], origin: "test", ret: "HDRS")
        #expect(try queue.messages().map(\.id) == [record.id])
        #expect(try queue.message(record.id)?.recipients == record.recipients)
        let data = try #require(FileManager.default.contents(atPath: try queue.messagePath(record.id)))
        #expect(Array(data) == Array("Subject: x\r\n\r\n..leading dot\r\nlast line without end\r\n".utf8))
        #expect(record.size == data.count)
        #expect(record.nextAttempt == record.created)
        #expect(record.pending.map(\.address) == ["b@elsewhere.net"])
        #expect(record.ret == "HDRS")
    }

    @Test func eightBitContentIsNoted() throws {
        let temporary = try TemporaryStore()
        let record = try temporary.store.outboundQueue.enqueue(
            Array("Subject: caf\u{e9}\r\n\r\n".utf8), sender: "", recipients: [.init(address: "b@elsewhere.net")], origin: "test")
        #expect(record.eightBit)
    }

    @Test func aClaimExcludesOthersUntilReleased() throws {
        let temporary = try TemporaryStore()
        let queue = temporary.store.outboundQueue
        let record = try queue.enqueue(raw, sender: "", recipients: [.init(address: "b@elsewhere.net")], origin: "test")
        let claim = try #require(try queue.claim(record.id))
        #expect(try queue.claim(record.id) == nil)
        try claim.update { $0.attempts = 3 }
        #expect(try queue.message(record.id)?.attempts == 3)
        claim.release()
        let again = try #require(try queue.claim(record.id))
        try again.remove()
        #expect(try queue.messages().isEmpty)
        #expect(throws: PopstoreError.self) { try queue.claim(record.id) }
        #expect(try Posix.listDirectory("\(temporary.directory)/queue").isEmpty)
    }

    @Test func idsFromOutsideAreChecked() throws {
        let temporary = try TemporaryStore()
        let queue = temporary.store.outboundQueue
        for hostile in ["../store", "0123456789abcdef0123456/", "", "ABCDEF0123456789ABCDEF01"] {
            #expect(throws: PopstoreError.invalidInput("not a queue id: \"\(hostile)\"")) { try queue.claim(hostile) }
        }
    }

    @Test func dataWithoutARecordIsAbandonedUnlessSomeoneIsWritingIt() throws {
        let temporary = try TemporaryStore()
        let queue = temporary.store.outboundQueue
        let live = try queue.submit(sender: "", origin: "test")
        try live.append(raw)
        // A crash between the data and the record leaves an orphan data file.
        let orphan = "\(temporary.directory)/queue/0123456789abcdef01234567.msg"
        #expect(FileManager.default.createFile(atPath: orphan, contents: Data(raw)))
        #expect(queue.removeAbandoned() == 1)
        #expect(!FileManager.default.fileExists(atPath: orphan))
        let record = try live.commit(to: [.init(address: "b@elsewhere.net")])
        #expect(try queue.messages().map(\.id) == [record.id])
        #expect(queue.removeAbandoned() == 0)
    }
}

struct RetryScheduleTests {
    @Test func theWaitDoublesUpToTheMaximum() {
        let schedule = RetrySchedule(initial: 300, maximum: 3600, lifetime: 86400)
        #expect((1...6).map { schedule.delay(afterAttempts: $0) } == [300, 600, 1200, 2400, 3600, 3600])
        #expect(schedule.delay(afterAttempts: 10_000) == 3600)
    }

    @Test func aMessageExpiresAtItsLifetime() {
        let schedule = RetrySchedule.standard
        let created = Date(timeIntervalSince1970: 1_000_000)
        #expect(!schedule.isExpired(created: created, now: created.addingTimeInterval(5 * 86400 - 1)))
        #expect(schedule.isExpired(created: created, now: created.addingTimeInterval(5 * 86400)))
    }
}
