/// xtext (RFC 3461 §4): printable ASCII with `+`, `=` and anything outside `!`..`~`
/// written `+XX` in upper-case hex. ENVID and ORCPT travel in it.
public enum XText {
    /// Decodes xtext; nil when it is not xtext.
    public static func decode(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard (33...126).contains(byte), byte != UInt8(ascii: "=") else { return nil }
            guard byte == UInt8(ascii: "+") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Encodes text as xtext.
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if (33...126).contains(byte) && byte != UInt8(ascii: "+") && byte != UInt8(ascii: "=") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let digits = Array("0123456789ABCDEF")
                out += "+\(digits[Int(byte >> 4)])\(digits[Int(byte & 0x0F)])"
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
