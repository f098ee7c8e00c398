import NIOCore

/// How a string goes on the wire: quoted where it can be, as a literal where it must.
///
/// - SeeAlso: RFC 5804 §4 (`string = quoted / literal-c2s / literal-s2c`)
enum ManageSieveString {
    /// Which literal form a writer uses when quoting will not do.
    enum LiteralForm {
        /// `{n}`: the only form a server sends (`literal-s2c`).
        case serverLiteral
        /// `{n+}`: the only form a client sends (`literal-c2s`), so no continuation is needed.
        case clientLiteral
    }

    static let crlf: [UInt8] = [0x0D, 0x0A]

    // quoted          = DQUOTE *QUOTED-CHAR DQUOTE    ; at most 1024 octets between the quotes
    // QUOTED-CHAR     = SAFE-UTF8-CHAR / "\" QUOTED-SPECIALS
    // QUOTED-SPECIALS = DQUOTE / "\"
    // SAFE-CHAR       = %x01-09 / %x0B-0C / %x0E-21 / %x23-5B / %x5D-7F
    // literal-s2c     = "{" number "}" CRLF *OCTET
    // literal-c2s     = "{" number "+}" CRLF *OCTET
    /// Writes `bytes` as a quoted string when every octet may stand in one (no NUL, CR or
    /// LF) and the escaped form fits the 1024-octet limit, and as a literal otherwise. A
    /// literal carries anything, so no text can end a line early and forge a response.
    static func write(_ bytes: some Collection<UInt8>, as form: LiteralForm, into buffer: inout ByteBuffer) {
        if let quoted = quoted(bytes) {
            buffer.writeInteger(UInt8(ascii: "\""))
            buffer.writeBytes(quoted)
            buffer.writeInteger(UInt8(ascii: "\""))
            return
        }
        buffer.writeString(form == .serverLiteral ? "{\(bytes.count)}" : "{\(bytes.count)+}")
        buffer.writeBytes(crlf)
        buffer.writeBytes(bytes)
    }

    /// The escaped content of a quoted string, or nil when the text needs a literal.
    private static func quoted(_ bytes: some Collection<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        for byte in bytes {
            switch byte {
            case 0x00, 0x0A, 0x0D:
                return nil
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                output.append(UInt8(ascii: "\\"))
                output.append(byte)
            default:
                output.append(byte)
            }
            if output.count > ManageSieveLimits.quotedStringLength { return nil }
        }
        return output
    }
}
