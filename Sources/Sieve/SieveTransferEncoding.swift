/// Base64 and quoted-printable decoding for encoded words and body parts.
/// - SeeAlso: RFC 2045 §6.7, §6.8; RFC 2047 §4
enum SieveTransferEncoding {
    /// Decodes base64, skipping padding and characters outside the alphabet (RFC 2045
    /// §6.8 says to ignore them).
    static func base64(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in input {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            default: continue
            }
            buffer = (buffer << 6) | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        return output
    }

    /// Decodes quoted-printable; a malformed `=` sequence is kept as written.
    static func quotedPrintable(_ input: [UInt8], underscoreIsSpace: Bool) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "=") {
                if index + 1 < input.count, input[index + 1] == 0x0A {
                    index += 2
                    continue
                }
                if index + 2 < input.count, input[index + 1] == 0x0D, input[index + 2] == 0x0A {
                    index += 3
                    continue
                }
                if index + 2 < input.count, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
            }
            output.append(underscoreIsSpace && byte == UInt8(ascii: "_") ? 0x20 : byte)
            index += 1
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// The character sets decoded without Foundation: UTF-8, US-ASCII and ISO-8859-1
/// (Latin-1, whose bytes are the first 256 code points). Text in another charset is
/// left as it was written, so tests still see something rather than nothing.
enum SieveCharset {
    static func decode(_ bytes: [UInt8], charset: String) -> String? {
        switch charset {
        case "utf-8", "utf8", "us-ascii", "ascii":
            String(decoding: bytes, as: UTF8.self)
        case "iso-8859-1", "latin1", "iso_8859-1", "l1":
            String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        default:
            nil
        }
    }
}
