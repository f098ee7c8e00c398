/// The server-chosen text inside challenges: SCRAM's s-nonce, the two halves of a
/// CRAM-MD5 challenge or APOP timestamp (`<unique@host>`), and how random ones are made.
enum ChallengeToken {
    /// 1 to `SASLLimits.maximumChallengeTokenByteCount` printable ASCII characters, none of
    /// `,` (SCRAM's separator, RFC 5802 §7 `printable`) or `<`, `>`, `@` (the msg-id
    /// delimiters of RFC 2195 §2 and RFC 1939 §7).
    static func isValid(_ token: String) -> Bool {
        (1...SASLLimits.maximumChallengeTokenByteCount).contains(token.utf8.count)
            && token.utf8.allSatisfy { byte in
                (0x21...0x7E).contains(byte) && byte != UInt8(ascii: ",") && byte != UInt8(ascii: "<")
                    && byte != UInt8(ascii: ">") && byte != UInt8(ascii: "@")
            }
    }

    /// A fresh server nonce for `mechanism`: 144 random bits as base64 for SCRAM,
    /// "random.digits" (128 bits) for CRAM-MD5 as RFC 2195 §2 describes it.
    static func random(for mechanism: SASLMechanismName, using generator: inout some RandomNumberGenerator) -> String {
        switch mechanism {
        case .scramSHA256:
            let bytes = (0..<18).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            return Base64.encode(bytes, padded: true)
        case .cramMD5, .plain, .login:
            return "\(UInt64.random(in: .min ... .max, using: &generator)).\(UInt64.random(in: .min ... .max, using: &generator))"
        }
    }
}
