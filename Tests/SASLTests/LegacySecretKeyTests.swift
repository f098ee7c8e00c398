import Testing

@testable import SASL

struct LegacySecretKeyTests {
    @Test func rawBytesRoundTrip() throws {
        let key = LegacySecretKey.generate()
        #expect(key.rawBytes.count == 32)
        let copy = try LegacySecretKey(rawBytes: key.rawBytes)
        #expect(copy.rawBytes == key.rawBytes)
        let sealed = try SealedLegacySecret.seal(password: "tanstaaf", account: "mrose", key: key)
        #expect(try sealed.open(account: "mrose", key: copy) == "tanstaaf")
    }

    @Test func generatedKeysDiffer() {
        #expect(LegacySecretKey.generate().rawBytes != LegacySecretKey.generate().rawBytes)
    }

    @Test(arguments: [0, 16, 31, 33, 64])
    func rejectsWrongLength(_ count: Int) {
        #expect(throws: LegacySecretError.invalidKeyLength) {
            try LegacySecretKey(rawBytes: [UInt8](repeating: 7, count: count))
        }
    }

    @Test func descriptionHidesKeyMaterial() throws {
        let key = try LegacySecretKey(rawBytes: [UInt8](repeating: 0xAB, count: 32))
        for text in [String(describing: key), String(reflecting: key), dumped(key)] {
            #expect(!text.contains("171"))
            #expect(!text.lowercased().contains("abab"))
            #expect(!text.contains("q6ur"))
        }
    }
}
