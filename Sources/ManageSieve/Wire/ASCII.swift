/// The few ASCII facts the parser needs, without Foundation's locale-aware character sets.
enum ASCII {
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20

    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    static func isUpper(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) }
    static func isLower(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) }
    static func isAlpha(_ byte: UInt8) -> Bool { isUpper(byte) || isLower(byte) }
    static func uppercased(_ byte: UInt8) -> UInt8 { isLower(byte) ? byte - 0x20 : byte }

    /// What ends an atom or keyword: a space or a line end.
    static func endsToken(_ byte: UInt8) -> Bool {
        byte == space || byte == carriageReturn || byte == lineFeed
    }

    /// Printable ASCII other than the octets that start a string or escape in one.
    static func isAtomCharacter(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "{") && byte != UInt8(ascii: "\\")
    }

    /// Octets as sent, cut short and reduced to printable ASCII, safe for replies and logs.
    static func reported(_ bytes: some Collection<UInt8>) -> String {
        let printable = bytes.prefix(ManageSieveLimits.reportedKeywordLength).map { (0x21...0x7E).contains($0) ? $0 : UInt8(ascii: "?") }
        return String(decoding: printable, as: UTF8.self)
    }
}
