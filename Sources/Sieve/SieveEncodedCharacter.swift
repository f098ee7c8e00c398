/// Decodes `${hex:…}` and `${unicode:…}` in strings, done once at compile time when the
/// script requires "encoded-character". A sequence that is not well formed stays as
/// written; a well-formed one that names no character is an error.
/// - SeeAlso: RFC 5228 §2.4.2.4
enum SieveEncodedCharacter {
    enum Failure: Error {
        case invalidCodePoint(String)
        case invalidUTF8
    }

    // encoded-arb-octets   = "${hex:" hex-pair-seq "}"
    // encoded-unicode-char = "${unicode:" unicode-hex-seq "}"
    static func decode(_ string: String) throws(Failure) -> String {
        guard string.contains("${") else { return string }
        let bytes = Array(string.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "$"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{"),
                let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: "}")),
                let decoded = try sequence(bytes[(index + 2)..<close])
            {
                output.append(contentsOf: decoded)
                index = close + 1
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        guard let result = String(validating: output, as: UTF8.self) else { throw .invalidUTF8 }
        return result
    }

    private static func sequence(_ body: ArraySlice<UInt8>) throws(Failure) -> [UInt8]? {
        guard let colon = body.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let kind = String(decoding: body[..<colon], as: UTF8.self).lowercased()
        guard kind == "hex" || kind == "unicode" else { return nil }
        // blank = WSP / CRLF; hex-pair-seq and unicode-hex-seq hold at least one item, so
        // "${hex:}" is not well formed and stays as written.
        let items = body[(colon + 1)...].split(whereSeparator: { [0x20, 0x09, 0x0D, 0x0A].contains($0) })
        guard !items.isEmpty else { return nil }
        var output: [UInt8] = []
        for item in items {
            guard item.allSatisfy(isHexDigit), let value = UInt32(String(decoding: item, as: UTF8.self).suffix(8), radix: 16)
            else { return nil }
            if kind == "hex" {
                // hex-pair = 1*2HEXDIG
                guard item.count <= 2 else { return nil }
                output.append(UInt8(value))
            } else {
                let digits = item.drop { $0 == UInt8(ascii: "0") }
                guard digits.count <= 6, let scalar = Unicode.Scalar(value) else {
                    throw .invalidCodePoint(String(decoding: item, as: UTF8.self))
                }
                output.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
        }
        return output
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }
}
