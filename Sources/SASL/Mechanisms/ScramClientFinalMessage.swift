/// SCRAM's client-final message: the channel binding, the whole nonce and the proof.
/// - SeeAlso: RFC 5802 §5.1, §7
struct ScramClientFinalMessage: Sendable, Equatable {
    /// The decoded `c=`: the GS2 header, since no channel binding data follows it here.
    var channelBinding: [UInt8]
    var nonce: String
    var proof: [UInt8]
    /// Everything before `,p=`; the last part of the AuthMessage.
    var withoutProof: [UInt8]

    // client-final-message = client-final-message-without-proof "," proof
    // client-final-message-without-proof = channel-binding "," nonce ["," extensions]
    // channel-binding = "c=" base64
    // proof = "p=" base64
    /// - Throws: `.malformed` for anything out of grammar or a proof that is not 32 bytes.
    static func parse(_ message: [UInt8]) throws(SASLFailure) -> ScramClientFinalMessage {
        guard String(validating: message, as: UTF8.self) != nil else { throw .malformed }
        let fields = message.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard fields.count >= 3,
            let channelText = ScramSyntax.value(of: fields[0], named: "c"),
            let channelBinding = ScramSyntax.base64(channelText), !channelBinding.isEmpty,
            let nonce = ScramSyntax.value(of: fields[1], named: "r"), ScramSyntax.isNonce(nonce),
            fields[2..<(fields.count - 1)].allSatisfy(ScramSyntax.isExtension),
            let proofText = ScramSyntax.value(of: fields[fields.count - 1], named: "p"),
            let proof = ScramSyntax.base64(proofText), proof.count == ScramCredentials.keyByteCount
        else { throw .malformed }

        return ScramClientFinalMessage(
            channelBinding: channelBinding,
            nonce: String(decoding: nonce, as: UTF8.self),
            proof: proof,
            withoutProof: Array(message[..<(fields[fields.count - 1].startIndex - 1)])
        )
    }
}
