import NIOCore
import Testing

@testable import SMTP

struct SMTPParseErrorTests {
    /// What the client reads for each refused line (RFC 5321 §4.2.2, RFC 3463 codes).
    @Test(arguments: [
        (SMTPParseError.lineTooLong, "500 5.5.2 Line too long\r\n"),
        (.unknownCommand("XYZZY"), "500 5.5.1 Command unrecognized\r\n"),
        (.syntax("spaces in the address"), "501 5.5.4 Syntax error: spaces in the address\r\n"),
        (.invalidOctets, "500 5.5.2 Invalid characters in command\r\n"),
    ])
    func reply(_ error: SMTPParseError, _ wire: String) {
        var buffer = ByteBuffer()
        error.reply.encode(into: &buffer)
        #expect(Array(buffer.readableBytesView) == Array(wire.utf8))
    }
}
