/// The pieces of RFC 5802 §7 that several SCRAM messages share.
///
/// Attribute names are single case-sensitive letters (RFC 5802 §5.1). Splitting a message
/// at every `,` is exact: no attribute value may contain one (`value-char`, `printable`
/// and `saslname` all exclude it).
enum ScramSyntax {
    /// The value of `name=value`, or nil when the field is another attribute.
    static func value(of field: ArraySlice<UInt8>, named name: Character) -> ArraySlice<UInt8>? {
        guard field.count >= 2, field[field.startIndex] == name.asciiValue,
            field[field.startIndex + 1] == UInt8(ascii: "=")
        else { return nil }
        return field.dropFirst(2)
    }

    // saslname = 1*(value-safe-char / "=2C" / "=3D")
    // value-safe-char = %x01-2B / %x2D-3C / %x3E-7F / UTF8-2 / UTF8-3 / UTF8-4
    /// Decodes `=2C` to `,` and `=3D` to `=`; any other `=` fails (RFC 5802 §5.1 `n`).
    /// The result must then pass `SASLIdentity.parse`.
    static func saslname(_ encoded: ArraySlice<UInt8>) -> String? {
        var decoded: [UInt8] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let byte = encoded[index]
            if byte == UInt8(ascii: "=") {
                let escape = encoded[(index + 1)...].prefix(2)
                if escape.elementsEqual("2C".utf8) {
                    decoded.append(UInt8(ascii: ","))
                } else if escape.elementsEqual("3D".utf8) {
                    decoded.append(UInt8(ascii: "="))
                } else {
                    return nil
                }
                index += 3
            } else {
                decoded.append(byte)
                index += 1
            }
        }
        return SASLIdentity.parse(decoded)
    }

    // c-nonce = 1*printable
    // printable = %x21-2B / %x2D-7E ; printable ASCII except ","
    static func isNonce(_ text: ArraySlice<UInt8>) -> Bool {
        !text.isEmpty && text.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ",") }
    }

    // cb-name = 1*(ALPHA / DIGIT / "." / "-")
    static func isChannelBindingName(_ text: ArraySlice<UInt8>) -> Bool {
        !text.isEmpty
            && text.allSatisfy { byte in
                (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
            }
    }

    // extensions = attr-val *("," attr-val)
    // attr-val = ALPHA "=" value
    // value = 1*value-char ; UTF8-char except NUL and ","
    /// An optional extension attribute, which the server ignores. `m` is never one: it is
    /// reserved for mandatory extensions, which this server does not support.
    static func isExtension(_ field: ArraySlice<UInt8>) -> Bool {
        guard field.count >= 3, let name = field.first,
            (0x41...0x5A).contains(name) || (0x61...0x7A).contains(name), name != UInt8(ascii: "m"),
            field[field.startIndex + 1] == UInt8(ascii: "=")
        else { return false }
        return !field.contains(0)
    }

    // base64 = *base64-4 [base64-3 / base64-2]
    /// Canonical padded base64 only, so one byte string has one accepted form.
    static func base64(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        let string = String(decoding: text, as: UTF8.self)
        guard let bytes = Base64.decode(string, padded: true), Base64.encode(bytes, padded: true) == string else {
            return nil
        }
        return bytes
    }
}
