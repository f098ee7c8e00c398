/// Base64 as SASL exchanges carry it on the wire (POP3 AUTH, ManageSieve AUTHENTICATE):
/// the standard alphabet, padded, nothing else.
///
/// Decoding is strict: no whitespace, no missing or misplaced padding, and the unused
/// bits of the last group must be zero (RFC 4648 §3.5), so that one byte string has
/// exactly one accepted text form.
/// - SeeAlso: RFC 5034 §6 (`base64`), RFC 5804 §2.1, RFC 4648 §4
public enum SASLBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            output.append(second == nil ? UInt8(ascii: "=") : alphabet[Int(group >> 6 & 0x3F)])
            output.append(third == nil ? UInt8(ascii: "=") : alphabet[Int(group & 0x3F)])
        }
        return output
    }

    // base64          = base64-terminal / ( 1*(4base64-char) [base64-terminal] )
    // base64-char     = ALPHA / DIGIT / "+" / "/"
    // base64-terminal = (2base64-char "==") / (3base64-char "=")
    /// Decodes `text`, or returns nil if it is not canonical padded base64. The empty
    /// text decodes to no bytes; callers that must refuse it check first.
    public static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(text.count / 4 * 3)
        var group: UInt32 = 0
        var sextets = 0
        var padding = 0
        for byte in text {
            if byte == UInt8(ascii: "=") {
                padding += 1
                group <<= 6
                sextets += 1
            } else {
                guard padding == 0, let value = value(of: byte) else { return nil }
                group = group << 6 | UInt32(value)
                sextets += 1
            }
            if sextets == 4 {
                guard padding <= 2 else { return nil }
                output.append(UInt8(group >> 16 & 0xFF))
                if padding < 2 { output.append(UInt8(group >> 8 & 0xFF)) }
                if padding < 1 { output.append(UInt8(group & 0xFF)) }
                if padding == 2, group & 0xFFFF != 0 { return nil }
                if padding == 1, group & 0xFF != 0 { return nil }
                group = 0
                sextets = 0
                if padding > 0 { break }
            }
        }
        // Padding anywhere but in the final group leaves text behind the break.
        guard output.count == text.count / 4 * 3 - padding else { return nil }
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
