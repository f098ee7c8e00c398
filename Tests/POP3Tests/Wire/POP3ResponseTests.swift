import NIOCore
import POP3
import Testing

struct POP3ResponseTests {
    static let encodings: [(POP3Response, String)] = [
        (.ok("POP3 server ready <1896.697170952@dbc.mtview.ca.us>"), "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"),
        (.ok(""), "+OK\r\n"),
        (.ok("2 320"), "+OK 2 320\r\n"),
        (.error(nil, "no such message"), "-ERR no such message\r\n"),
        (.error(nil, ""), "-ERR\r\n"),
        (.error(.inUse, "maildrop already locked"), "-ERR [IN-USE] maildrop already locked\r\n"),
        (.error(.loginDelay, "wait"), "-ERR [LOGIN-DELAY] wait\r\n"),
        (.error(.sysTemp, "try again later"), "-ERR [SYS/TEMP] try again later\r\n"),
        (.error(.sysPerm, "mailbox unavailable"), "-ERR [SYS/PERM] mailbox unavailable\r\n"),
        (.error(.auth, "invalid credentials"), "-ERR [AUTH] invalid credentials\r\n"),
        (.error(.utf8, "UTF8 needed"), "-ERR [UTF8] UTF8 needed\r\n"),
        (.error(.auth, ""), "-ERR [AUTH]\r\n"),
        // CR and LF in text become spaces: no reply can be split into two.
        (.ok("hello\r\n+OK forged"), "+OK hello  +OK forged\r\n"),
        (.error(nil, "bad\ncommand"), "-ERR bad command\r\n"),
        (.error(.sysTemp, "a\rb\u{0}c"), "-ERR [SYS/TEMP] a b c\r\n"),
        (.ok("caf\u{E9}"), "+OK caf\u{E9}\r\n"),
        (
            .multiline("2 messages (320 octets)", lines: ["1 120", "2 200"]),
            "+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n"
        ),
        (.multiline("", lines: []), "+OK\r\n.\r\n"),
        (.multiline("empty maildrop", lines: []), "+OK empty maildrop\r\n.\r\n"),
        (
            .multiline("Capability list follows", lines: ["TOP", "USER", "SASL PLAIN SCRAM-SHA-256", "RESP-CODES", "PIPELINING"]),
            "+OK Capability list follows\r\nTOP\r\nUSER\r\nSASL PLAIN SCRAM-SHA-256\r\nRESP-CODES\r\nPIPELINING\r\n.\r\n"
        ),
        // Dot-stuffing (RFC 1939 §3): a line that starts with "." gets another.
        (.multiline("x", lines: [".", "..", ".hidden", "a.b", ""]), "+OK x\r\n..\r\n...\r\n..hidden\r\na.b\r\n\r\n.\r\n"),
        // A line cannot end the response early or add lines either.
        (.multiline("x", lines: ["1 a\r\n.\r\n+OK"]), "+OK x\r\n1 a  .  +OK\r\n.\r\n"),
        (.multiline("x", lines: ["\n."]), "+OK x\r\n .\r\n.\r\n"),
        (.multiline("bad\r\ntext", lines: ["1 1"]), "+OK bad  text\r\n1 1\r\n.\r\n"),
        (.saslChallenge([]), "+ \r\n"),
        (.saslChallenge(Array("test".utf8)), "+ dGVzdA==\r\n"),
        (
            .saslChallenge(Array("<1896.697170952@postoffice.example.net>".utf8)),
            "+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UuZXhhbXBsZS5uZXQ+\r\n"
        ),
    ]

    @Test(arguments: encodings)
    func encodesExactBytes(_ response: POP3Response, expected: String) {
        var buffer = ByteBuffer()
        response.encode(into: &buffer)
        #expect(buffer.bytes == Array(expected.utf8))
    }

    /// Status lines stop at 512 octets with CRLF (RFC 2449 §4), never inside a character.
    @Test(arguments: [
        POP3Response.ok(String(repeating: "a", count: 600)),
        .error(.sysTemp, String(repeating: "b", count: 1_000)),
        .ok(String(repeating: "\u{E9}", count: 400)),  // 2 octets each
        .error(.loginDelay, String(repeating: "\u{20AC}", count: 400)),  // 3 octets each
        .multiline(String(repeating: "\u{1F4EC}", count: 200), lines: ["1 1"]),  // 4 octets each
    ])
    func truncatesLongStatusLine(_ response: POP3Response) throws {
        var buffer = ByteBuffer()
        response.encode(into: &buffer)
        let bytes = buffer.bytes
        let lineEnd = try #require(bytes.firstIndex(of: 0x0A))
        let statusLine = bytes[...lineEnd]
        #expect(statusLine.count <= POP3Limits.responseLineLength)
        #expect(statusLine.count > POP3Limits.responseLineLength - 4)
        #expect(statusLine.suffix(2).elementsEqual([0x0D, 0x0A]))
        #expect(String(validating: statusLine, as: UTF8.self) != nil)
    }

    @Test func textAtTheLimitIsKept() {
        let text = String(repeating: "t", count: POP3Limits.responseLineLength - "+OK ".count - 2)
        var buffer = ByteBuffer()
        POP3Response.ok(text).encode(into: &buffer)
        #expect(buffer.bytes == Array("+OK \(text)\r\n".utf8))
    }

    @Test func multilineTerminator() {
        #expect(POP3Wire.multilineTerminator == [0x2E, 0x0D, 0x0A])
        #expect(POP3Wire.crlf == [0x0D, 0x0A])
    }
}
