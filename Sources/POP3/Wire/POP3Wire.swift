/// Fixed octet sequences of the POP3 wire format.
public enum POP3Wire {
    /// The line that ends a multi-line response. For `RETR` and `TOP` the server writes the
    /// status line, then the stored message (already dot-stuffed, CRLF line ends), then this.
    /// - SeeAlso: RFC 1939 §3
    public static let multilineTerminator: [UInt8] = Array(".\r\n".utf8)

    /// The line end of every command and response.
    public static let crlf: [UInt8] = [0x0D, 0x0A]
}
