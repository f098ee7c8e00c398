import Foundation
import Testing

@testable import SASL

struct SealedLegacySecretTests {
    @Test(arguments: ["tanstaaf", "pässwörd \u{00A0}with spaces", "", String(repeating: "x", count: 1000)])
    func roundTrip(_ password: String) throws {
        let key = LegacySecretKey.generate()
        let sealed = try SealedLegacySecret.seal(password: password, account: "mrose@example.org", key: key)
        let opened = try sealed.open(account: "mrose@example.org", key: key)
        #expect(Array(opened.unicodeScalars) == Array(password.unicodeScalars))  // sealed as given, no SASLprep
    }

    @Test func roundTripsThroughJSONAsOneBase64String() throws {
        let key = LegacySecretKey.generate()
        let sealed = try SealedLegacySecret.seal(password: "tanstaaf", account: "mrose", key: key)
        let json = try JSONEncoder().encode([sealed])
        let strings = try JSONDecoder().decode([String].self, from: json)
        let bytes = try #require(Data(base64Encoded: strings[0]))
        #expect(bytes.count == 12 + 8 + 16)  // nonce + ciphertext + tag
        let decoded = try JSONDecoder().decode([SealedLegacySecret].self, from: json)
        #expect(decoded == [sealed])
        #expect(try decoded[0].open(account: "mrose", key: key) == "tanstaaf")
    }

    @Test func sealingTwiceUsesFreshNonces() throws {
        let key = LegacySecretKey.generate()
        let first = try SealedLegacySecret.seal(password: "tanstaaf", account: "mrose", key: key)
        let second = try SealedLegacySecret.seal(password: "tanstaaf", account: "mrose", key: key)
        #expect(first != second)
    }

    @Test func wrongKeyFails() throws {
        let sealed = try SealedLegacySecret.seal(password: "tanstaaf", account: "mrose", key: .generate())
        #expect(throws: LegacySecretError.authenticationFailed) {
            try sealed.open(account: "mrose", key: .generate())
        }
    }

    @Test(arguments: ["mrose2", "Mrose", "", "mrose\u{0000}"])
    func wrongAccountFails(_ account: String) throws {
        let key = LegacySecretKey.generate()
        let sealed = try SealedLegacySecret.seal(password: "tanstaaf", account: "mrose", key: key)
        #expect(throws: LegacySecretError.authenticationFailed) { try sealed.open(account: account, key: key) }
    }

    /// Flipping one bit anywhere (nonce, ciphertext, tag) must be detected.
    @Test(arguments: [0, 11, 12, 19, 20, 35])
    func tamperedBytesFail(_ index: Int) throws {
        let key = LegacySecretKey.generate()
        let sealed = try SealedLegacySecret.seal(password: "tanstaaf", account: "mrose", key: key)
        var bytes = sealed.combined
        #expect(bytes.count == 36)
        bytes[index] ^= 0x01
        let tampered = try SealedLegacySecret(combined: bytes)
        #expect(throws: LegacySecretError.authenticationFailed) { try tampered.open(account: "mrose", key: key) }
    }

    @Test func truncatedBytesFail() throws {
        let key = LegacySecretKey.generate()
        let sealed = try SealedLegacySecret.seal(password: "tanstaaf", account: "mrose", key: key)
        let truncated = try SealedLegacySecret(combined: Array(sealed.combined.dropLast()))
        #expect(throws: LegacySecretError.authenticationFailed) { try truncated.open(account: "mrose", key: key) }
    }

    @Test(arguments: [#"["!!!"]"#, #"["AAAA"]"#, #"[42]"#])
    func rejectsInvalidJSON(_ json: String) {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([SealedLegacySecret].self, from: Data(json.utf8))
        }
    }

    @Test func descriptionHidesCiphertext() throws {
        let sealed = try SealedLegacySecret.seal(password: "tanstaaf", account: "mrose", key: .generate())
        let base64 = Data(sealed.combined).base64EncodedString()
        for text in [String(describing: sealed), String(reflecting: sealed), dumped(sealed)] {
            #expect(!text.contains(base64))
            #expect(!text.contains("\(sealed.combined[0]), \(sealed.combined[1])"))
        }
    }
}
