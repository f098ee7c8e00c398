import Foundation
import Testing

@testable import SASL

struct PasswordHashTests {
    static let cheap = ScryptCost(logN: 10)

    @Test func makeProducesCanonicalPHCString() throws {
        let hash = try PasswordHash.make(password: "correct horse", cost: Self.cheap)
        let fields = hash.encoded.split(separator: "$", omittingEmptySubsequences: false)
        #expect(fields.count == 5)
        #expect(fields[1] == "scrypt")
        #expect(fields[2] == "ln=10,r=8,p=1")
        #expect(fields[3].count == 22)  // 16 bytes, unpadded
        #expect(fields[4].count == 43)  // 32 bytes, unpadded
        #expect(!fields[3].contains("=") && !fields[4].contains("="))
        #expect(hash.cost == Self.cheap)
    }

    @Test func saltIsRandom() throws {
        let first = try PasswordHash.make(password: "same", cost: Self.cheap)
        let second = try PasswordHash.make(password: "same", cost: Self.cheap)
        #expect(first != second)
    }

    @Test func roundTripsThroughStringAndJSON() throws {
        let hash = try PasswordHash.make(password: "correct horse", cost: Self.cheap)
        let parsed = try PasswordHash(encoded: hash.encoded)
        #expect(parsed == hash)
        #expect(parsed.encoded == hash.encoded)
        #expect(parsed.verify("correct horse"))

        let json = try JSONEncoder().encode(["password": hash])
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"$scrypt$ln=10"))
        let decoded = try JSONDecoder().decode([String: PasswordHash].self, from: json)
        #expect(decoded["password"] == hash)
    }

    @Test func invalidStringInJSONFailsToDecode() {
        let json = Data(#"{"password":"$scrypt$ln=10,r=8,p=1$!!$!!"}"#.utf8)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([String: PasswordHash].self, from: json)
        }
    }

    @Test(arguments: [
        ("correct horse", true),
        ("correct horsE", false),
        ("correct horse ", false),
        ("", false),
        ("correct\u{00AD} horse", true),  // SASLprep removes the soft hyphen
        ("correct\u{00A0}horse", true),  // and maps a no-break space to U+0020
        ("correct\u{0007}horse", false),  // prohibited, so never a stored password
    ])
    func verify(_ candidate: String, expected: Bool) throws {
        let hash = try PasswordHash.make(password: "correct horse", cost: Self.cheap)
        #expect(hash.verify(candidate) == expected)
    }

    /// A fixed hash, so a change of derivation or encoding is caught.
    @Test func verifiesKnownHash() throws {
        let salt = Array("0123456789abcdef".utf8)
        let key = try Self.cheap.deriveKey(password: Array("pencil".utf8), salt: salt, outputByteCount: 32)
        let hash = try PasswordHash(encoded: "$scrypt$ln=10,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$" + phcBase64(key))
        #expect(hash.verify("pencil"))
        #expect(!hash.verify("pencils"))
    }

    @Test(arguments: [
        ("", PasswordHashError.malformed),
        ("scrypt$ln=10,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZg", .malformed),
        ("$scrypt", .malformed),
        ("$scrypt$ln=10,r=8,p=1", .malformed),
        ("$scrypt$ln=10,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg", .malformed),
        ("$scrypt$ln=10,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZg$", .malformed),
        ("$scrypt$ln=10,r=8$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZg", .malformed),
        ("$scrypt$r=8,ln=10,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZg", .malformed),
        ("$scrypt$ln=010,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZg", .malformed),
        ("$scrypt$ln=-1,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZg", .malformed),
        ("$scrypt$ln=99999999999999999999,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZg", .malformed),
        ("$scrypt$ln=10,r=8,p=1$MDEyMzQ1Njc4OWFi!2RlZg$MDEyMzQ1Njc4OWFiY2RlZg", .malformed),
        ("$scrypt$ln=10,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg==$MDEyMzQ1Njc4OWFiY2RlZg", .malformed),
        ("$scrypt$ln=10,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZh$MDEyMzQ1Njc4OWFiY2RlZg", .malformed),  // non-zero trailing bits
        ("$scrypt$ln=10,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZgAAA$MDEyMzQ1Njc4OWFiY2RlZg", .malformed),  // length 1 mod 4
        ("$scrypt$ln=10,r=8,p=1$MDEy$MDEyMzQ1Njc4OWFiY2RlZg", .malformed),  // 3-byte salt
        ("$scrypt$ln=10,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEy", .malformed),  // 3-byte key
        ("$scrypt$ln=10,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZg ", .malformed),
        ("$SCRYPT$ln=10,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZg", .malformed),
        ("$scrypt$ln=9,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZg", .parameterOutOfRange),
        ("$scrypt$ln=21,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZg", .parameterOutOfRange),
        ("$scrypt$ln=10,r=0,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZg", .parameterOutOfRange),
        ("$scrypt$ln=10,r=8,p=99$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZg", .parameterOutOfRange),
        ("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g", .unsupportedScheme("argon2id")),
        ("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", .unsupportedScheme("2b")),
        ("$pbkdf2-sha256$29000$c2FsdA$aGFzaA", .unsupportedScheme("pbkdf2-sha256")),
    ])
    func rejects(_ encoded: String, error: PasswordHashError) {
        #expect(throws: error) { try PasswordHash(encoded: encoded) }
    }

    @Test func rejectsOverlongString() {
        let encoded = "$scrypt$ln=10,r=8,p=1$" + String(repeating: "A", count: 600) + "$MDEyMzQ1Njc4OWFiY2RlZg"
        #expect(throws: PasswordHashError.malformed) { try PasswordHash(encoded: encoded) }
    }

    @Test(arguments: [ScryptCost(logN: 9), ScryptCost(logN: 21), ScryptCost(logN: 10, p: 0)])
    func makeRejectsCostOutOfRange(_ cost: ScryptCost) {
        #expect(throws: PasswordHashError.parameterOutOfRange) {
            try PasswordHash.make(password: "pw", cost: cost)
        }
    }

    @Test(arguments: ["", "\u{00AD}", "bell\u{0007}"])
    func makeRejectsPasswordSASLprepRefuses(_ password: String) {
        #expect(throws: SASLprepError.self) { try PasswordHash.make(password: password, cost: Self.cheap) }
    }

    @Test(arguments: [
        (ScryptCost(logN: 10), false),
        (ScryptCost(logN: 11), true),
        (ScryptCost(logN: 9), false),
        (ScryptCost(logN: 10, r: 16), true),
        (ScryptCost(logN: 10, r: 4), false),
        (ScryptCost(logN: 10, p: 2), true),
        (ScryptCost.default, true),
    ])
    func needsRehash(target: ScryptCost, expected: Bool) throws {
        let hash = try PasswordHash(
            encoded: "$scrypt$ln=10,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY")
        #expect(hash.needsRehash(for: target) == expected)
    }

    @Test func shortSaltNeedsRehash() throws {
        let hash = try PasswordHash(encoded: "$scrypt$ln=10,r=8,p=1$MDEyMzQ1Njc$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY")
        #expect(hash.needsRehash(for: ScryptCost(logN: 10)))
    }

    @Test func descriptionHidesSaltAndKey() throws {
        let hash = try PasswordHash.make(password: "correct horse", cost: Self.cheap)
        let salt = String(hash.encoded.split(separator: "$")[2])
        for text in [String(describing: hash), String(reflecting: hash), dumped(hash)] {
            #expect(!text.contains(salt))
            #expect(!text.contains("correct"))
        }
    }
}

func phcBase64(_ bytes: [UInt8]) -> String {
    String(Data(bytes).base64EncodedString().prefix { $0 != "=" })
}

func dumped(_ value: some Any) -> String {
    var text = ""
    dump(value, to: &text)
    return text
}
