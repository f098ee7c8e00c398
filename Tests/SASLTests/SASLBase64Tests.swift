import SASL
import Testing

struct SASLBase64Tests {
    /// RFC 4648 §10 test vectors.
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648Vectors(_ plain: String, _ encoded: String) {
        #expect(SASLBase64.encode(Array(plain.utf8)) == Array(encoded.utf8))
        #expect(SASLBase64.decode(Array(encoded.utf8)) == Array(plain.utf8))
    }

    @Test func everyByteValueRoundTrips() {
        for length in 0...5 {
            let bytes = (0..<256).map { UInt8(($0 * 7 + length) % 256) } + Array(repeating: 0xFF, count: length)
            #expect(SASLBase64.decode(SASLBase64.encode(bytes)) == bytes)
        }
    }

    @Test(arguments: [
        "Zg", "Zg=", "Zg===", "=", "==", "====", "Z===", "Zm9v=", "Zg==Zg==", "Zh==", "Zm9=", "Zm 9v", "Zm9v\n", "Zm-_", "Zm9v\u{0}",
    ])
    func refusesNonCanonical(_ text: String) {
        #expect(SASLBase64.decode(Array(text.utf8)) == nil)
    }
}
