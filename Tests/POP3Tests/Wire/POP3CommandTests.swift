import NIOCore
import POP3
import Testing

struct POP3CommandTests {
    /// The exact line a client sends for each command.
    static let encodings: [(POP3Command, String)] = [
        (.user("mrose"), "USER mrose\r\n"),
        (.pass("my secret "), "PASS my secret \r\n"),
        (.apop(name: "mrose", digest: "c4c9334bac560ecc979e58001b3e22fb"), "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"),
        (.stat, "STAT\r\n"),
        (.noop, "NOOP\r\n"),
        (.rset, "RSET\r\n"),
        (.quit, "QUIT\r\n"),
        (.capa, "CAPA\r\n"),
        (.stls, "STLS\r\n"),
        (.utf8, "UTF8\r\n"),
        (.list(nil), "LIST\r\n"),
        (.list(2), "LIST 2\r\n"),
        (.uidl(nil), "UIDL\r\n"),
        (.uidl(12), "UIDL 12\r\n"),
        (.retr(1), "RETR 1\r\n"),
        (.dele(3), "DELE 3\r\n"),
        (.top(1, lines: 0), "TOP 1 0\r\n"),
        (.auth(mechanism: nil, initialResponse: nil), "AUTH\r\n"),
        (.auth(mechanism: "PLAIN", initialResponse: nil), "AUTH PLAIN\r\n"),
        (.auth(mechanism: "PLAIN", initialResponse: .empty), "AUTH PLAIN =\r\n"),
        (.auth(mechanism: "PLAIN", initialResponse: .data([])), "AUTH PLAIN =\r\n"),
        (.auth(mechanism: "PLAIN", initialResponse: .data(Array("\0foo\0bar".utf8))), "AUTH PLAIN AGZvbwBiYXI=\r\n"),
        (.lang(nil), "LANG\r\n"),
        (.lang("en-US"), "LANG en-US\r\n"),
        (.user("a\r\nDELE 1"), "USER a  DELE 1\r\n"),  // no argument can end the line
        (.pass("x\u{0}y\nz"), "PASS x y z\r\n"),
    ]

    @Test(arguments: encodings)
    func encodesExactBytes(_ command: POP3Command, expected: String) {
        var buffer = ByteBuffer()
        command.encode(into: &buffer)
        #expect(buffer.bytes == Array(expected.utf8))
    }

    /// Every well-formed command comes back from the parser as it went in.
    static let roundTrips: [POP3Command] = [
        .user("mrose"), .user("j\u{F6}rg@example.org"), .pass("secret"), .pass(" spaced  out "), .pass("p\u{E4}ss"),
        .apop(name: "mrose", digest: "c4c9334bac560ecc979e58001b3e22fb"),
        .stat, .noop, .rset, .quit, .capa, .stls, .utf8,
        .list(nil), .list(1), .list(2_147_483_647), .uidl(nil), .uidl(7), .retr(1), .dele(99), .top(4, lines: 0), .top(1, lines: 25),
        .auth(mechanism: nil, initialResponse: nil), .auth(mechanism: "CRAM-MD5", initialResponse: nil),
        .auth(mechanism: "PLAIN", initialResponse: .empty),
        .auth(mechanism: "PLAIN", initialResponse: .data(Array("\0user\0pencil".utf8))),
        .auth(mechanism: "X", initialResponse: .data([0xFF])), .auth(mechanism: "X", initialResponse: .data([0xFF, 0xFE])),
        .lang(nil), .lang("*"), .lang("de-CH-1996"),
    ]

    @Test(arguments: roundTrips)
    func parsesWhatItEncodes(_ command: POP3Command) throws {
        var buffer = ByteBuffer()
        command.encode(into: &buffer)
        var parser = POP3CommandParser()
        #expect(try parser.parseCommand(from: &buffer) == command)
        #expect(buffer.readableBytes == 0)
    }

    @Test(arguments: [
        SASLClientResponse.cancel, .data([]), .data([0]), .data(Array("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL".utf8)),
        .data(Array(0...255)),
    ])
    func saslResponseRoundTrips(_ response: SASLClientResponse) throws {
        var buffer = ByteBuffer()
        response.encode(into: &buffer)
        var parser = POP3CommandParser()
        #expect(try parser.parseSASLResponse(from: &buffer) == response)
        #expect(buffer.readableBytes == 0)
    }

    @Test func saslResponseBytes() {
        var buffer = ByteBuffer()
        SASLClientResponse.cancel.encode(into: &buffer)
        SASLClientResponse.data([]).encode(into: &buffer)
        SASLClientResponse.data(Array("test".utf8)).encode(into: &buffer)
        #expect(buffer.bytes == Array("*\r\n\r\ndGVzdA==\r\n".utf8))
    }
}
