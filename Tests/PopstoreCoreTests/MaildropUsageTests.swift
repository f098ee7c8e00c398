import Foundation
import PopstoreCore
import Testing

struct MaildropUsageTests {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)
    static let day: TimeInterval = 86_400

    @Test func startsEmpty() {
        let usage = MaildropUsage()
        #expect(usage.version == MaildropUsage.formatVersion)
        #expect(usage.messages == 0)
        #expect(usage.bytes == 0)
        #expect(usage.lastChange == nil)
        #expect(usage.blockDays(at: Self.start) == 0)
    }

    @Test func changeAddsAndSubtracts() {
        var usage = MaildropUsage()
        usage.change(messages: 1, bytes: 1000, at: Self.start)
        usage.change(messages: 2, bytes: 500, at: Self.start)
        #expect(usage.messages == 3)
        #expect(usage.bytes == 1500)
        usage.change(messages: -3, bytes: -1500, at: Self.start)
        #expect(usage.messages == 0)
        #expect(usage.bytes == 0)
        #expect(usage.lastChange == Self.start)
        #expect(usage.messagesReceived == 0, "change() counts storage, not receipts")
    }

    @Test func oneKiBForOneDayIsOneBlockDay() {
        var usage = MaildropUsage()
        usage.change(messages: 1, bytes: 1024, at: Self.start)
        #expect(usage.blockDays(at: Self.start) == 0)
        #expect(usage.blockDays(at: Self.start + Self.day) == 1)
        #expect(usage.blockDays(at: Self.start + Self.day / 2) == 0.5)
    }

    @Test func blockDaysIntegrateOverChanges() {
        var usage = MaildropUsage()
        usage.change(messages: 1, bytes: 1024, at: Self.start)
        usage.change(messages: 1, bytes: 2048, at: Self.start + Self.day)
        #expect(usage.kibSeconds == Self.day)
        #expect(usage.blockDays(at: Self.start + 2 * Self.day) == 1 + 3)
        usage.change(messages: -2, bytes: -3072, at: Self.start + 2 * Self.day)
        #expect(usage.blockDays(at: Self.start + 10 * Self.day) == 4)
        #expect(usage.lastChange == Self.start + 2 * Self.day)
    }

    @Test func clockGoingBackwardsAddsNothing() {
        var usage = MaildropUsage()
        usage.change(messages: 1, bytes: 1024, at: Self.start)
        #expect(usage.blockDays(at: Self.start - Self.day) == 0)
        usage.change(messages: 1, bytes: 1024, at: Self.start - Self.day)
        #expect(usage.kibSeconds == 0)
        #expect(usage.blockDays(at: Self.start) == 2)
    }

    @Test func codableRoundTrip() throws {
        var usage = MaildropUsage()
        usage.change(messages: 2, bytes: 4096, at: Self.start)
        usage.messagesReceived = 5
        usage.bytesReceived = 9000
        usage.change(messages: 0, bytes: 0, at: Self.start + Self.day)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(MaildropUsage.self, from: encoder.encode(usage)) == usage)
    }
}
