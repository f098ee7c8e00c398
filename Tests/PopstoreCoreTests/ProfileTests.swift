import Foundation
import PopstoreCore
import Testing

struct ProfileTests {
    /// Every field set to a value other than its default. Dates are whole seconds:
    /// ISO 8601 in the store's files carries no fractions.
    static func fullProfile() throws -> Profile {
        var profile = Profile(
            id: AccountID(canonicalName: "jdoe", domain: try DomainName("other.org")), volume: "disk2",
            maildropID: "0123456789abcdef0123456789abcdef", created: Date(timeIntervalSince1970: 1_700_000_000),
            owner: "Jane Doe, Room 12", group: "sales", siteData: "{\"cost-centre\": 42}",
            flags: [.manage, .lockpwd, .migrated], quota: 10_485_760, overdraft: 524_288)
        profile.password = PasswordRecord(
            hash: "$scrypt$ln=10,r=8,p=1$c2FsdA$aGFzaA",
            scram: StoredScram(salt: "c2FsdA==", iterations: 4096, storedKey: "a2V5", serverKey: "c2Vy"),
            legacySecret: "sealed-secret", changed: Date(timeIntervalSince1970: 1_700_000_100), preExpired: true)
        profile.sessions.connections = 7
        profile.sessions.connectSeconds = 300
        profile.sessions.lastConnect = Date(timeIntervalSince1970: 1_700_000_200)
        profile.sessions.lastDisconnect = Date(timeIntervalSince1970: 1_700_000_260)
        profile.sessions.messagesRetrieved = 3
        profile.sessions.bytesRetrieved = 12_345
        profile.renamedFrom = "jd@other.org"
        return profile
    }

    @Test func codableRoundTripWithISO8601Dates() throws {
        let profile = try Self.fullProfile()
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let data = try encoder.encode(profile)
        let decoded = try decoder.decode(Profile.self, from: data)
        #expect(decoded == profile)
        #expect(decoded.id == profile.id)
        #expect(decoded.password?.scheme == "scrypt")
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""created":"2023-11-14T22:13:20Z""#))
        #expect(text.contains(#""flags":["LOCKPWD","MANAGE","MIGRATED"]"#))
        #expect(text.contains(#""domain":"other.org""#))
    }

    @Test func newProfileDefaults() throws {
        let profile = Profile(
            id: AccountID(canonicalName: "jdoe", domain: try DomainName("example.com")), volume: "default",
            maildropID: "0123456789abcdef0123456789abcdef", created: Date(timeIntervalSince1970: 0))
        #expect(profile.version == Profile.formatVersion)
        #expect(profile.group == nil)
        #expect(profile.flags == [])
        #expect(profile.quota == nil)
        #expect(profile.overdraft == 0)
        #expect(profile.password == nil)
        #expect(profile.renamedFrom == nil)
        #expect(profile.sessions == SessionAccounting())
    }

    @Test func passwordSchemeOfAnUnknownHash() {
        let record = PasswordRecord(hash: "", scram: nil, legacySecret: nil, changed: Date(timeIntervalSince1970: 0), preExpired: false)
        #expect(record.scheme == "unknown")
    }
}
