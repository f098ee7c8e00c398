/// Base64 as ManageSieve's SASL strings carry it: the standard alphabet, padded.
///
/// Decoding is strict (no whitespace, padding only at the end, unused bits zero; RFC 4648
/// §3.5), so that one byte string has exactly one accepted text form.
/// - SeeAlso: RFC 5804 §2.1, RFC 4648 §4
enum ManageSieveBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index < input.count {
            let remaining = input.count - index
            let chunk =
                UInt32(input[index]) << 16
                | (remaining > 1 ? UInt32(input[index + 1]) << 8 : 0)
                | (remaining > 2 ? UInt32(input[index + 2]) : 0)
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            output.append(remaining > 1 ? alphabet[Int(chunk >> 6 & 0x3F)] : UInt8(ascii: "="))
            output.append(remaining > 2 ? alphabet[Int(chunk & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return output
    }

    /// The decoded bytes, or nil if `text` is not canonical padded base64. The empty text
    /// decodes to no bytes.
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        let input = Array(text)
        guard input.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var start = 0
        while start < input.count {
            let isLast = start + 4 == input.count
            let padding = isLast ? input[(start + 2)...].reversed().prefix(while: { $0 == UInt8(ascii: "=") }).count : 0
            var chunk: UInt32 = 0
            for offset in 0..<(4 - padding) {
                guard let value = value(of: input[start + offset]) else { return nil }
                chunk = chunk << 6 | UInt32(value)
            }
            chunk <<= 6 * UInt32(padding)
            output.append(UInt8(chunk >> 16 & 0xFF))
            switch padding {
            case 0:
                output.append(UInt8(chunk >> 8 & 0xFF))
                output.append(UInt8(chunk & 0xFF))
            case 1:
                guard chunk & 0xFF == 0 else { return nil }
                output.append(UInt8(chunk >> 8 & 0xFF))
            default:
                guard chunk & 0xFFFF == 0 else { return nil }
            }
            start += 4
        }
        return output
    }

    private static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
