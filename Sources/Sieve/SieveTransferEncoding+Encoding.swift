/// Base64 and quoted-printable encoding, for the messages Sieve sends itself.
/// - SeeAlso: RFC 2045 §6.7, §6.8; RFC 2047 §4.1
extension SieveTransferEncoding {
    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Base64 without line breaks, padded with "=".
    static func base64Encoded(_ input: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index < input.count {
            let first = UInt32(input[index])
            let second = index + 1 < input.count ? UInt32(input[index + 1]) : 0
            let third = index + 2 < input.count ? UInt32(input[index + 2]) : 0
            let group = first << 16 | second << 8 | third
            output.append(base64Alphabet[Int(group >> 18 & 0x3F)])
            output.append(base64Alphabet[Int(group >> 12 & 0x3F)])
            output.append(index + 1 < input.count ? base64Alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            output.append(index + 2 < input.count ? base64Alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Quoted-printable of text whose lines end in CRLF: line ends stay hard breaks,
    /// other lines are soft-broken at 76 characters, and white space before a line end is
    /// encoded (RFC 2045 §6.7 rules 1–5).
    static func quotedPrintableEncoded(_ input: [UInt8]) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        var lineLength = 0
        var index = 0
        func emit(_ piece: [UInt8]) {
            if lineLength + piece.count > 75 {
                output += [UInt8(ascii: "="), 0x0D, 0x0A]
                lineLength = 0
            }
            output += piece
            lineLength += piece.count
        }
        while index < input.count {
            let byte = input[index]
            if byte == 0x0D, index + 1 < input.count, input[index + 1] == 0x0A {
                output += [0x0D, 0x0A]
                lineLength = 0
                index += 2
                continue
            }
            let atLineEnd = index + 1 == input.count || (input[index + 1] == 0x0D && index + 2 < input.count && input[index + 2] == 0x0A)
            let isPlain = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 0x20 || byte == 0x09) && !atLineEnd)
            emit(isPlain ? [byte] : [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            index += 1
        }
        return output
    }
}
