/// The single client message of PLAIN.
/// - SeeAlso: RFC 4616 §2
struct PlainMessage: Sendable, Equatable {
    var authzid: String?
    var authcid: String
    var password: String

    // message = [authzid] UTF8NUL authcid UTF8NUL passwd
    // authcid = 1*SAFE ; MUST accept up to 255 octets
    // authzid = 1*SAFE ; MUST accept up to 255 octets
    // passwd  = 1*SAFE ; MUST accept up to 255 octets
    static func parse(_ message: [UInt8]) -> PlainMessage? {
        let fields = message.split(separator: 0, omittingEmptySubsequences: false)
        guard fields.count == 3 else { return nil }
        var authzid: String?
        if !fields[0].isEmpty {
            guard let parsed = SASLIdentity.parse(fields[0]) else { return nil }
            authzid = parsed
        }
        guard let authcid = SASLIdentity.parse(fields[1]),
            let password = SASLIdentity.parsePassword(fields[2])
        else { return nil }
        return PlainMessage(authzid: authzid, authcid: authcid, password: password)
    }
}
