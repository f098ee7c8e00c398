import NIOCore

/// Turns a message's raw bytes into the form DATA sends: CRLF line ends, a dot doubled at
/// the start of every line that has one, and the lone-dot line that ends the data.
///
/// Line ends: CRLF, a bare LF and a bare CR each end a line and are written as CRLF,
/// because RFC 5321 §2.3.8 forbids a client to send a bare CR or LF, and a CR on its own
/// can only be an old Mac line end or damage; keeping the line break is the reading that
/// loses nothing. So `a\rb` becomes `a\r\nb\r\n`, and `a\r\r\nb` keeps its empty line.
///
/// Streaming: a message may be given in chunks of any size, cut anywhere (between a CR and
/// its LF, before a line's leading dot); the output is the same as for the whole message.
/// - SeeAlso: RFC 5321 §4.5.2 (transparency), §4.1.1.4 (the end of mail data)
public struct SMTPDotStuffer: Sendable {
    /// True when the next octet starts a line: at the start and after every line end.
    private var isAtLineStart = true
    /// True when the last octet was a CR, written as CRLF, so an LF next is its partner.
    private var followsCarriageReturn = false

    public init() {}

    /// Writes `chunk`, the next bytes of the message, to `output` in DATA form.
    public mutating func encode(_ chunk: ByteBuffer, into output: inout ByteBuffer) {
        let bytes = chunk.readableBytesView
        var runStart = bytes.startIndex
        for index in bytes.indices {
            let byte = bytes[index]
            if followsCarriageReturn {
                followsCarriageReturn = false
                if byte == SMTPClientASCII.lineFeed {
                    runStart = index + 1
                    continue
                }
            }
            switch byte {
            case SMTPClientASCII.carriageReturn, SMTPClientASCII.lineFeed:
                output.writeBytes(bytes[runStart..<index])
                output.writeBytes(Self.lineEnd)
                runStart = index + 1
                isAtLineStart = true
                followsCarriageReturn = byte == SMTPClientASCII.carriageReturn
            case SMTPClientASCII.dot where isAtLineStart:
                output.writeBytes(bytes[runStart..<index])
                output.writeInteger(SMTPClientASCII.dot)
                runStart = index
                isAtLineStart = false
            default:
                isAtLineStart = false
            }
        }
        output.writeBytes(bytes[runStart...])
    }

    /// Ends the data: a CRLF if the message's last line had none, then `.` CRLF. The
    /// stuffer is then ready for another message.
    public mutating func finish(into output: inout ByteBuffer) {
        if !isAtLineStart { output.writeBytes(Self.lineEnd) }
        output.writeBytes(Self.endOfData)
        self = Self()
    }

    /// The whole DATA form of `message`, terminator included.
    public static func dataForm(of message: ByteBuffer) -> ByteBuffer {
        var stuffer = Self()
        var output = ByteBuffer()
        output.reserveCapacity(message.readableBytes + message.readableBytes / 32 + 5)
        stuffer.encode(message, into: &output)
        stuffer.finish(into: &output)
        return output
    }

    private static let lineEnd: [UInt8] = [SMTPClientASCII.carriageReturn, SMTPClientASCII.lineFeed]

    /// `.` CRLF, the line that ends the mail data (RFC 5321 §4.1.1.4).
    static let endOfData: [UInt8] = [SMTPClientASCII.dot, SMTPClientASCII.carriageReturn, SMTPClientASCII.lineFeed]
}
