/// SCRAM's client-first message: the GS2 header, the user name and the client nonce.
/// - SeeAlso: RFC 5802 §5.1, §7; RFC 5801 §4 (GS2 header)
struct ScramClientFirstMessage: Sendable, Equatable {
    /// The GS2 header exactly as sent, `,` included: the client-final `c=` must repeat it.
    var gs2Header: [UInt8]
    var authzid: String?
    var username: String
    var clientNonce: String
    /// Everything after the GS2 header; the first part of the AuthMessage.
    var bare: [UInt8]

    // client-first-message = gs2-header client-first-message-bare
    // gs2-header = gs2-cbind-flag "," [ authzid ] ","
    // gs2-cbind-flag = ("p=" cb-name) / "n" / "y"
    // authzid = "a=" saslname
    // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
    // username = "n=" saslname
    // nonce = "r=" c-nonce [s-nonce]
    /// - Throws: `.channelBindingNotSupported` for `p=`, `.malformed` for anything else
    ///   out of grammar, and for a mandatory extension (`m=`).
    static func parse(_ message: [UInt8]) throws(SASLFailure) -> ScramClientFirstMessage {
        guard String(validating: message, as: UTF8.self) != nil else { throw .malformed }
        let fields = message.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard fields.count >= 4 else { throw .malformed }

        switch Array(fields[0]) {
        case Array("n".utf8), Array("y".utf8):
            break
        default:
            guard let name = ScramSyntax.value(of: fields[0], named: "p"), ScramSyntax.isChannelBindingName(name) else {
                throw .malformed
            }
            throw .channelBindingNotSupported
        }

        var authzid: String?
        if !fields[1].isEmpty {
            guard let encoded = ScramSyntax.value(of: fields[1], named: "a"),
                let decoded = ScramSyntax.saslname(encoded)
            else { throw .malformed }
            authzid = decoded
        }

        guard let encodedName = ScramSyntax.value(of: fields[2], named: "n"),
            let username = ScramSyntax.saslname(encodedName),
            let nonce = ScramSyntax.value(of: fields[3], named: "r"), ScramSyntax.isNonce(nonce),
            fields[4...].allSatisfy(ScramSyntax.isExtension)
        else { throw .malformed }

        let headerLength = fields[0].count + fields[1].count + 2
        return ScramClientFirstMessage(
            gs2Header: Array(message[..<headerLength]),
            authzid: authzid,
            username: username,
            clientNonce: String(decoding: nonce, as: UTF8.self),
            bare: Array(message[headerLength...])
        )
    }
}
