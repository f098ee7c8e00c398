import Foundation

/// Standard-alphabet base64 (RFC 4648 §4), padded as stored in JSON or unpadded as in
/// PHC strings. Decoding accepts only the alphabet; canonical form is the caller's check.
enum Base64 {
    static func encode(_ bytes: [UInt8], padded: Bool) -> String {
        let text = Data(bytes).base64EncodedString()
        return padded ? text : String(text.prefix { $0 != "=" })
    }

    static func decode(_ text: some StringProtocol, padded: Bool) -> [UInt8]? {
        var text = String(text)
        if !padded {
            guard text.utf8.allSatisfy(isAlphabet), text.utf8.count % 4 != 1 else { return nil }
            text += String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
        }
        guard let data = Data(base64Encoded: text) else { return nil }
        return Array(data)
    }

    private static func isAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2B, 0x2F: true
        default: false
        }
    }
}
