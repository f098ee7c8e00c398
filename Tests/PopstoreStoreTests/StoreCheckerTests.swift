import Foundation
import PopstoreCore
import Testing

@testable import PopstoreStore

@Suite struct StoreCheckerTests {
    @Test func aCleanStoreIsConsistent() throws {
        let t = try TemporaryStore()
        try t.addAccount("jdoe")
        _ = try t.store.deliver(message(1), envelope: t.envelope(["jdoe"]), to: [t.id("jdoe")])
        let report = try t.store.check(repair: false)
        #expect(report.problems.isEmpty)
        #expect(report.consistent)
    }

    @Test func usageOutOfStepIsRecomputed() throws {
        let t = try TemporaryStore()
        try t.addAccount("jdoe")
        _ = try t.store.deliver(message(1), envelope: t.envelope(["jdoe"]), to: [t.id("jdoe")])
        let maildrop = try t.maildrop("jdoe")
        var usage = try maildrop.usage()
        let right = usage
        usage.messages = 7
        usage.bytes = 1
        try maildrop.withLock { (locked: Maildrop.Locked) throws(PopstoreError) in try locked.saveUsage(usage) }
        let report = try t.store.check(repair: true)
        #expect(report.problems.map(\.kind) == [.usageMismatch])
        #expect(report.consistent)
        #expect(try maildrop.usage().messages == right.messages)
        #expect(try maildrop.usage().bytes == right.bytes)
    }

    @Test func strayFilesAreSetAsideNotDeleted() throws {
        let t = try TemporaryStore()
        try t.addAccount("jdoe")
        let maildrop = try t.maildrop("jdoe")
        try Data("junk".utf8).write(to: URL(fileURLWithPath: maildrop.directory + "/not-an-entry"))
        // A well-formed name whose file is not a message: a dangling or damaged entry.
        let fake = MaildropEntryName(arrivalMicros: 1, uid: String(repeating: "a", count: 24), size: 4)
        try Data("junk".utf8).write(to: URL(fileURLWithPath: maildrop.directory + "/\(fake)"))
        let report = try t.store.check(repair: true)
        #expect(Set(report.problems.map(\.kind)) == [.badEntry, .damagedMessage])
        #expect(report.consistent)
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.directory + "/volumes/default/lost+found").count == 2)
        #expect(try t.store.check(repair: false).problems.isEmpty)
    }

    @Test func orphanMaildropsAndTrashAreMended() throws {
        let t = try TemporaryStore()
        let volume = try t.store.volumeLayout(named: "default")
        let orphanEmpty = volume.maildropDirectory(Store.makeMaildropID())
        let orphanFull = volume.maildropDirectory(Store.makeMaildropID())
        try Posix.makeDirectories(orphanEmpty)
        try Posix.makeDirectories(orphanFull)
        let entry = MaildropEntryName(arrivalMicros: 1, uid: String(repeating: "b", count: 24), size: 1)
        try Data("x".utf8).write(to: URL(fileURLWithPath: orphanFull + "/\(entry)"))
        try Posix.makeDirectories(volume.trashDirectory + "/" + Store.makeMaildropID())
        let report = try t.store.check(repair: true)
        #expect(report.problems.filter { $0.kind == .orphanMaildrop }.count == 2)
        #expect(report.problems.contains { $0.kind == .leftoverTrash })
        #expect(report.consistent)
        #expect(!Posix.exists(orphanEmpty))
        #expect(try FileManager.default.contentsOfDirectory(atPath: volume.lostFoundDirectory).count == 1)
    }

    @Test func anInterruptedRenameIsFinished() throws {
        let t = try TemporaryStore()
        let old = try t.addAccount("old")
        // The state after step one of a rename: the new profile written, the old one still there.
        var renamed = old
        renamed.name = "new"
        renamed.renamedFrom = old.id.address
        try Posix.makeDirectories(Posix.parentDirectory(of: t.store.layout.profileFile(t.id("new"))))
        try DurableFile.create(t.store.layout.profileFile(t.id("new")), with: try JSONFile.encode(renamed), what: "x")
        let report = try t.store.check(repair: true)
        #expect(report.problems.contains { $0.kind == .unfinishedRename })
        #expect(report.consistent)
        #expect(try t.store.profile(t.id("old")) == nil)
        #expect(try t.store.profile(t.id("new"))?.renamedFrom == nil)
    }

    @Test func aMissingMaildropIsRecreated() throws {
        let t = try TemporaryStore()
        try t.addAccount("jdoe")
        let maildrop = try t.maildrop("jdoe")
        try t.store.removeTree(maildrop.directory)
        let report = try t.store.check(repair: true)
        #expect(report.problems.map(\.kind) == [.missingMaildrop])
        #expect(Posix.isDirectory(maildrop.directory))
    }

    @Test func aLiveTmpFileIsLeftAlone() throws {
        let t = try TemporaryStore()
        try t.addAccount("jdoe")
        let transaction = try t.store.beginDelivery(envelope: t.envelope(["jdoe"]), recipients: [t.id("jdoe")])
        try transaction.append(message(1))
        #expect(try t.store.check(repair: true).problems.isEmpty)
        _ = try transaction.commit(to: [t.id("jdoe")])
        #expect(try t.maildrop("jdoe").entries().count == 1)
    }
}
