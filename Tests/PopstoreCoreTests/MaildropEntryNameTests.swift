import Foundation
import PopstoreCore
import Testing

struct MaildropEntryNameTests {
    static let uid = "0123456789abcdef01234567"

    @Test func formatsZeroPaddedArrival() {
        let name = MaildropEntryName(arrivalMicros: 1, uid: Self.uid, size: 42)
        #expect(name.description == "0000000000000001.\(Self.uid).42")
        let retrieved = MaildropEntryName(arrivalMicros: 1_700_000_000_123_456, uid: Self.uid, size: 0, retrieved: true)
        #expect(retrieved.description == "1700000000123456.\(Self.uid).0.r")
    }

    @Test(arguments: [
        MaildropEntryName(arrivalMicros: 0, uid: uid, size: 0),
        MaildropEntryName(arrivalMicros: 1, uid: uid, size: 42),
        MaildropEntryName(arrivalMicros: 1_700_000_000_123_456, uid: "ffffffffffffffffffffffff", size: 10_485_760),
        MaildropEntryName(arrivalMicros: 9_999_999_999_999_999, uid: uid, size: 999_999_999_999_999_999, retrieved: true),
        MaildropEntryName(arrivalMicros: 5, uid: "000000000000000000000000", size: 7, retrieved: true),
    ])
    func roundTrip(_ name: MaildropEntryName) throws {
        let parsed = try #require(MaildropEntryName(name.description))
        #expect(parsed == name)
        #expect(parsed.description == name.description)
    }

    @Test func retrievedMark() throws {
        let fresh = try #require(MaildropEntryName("0000000000000001.\(Self.uid).42"))
        #expect(!fresh.retrieved)
        let read = try #require(MaildropEntryName("0000000000000001.\(Self.uid).42.r"))
        #expect(read.retrieved)
        #expect(read.uid == fresh.uid)
        #expect(read.size == 42)
    }

    @Test func sortOrderIsArrivalOrder() throws {
        let arrivals: [Int64] = [1_700_000_000_000_000, 9, 100, 10, 1_699_999_999_999_999, 0]
        let names = arrivals.map { MaildropEntryName(arrivalMicros: $0, uid: Self.uid, size: 1) }
        #expect(names.sorted().map(\.arrivalMicros) == [0, 9, 10, 100, 1_699_999_999_999_999, 1_700_000_000_000_000])
        // The file names sort the same way as text, which is what the zero padding is for.
        let byText = try names.map(\.description).sorted().map { try #require(MaildropEntryName($0)).arrivalMicros }
        #expect(byText == [0, 9, 10, 100, 1_699_999_999_999_999, 1_700_000_000_000_000])
    }

    @Test func sameArrivalSortsByUID() {
        let b = MaildropEntryName(arrivalMicros: 5, uid: "b" + String(repeating: "0", count: 23), size: 1)
        let a = MaildropEntryName(arrivalMicros: 5, uid: "a" + String(repeating: "0", count: 23), size: 900, retrieved: true)
        #expect([b, a].sorted() == [a, b])
    }

    @Test func arrivalDate() {
        let name = MaildropEntryName(arrivalMicros: 1_500_000, uid: Self.uid, size: 1)
        #expect(name.arrival == Date(timeIntervalSince1970: 1.5))
    }

    @Test(arguments: [
        "",
        ".",
        "..",
        "../x",
        "../0000000000000001.\(uid).42",
        "0000000000000001.\(uid).42/..",
        "000000000000001.\(uid).42",
        "00000000000000001.\(uid).42",
        "0000000000000001.0123456789abcdef0123456.42",
        "0000000000000001.0123456789abcdef012345678.42",
        "0000000000000001.0123456789ABCDEF01234567.42",
        "0000000000000001.0123456789abcdef0123456g.42",
        "0000000000000001.0123456789abcdef012345/7.42",
        "0000000000000001.\(uid).",
        "0000000000000001.\(uid)",
        "0000000000000001.\(uid).-1",
        "0000000000000001.\(uid).4a",
        "0000000000000001.\(uid).1234567890123456789",
        "0000000000000001.\(uid).42.x",
        "0000000000000001.\(uid).42.r.r",
        "0000000000000001.\(uid).42.",
        "-000000000000001.\(uid).42",
        "000000000000000x.\(uid).42",
        ".usage",
        ".lock",
        ".session.lock",
    ])
    func refusesInvalidName(_ raw: String) {
        #expect(MaildropEntryName(raw) == nil)
    }

    /// A name must be the one spelling `description` gives, or two files could claim
    /// the same message (and a rename built from `description` would miss the file).
    @Test(arguments: [
        "+000000000000001.\(uid).42",
        "0000000000000001.\(uid).042",
        "0000000000000001.\(uid).+42",
    ])
    func refusesNonCanonicalSpelling(_ raw: String) {
        if let parsed = MaildropEntryName(raw) {
            Issue.record("accepted \(raw) as \(parsed.description)")
        }
    }

    struct ZeroGenerator: RandomNumberGenerator {
        mutating func next() -> UInt64 { 0 }
    }

    struct CountingGenerator: RandomNumberGenerator {
        var state: UInt64 = 0
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            return state
        }
    }

    @Test func makeUIDPadsSmallNumbers() {
        var generator = ZeroGenerator()
        let uid = MaildropEntryName.makeUID(using: &generator)
        #expect(uid == String(repeating: "0", count: 24))
        #expect(MaildropEntryName.isValidUID(uid))
    }

    @Test func makeUIDMakesValidDistinctUIDs() throws {
        var generator = CountingGenerator()
        var system = SystemRandomNumberGenerator()
        var seen: Set<String> = []
        for _ in 0..<500 {
            for uid in [MaildropEntryName.makeUID(using: &generator), MaildropEntryName.makeUID(using: &system)] {
                #expect(uid.count == MaildropEntryName.uidLength)
                #expect(MaildropEntryName.isValidUID(uid))
                #expect(seen.insert(uid).inserted)
                let name = MaildropEntryName(arrivalMicros: 1, uid: uid, size: 1)
                #expect(try #require(MaildropEntryName(name.description)) == name)
            }
        }
    }

    @Test(arguments: [
        ("0123456789abcdef01234567", true),
        ("0123456789abcdef0123456", false),
        ("0123456789abcdef012345678", false),
        ("0123456789ABCDEF01234567", false),
        ("0123456789abcdef0123456z", false),
        ("", false),
        ("0123456789abcdef0123456\u{661}", false),
    ])
    func isValidUID(uid: String, valid: Bool) {
        #expect(MaildropEntryName.isValidUID(uid) == valid)
    }
}
