/// Base64 as AUTH's initial response carries it: the standard alphabet, padded.
/// - SeeAlso: RFC 4954 §4, RFC 4648 §4
enum SMTPClientBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The base64 text of `bytes`; `=` for no bytes, which RFC 4954 §4 uses for an empty
    /// initial response.
    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.isEmpty else { return [UInt8(ascii: "=")] }
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var start = 0
        while start < bytes.count {
            let group = bytes[start..<min(start + 3, bytes.count)]
            var value = 0
            for (offset, byte) in group.enumerated() { value |= Int(byte) << (16 - 8 * offset) }
            for sextet in 0..<4 {
                if sextet <= group.count {
                    output.append(alphabet[(value >> (18 - 6 * sextet)) & 0x3F])
                } else {
                    output.append(UInt8(ascii: "="))
                }
            }
            start += 3
        }
        return output
    }
}
