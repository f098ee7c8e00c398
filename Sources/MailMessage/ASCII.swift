/// The few octets that RFC 5322 and RFC 1939 give a meaning to.
enum ASCII {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    /// The POP3 termination octet, which dot-stuffing doubles at the start of a line.
    /// - SeeAlso: RFC 1939 §3
    static let dot: UInt8 = 0x2E

    /// WSP, the folding white space of a header continuation line.
    /// - SeeAlso: RFC 5322 §2.2.3, RFC 5234 appendix B.1
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }
}
