import Foundation
import MailMessage
import PopstoreCore
import Testing

@testable import PopstoreStore

struct InjectedFault: Error {}

/// Fails a store transaction at one named step, once.
final class FaultPlan: @unchecked Sendable {
    let step: String
    private let lock = NSLock()
    private var fired = false
    init(_ step: String) { self.step = step }

    func probe(_ current: DeliveryStep) throws {
        try lock.withLock {
            if !fired && current.description == step {
                fired = true
                throw InjectedFault()
            }
        }
    }
}

@Suite struct DeliveryTransactionTests {
    @Test func storesOneFileForManyRecipientsAndFreesItWithTheLastReference() throws {
        let t = try TemporaryStore()
        let names = (1...10).map { "user\($0)" }
        for name in names { try t.addAccount(name) }
        let outcomes = try t.store.deliver(message(1), envelope: t.envelope(names), to: names.map(t.id))
        #expect(outcomes.allSatisfy { if case .stored = $0 { true } else { false } })
        let files = try t.entryFiles()
        #expect(files.count == 10)
        #expect(Set(files.map(\.inode)).count == 1)
        #expect(files.allSatisfy { $0.links == 10 })
        #expect(try Posix.listDirectory(t.directory + "/volumes/default/tmp").isEmpty)

        guard case .stored(let uid) = outcomes[0] else { return }
        for name in names { try t.maildrop(name).remove(uids: [uid]) }
        #expect(try t.entryFiles().isEmpty)
        for name in names { #expect(try t.maildrop(name).usage().messages == 0) }
    }

    @Test func storesPOP3FormWithPrecomputedFigures() throws {
        let t = try TemporaryStore()
        try t.addAccount("jdoe")
        let raw = message(7, bodyLines: 100)
        _ = try t.store.deliver(raw, envelope: t.envelope(["jdoe"]), to: [t.id("jdoe")])
        let maildrop = try t.maildrop("jdoe")
        let entry = try #require(try maildrop.entries().first)
        let stored = try maildrop.storedBytes(entry)
        let expected = POP3Form.convert(raw)
        #expect(stored == expected.stored)
        let metadata = try maildrop.metadata(entry)
        #expect(metadata.pop3 == expected.metadata)
        #expect(entry.size == Int64(expected.metadata.downloadSize))
        #expect(metadata.envelope.sender == "sender@example.net")
        #expect(metadata.envelope.recipients.map(\.address) == ["jdoe@example.com"])
        #expect(try maildrop.usage().bytes == entry.size)
        #expect(try maildrop.usage().messagesReceived == 1)
    }

    @Test func perRecipientOutcomes() throws {
        let t = try TemporaryStore()
        try t.addAccount("ok")
        try t.addAccount("full", quota: 100)
        try t.addAccount("off", flags: .dismail)
        let outcomes = try t.store.deliver(
            message(1, bodyLines: 20), envelope: t.envelope(["ok", "full", "off", "ghost"]),
            to: ["ok", "full", "off", "ghost"].map(t.id))
        guard case .stored = outcomes[0] else { Issue.record("not stored: \(outcomes[0])"); return }
        #expect(outcomes[1] == .overQuota)
        #expect(outcomes[2] == .disabled)
        #expect(outcomes[3] == .noSuchAccount)
        #expect(try t.maildrop("full").entries().isEmpty)
    }

    @Test func refusesAMessageOverTheSizeLimit() throws {
        let t = try TemporaryStore()
        try t.addAccount("jdoe")
        let transaction = try t.store.beginDelivery(envelope: t.envelope(["jdoe"]), recipients: [t.id("jdoe")], maximumSize: 100)
        #expect(throws: PopstoreError.self) { try transaction.append([UInt8](repeating: 0x41, count: 101)) }
        #expect(try Posix.listDirectory(t.directory + "/volumes/default/tmp").isEmpty)
    }

    /// A failure at every step of a store transaction: each recipient either has the
    /// whole message (and the outcome says so) or nothing, and `check --repair` leaves
    /// a consistent store.
    @Test(arguments: DeliveryStep.names)
    func failureAtEveryStepLeavesARepairableStore(step: String) throws {
        let plan = FaultPlan(step)
        let t = try TemporaryStore(deliveryProbe: { try plan.probe($0) })
        let names = ["a", "b", "c"]
        for name in names { try t.addAccount(name) }
        let raw = message(42, bodyLines: 50)
        var outcomes: [DeliveryOutcome] = []
        do {
            outcomes = try t.store.deliver(raw, envelope: t.envelope(names), to: names.map(t.id))
        } catch {
            outcomes = names.map { _ in .failed(.temporary("whole transaction failed")) }
        }
        for (name, outcome) in zip(names, outcomes) {
            let entries = try t.maildrop(name).entries()
            if case .stored = outcome {
                #expect(entries.count == 1, "\(name) was acknowledged but has \(entries.count) messages")
                let stored = try t.maildrop(name).storedBytes(try #require(entries.first))
                #expect(stored == POP3Form.convert(raw).stored)
            } else {
                #expect(entries.isEmpty, "\(name) was not acknowledged but holds the message")
            }
        }
        let repaired = try t.store.check(repair: true)
        #expect(repaired.consistent, "after a failure at \(step): \(repaired.problems)")
        let again = try t.store.check(repair: false)
        #expect(again.problems.isEmpty, "after repair at \(step): \(again.problems)")
    }

    /// Deliveries from many threads into the same maildrops: every message exactly once,
    /// usage exact.
    @Test func concurrentDeliveriesLoseAndDuplicateNothing() throws {
        let t = try TemporaryStore()
        let names = ["x", "y", "z"]
        for name in names { try t.addAccount(name) }
        let threads = 8
        let perThread = 10
        let store = t.store
        let ids = names.map(t.id)
        let envelope = t.envelope(names)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for n in 0..<perThread {
                _ = try? store.deliver(message(thread * 1000 + n), envelope: envelope, to: ids)
            }
        }
        for name in names {
            let maildrop = try t.maildrop(name)
            let entries = try maildrop.entries()
            #expect(entries.count == threads * perThread)
            #expect(Set(entries.map(\.uid)).count == entries.count)
            var seen: Set<String> = []
            for entry in entries {
                let header = MessageHeader(parsing: try maildrop.headerBytes(entry))
                seen.insert(try #require(header["Message-ID"]))
            }
            #expect(seen.count == threads * perThread)
            let usage = try maildrop.usage()
            #expect(usage.messages == Int64(entries.count))
            #expect(usage.bytes == entries.reduce(0) { $0 + $1.size })
        }
        #expect(try t.store.check(repair: false).problems.isEmpty)
    }
}
