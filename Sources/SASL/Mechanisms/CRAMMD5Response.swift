import Crypto

/// The client's answer to a CRAM-MD5 challenge: the user name, a space, and the
/// HMAC-MD5 of the challenge keyed with the shared secret, as 32 hex digits.
/// - SeeAlso: RFC 2195 §2
struct CRAMMD5Response: Sendable, Equatable {
    static let digestByteCount = Insecure.MD5.byteCount

    var username: String
    var digest: [UInt8]

    // response = username SP digest    ; split at the last space, so a name may hold one
    // digest   = 32HEXDIG
    static func parse(_ response: [UInt8]) -> CRAMMD5Response? {
        guard let space = response.lastIndex(of: UInt8(ascii: " ")),
            response.count - space - 1 == 2 * digestByteCount,
            let digest = Hex.decode(response[(space + 1)...]),
            let username = SASLIdentity.parse(response[..<space])
        else { return nil }
        return CRAMMD5Response(username: username, digest: digest)
    }
}
