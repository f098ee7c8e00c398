import NIOCore
import POP3
import Testing

/// One command-line byte vector: what a single parse call on it must give, and how many
/// octets that call consumes.
struct CommandVector: Sendable, CustomTestStringConvertible {
    let input: [UInt8]
    /// Nil when the parser must ask for more data.
    let expected: Outcome<POP3Command>?
    let consumed: Int

    var testDescription: String { escaped(input) }

    static func parses(_ input: String, _ command: POP3Command, consumed: Int? = nil) -> Self {
        let bytes = Array(input.utf8)
        return Self(input: bytes, expected: .value(command), consumed: consumed ?? bytes.count)
    }

    static func fails(_ input: String, _ error: POP3ParseError, consumed: Int? = nil) -> Self {
        fails(bytes: Array(input.utf8), error, consumed: consumed)
    }

    static func fails(bytes: [UInt8], _ error: POP3ParseError, consumed: Int? = nil) -> Self {
        Self(input: bytes, expected: .failure(error), consumed: consumed ?? bytes.count)
    }

    static func needsMoreData(_ input: String) -> Self {
        Self(input: Array(input.utf8), expected: nil, consumed: 0)
    }
}

private let digest = "c4c9334bac560ecc979e58001b3e22fb"
private let longestPassword = String(repeating: "x", count: 248)  // "PASS " + 248 + CRLF = 255

struct POP3CommandParserTests {
    /// RFC 1939 §§4–7: AUTHORIZATION commands.
    static let authorization: [CommandVector] = [
        .parses("USER mrose\r\n", .user("mrose")),
        .parses("user mrose\r\n", .user("mrose")),
        .parses("UsEr MRose\r\n", .user("MRose")),  // the keyword folds, the name does not
        .parses("USER  mrose  \r\n", .user("mrose")),  // extra and trailing spaces tolerated
        .parses("USER frated@example.org\r\n", .user("frated@example.org")),
        .parses("USER j\u{F6}rg\r\n", .user("j\u{F6}rg")),  // UTF-8 (RFC 6856 UTF8 USER)
        .fails("USER\r\n", .invalidArguments("USER")),
        .fails("USER \r\n", .invalidArguments("USER")),
        .fails("USER a b\r\n", .invalidArguments("USER")),
        .fails(bytes: Array("USER j".utf8) + [0xF6] + Array("rg\r\n".utf8), .invalidEncoding),  // Latin-1, not UTF-8
        .parses("PASS secret\r\n", .pass("secret")),
        .parses("pass secret\r\n", .pass("secret")),
        .parses("PASS my secret  \r\n", .pass("my secret  ")),  // RFC 1939 §7: spaces are the password's
        .parses("PASS  leading\r\n", .pass(" leading")),
        .parses("PASS p\u{E4}ssw\u{F6}rd\r\n", .pass("p\u{E4}ssw\u{F6}rd")),
        .parses("PASS   \r\n", .pass("  ")),
        .parses("PASS \(longestPassword)\r\n", .pass(longestPassword)),
        .fails("PASS\r\n", .invalidArguments("PASS")),
        .fails("PASS \r\n", .invalidArguments("PASS")),
        .fails("PASS a\u{0}b\r\n", .invalidEncoding),
        .fails("PASS a\tb\r\n", .invalidEncoding),
        .fails(bytes: Array("PASS ".utf8) + [0xFF, 0xFE] + Array("\r\n".utf8), .invalidEncoding),
        .parses("APOP mrose \(digest)\r\n", .apop(name: "mrose", digest: digest)),
        .parses("apop mrose \(digest.uppercased())\r\n", .apop(name: "mrose", digest: digest)),
        .fails("APOP mrose\r\n", .invalidArguments("APOP")),
        .fails("APOP\r\n", .invalidArguments("APOP")),
        .fails("APOP mrose c4c9334b\r\n", .invalidArguments("APOP")),
        .fails("APOP mrose \(digest)0\r\n", .invalidArguments("APOP")),
        .fails("APOP mrose g4c9334bac560ecc979e58001b3e22fb\r\n", .invalidArguments("APOP")),
        .fails("APOP mrose \(digest) extra\r\n", .invalidArguments("APOP")),
        .parses("QUIT\r\n", .quit),
        .parses("quit\r\n", .quit),
        .fails("QUIT now\r\n", .invalidArguments("QUIT")),
    ]

    /// RFC 1939 §§5, 7: TRANSACTION commands and their message numbers.
    static let transaction: [CommandVector] = [
        .parses("STAT\r\n", .stat),
        .parses("Stat\r\n", .stat),
        .parses("STAT \r\n", .stat),
        .fails("STAT 1\r\n", .invalidArguments("STAT")),
        .parses("NOOP\r\n", .noop),
        .fails("NOOP x\r\n", .invalidArguments("NOOP")),
        .parses("RSET\r\n", .rset),
        .fails("RSET 1\r\n", .invalidArguments("RSET")),
        .parses("LIST\r\n", .list(nil)),
        .parses("LIST 2\r\n", .list(2)),
        .parses("list 007\r\n", .list(7)),  // leading zeros are still a decimal
        .parses("LIST 2147483647\r\n", .list(2_147_483_647)),
        .fails("LIST 2147483648\r\n", .invalidArguments("LIST")),
        .fails("LIST 99999999999999999999999999\r\n", .invalidArguments("LIST")),
        .fails("LIST 0\r\n", .invalidArguments("LIST")),
        .fails("LIST 000\r\n", .invalidArguments("LIST")),
        .fails("LIST -1\r\n", .invalidArguments("LIST")),
        .fails("LIST +1\r\n", .invalidArguments("LIST")),
        .fails("LIST 1x\r\n", .invalidArguments("LIST")),
        .fails("LIST 0x10\r\n", .invalidArguments("LIST")),
        .fails("LIST \u{0661}\r\n", .invalidArguments("LIST")),  // an Arabic-Indic digit is not a digit here
        .fails("LIST 1 2\r\n", .invalidArguments("LIST")),
        .parses("UIDL\r\n", .uidl(nil)),
        .parses("UIDL 2\r\n", .uidl(2)),
        .fails("UIDL 0\r\n", .invalidArguments("UIDL")),
        .fails("UIDL 1 2\r\n", .invalidArguments("UIDL")),
        .parses("RETR 1\r\n", .retr(1)),
        .parses("retr  12 \r\n", .retr(12)),
        .fails("RETR\r\n", .invalidArguments("RETR")),
        .fails("RETR 0\r\n", .invalidArguments("RETR")),
        .fails("RETR -3\r\n", .invalidArguments("RETR")),
        .fails("RETR 1 2\r\n", .invalidArguments("RETR")),
        .parses("DELE 1\r\n", .dele(1)),
        .fails("DELE\r\n", .invalidArguments("DELE")),
        .fails("DELE one\r\n", .invalidArguments("DELE")),
        .parses("TOP 1 10\r\n", .top(1, lines: 10)),
        .parses("top 1 0\r\n", .top(1, lines: 0)),
        .parses("TOP  1   10 \r\n", .top(1, lines: 10)),
        .parses("TOP 1 2147483647\r\n", .top(1, lines: 2_147_483_647)),
        .fails("TOP 1\r\n", .invalidArguments("TOP")),
        .fails("TOP\r\n", .invalidArguments("TOP")),
        .fails("TOP 0 1\r\n", .invalidArguments("TOP")),
        .fails("TOP 1 -1\r\n", .invalidArguments("TOP")),
        .fails("TOP 1 2147483648\r\n", .invalidArguments("TOP")),
        .fails("TOP 1 2 3\r\n", .invalidArguments("TOP")),
    ]

    /// RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH, RFC 6856 UTF8 and LANG.
    static let extensions: [CommandVector] = [
        .parses("CAPA\r\n", .capa),
        .fails("CAPA x\r\n", .invalidArguments("CAPA")),
        .parses("STLS\r\n", .stls),
        .parses("stls\r\n", .stls),
        .fails("STLS now\r\n", .invalidArguments("STLS")),
        .parses("UTF8\r\n", .utf8),
        .parses("utf8\r\n", .utf8),
        .fails("UTF8 on\r\n", .invalidArguments("UTF8")),
        .parses("AUTH\r\n", .auth(mechanism: nil, initialResponse: nil)),
        .parses("AUTH PLAIN\r\n", .auth(mechanism: "PLAIN", initialResponse: nil)),
        .parses("auth plain\r\n", .auth(mechanism: "PLAIN", initialResponse: nil)),
        .parses("AUTH SCRAM-SHA-256\r\n", .auth(mechanism: "SCRAM-SHA-256", initialResponse: nil)),
        .parses("AUTH X_VENDOR_1\r\n", .auth(mechanism: "X_VENDOR_1", initialResponse: nil)),
        .parses("AUTH PLAIN =\r\n", .auth(mechanism: "PLAIN", initialResponse: .empty)),
        .parses("AUTH PLAIN AGZvbwBiYXI=\r\n", .auth(mechanism: "PLAIN", initialResponse: .data(Array("\0foo\0bar".utf8)))),
        .parses("AUTH PLAIN dGVzdA==\r\n", .auth(mechanism: "PLAIN", initialResponse: .data(Array("test".utf8)))),
        .fails("AUTH PLAIN AGZvbwBiYXI\r\n", .invalidBase64),  // padding missing
        .fails("AUTH PLAIN ====\r\n", .invalidBase64),
        .fails("AUTH PLAIN ==\r\n", .invalidBase64),
        .fails("AUTH PLAIN dGVzdA=\r\n", .invalidBase64),
        .fails("AUTH PLAIN dGVzdB==\r\n", .invalidBase64),  // non-zero pad bits
        .fails("AUTH PLAIN dG=zdA==\r\n", .invalidBase64),
        .fails("AUTH PLAIN *\r\n", .invalidBase64),
        .fails("AUTH PLAIN AGZv bwBiYXI=\r\n", .invalidArguments("AUTH")),
        .fails("AUTH PL@IN\r\n", .invalidArguments("AUTH")),
        .fails("AUTH PL\u{C4}IN\r\n", .invalidArguments("AUTH")),
        .fails("AUTH ABCDEFGHIJKLMNOPQRSTU\r\n", .invalidArguments("AUTH")),  // 21 characters (RFC 4422 §3.1)
        .parses("AUTH ABCDEFGHIJKLMNOPQRST\r\n", .auth(mechanism: "ABCDEFGHIJKLMNOPQRST", initialResponse: nil)),
        .parses("LANG\r\n", .lang(nil)),
        .parses("LANG *\r\n", .lang("*")),
        .parses("LANG en\r\n", .lang("en")),
        .parses("lang en-US\r\n", .lang("en-US")),
        .parses("LANG de-CH-1996\r\n", .lang("de-CH-1996")),
        .fails("LANG 123\r\n", .invalidArguments("LANG")),
        .fails("LANG en-\r\n", .invalidArguments("LANG")),
        .fails("LANG -en\r\n", .invalidArguments("LANG")),
        .fails("LANG abcdefghi\r\n", .invalidArguments("LANG")),
        .fails("LANG en fr\r\n", .invalidArguments("LANG")),
        .fails("LANG **\r\n", .invalidArguments("LANG")),
    ]

    /// Keywords that are not commands, and lines that are not in the character set.
    static let unknownAndEncoding: [CommandVector] = [
        .fails("FOO\r\n", .unknownCommand("FOO")),
        .fails("XTND XMIT\r\n", .unknownCommand("XTND")),
        .fails("HELO example.org\r\n", .unknownCommand("HELO")),
        .fails("STATISTICS\r\n", .unknownCommand("STATISTI")),  // cut to POP3Limits.reportedKeywordLength
        .fails("ST\u{C4}T\r\n", .unknownCommand("ST??T")),  // printable ASCII only
        .fails("<script>\r\n", .unknownCommand("<script>")),
        .fails("\r\n", .unknownCommand("")),
        .fails(" STAT\r\n", .unknownCommand("")),  // the keyword starts the line
        .fails("ST AT\r\n", .unknownCommand("ST")),
        .fails("ST\u{0}AT\r\n", .invalidEncoding),
        .fails("STAT\u{0}\r\n", .invalidEncoding),
        .fails("\u{0}\r\n", .invalidEncoding),
        .fails("STAT\u{7F}\r\n", .invalidEncoding),
        .fails("STAT\u{1B}[2J\r\n", .invalidEncoding),
        .fails("STAT\rNOOP\r\n", .invalidEncoding),  // a CR alone is not a line end
        .fails("STAT\r\r\n", .invalidEncoding),
        .fails(bytes: [0xC3, 0x28, 0x0D, 0x0A], .invalidEncoding),
        .fails(bytes: Array("USER ".utf8) + [0xED, 0xA0, 0x80] + [0x0D, 0x0A], .invalidEncoding),  // a UTF-16 surrogate
    ]

    /// Line ends, partial lines, pipelining (RFC 2449 §6.6) and the line limit (RFC 2449 §4).
    static let framing: [CommandVector] = [
        .parses("STAT\n", .stat),  // bare LF accepted
        .parses("PASS a b\n", .pass("a b")),
        .needsMoreData(""),
        .needsMoreData("S"),
        .needsMoreData("STAT"),
        .needsMoreData("STAT\r"),
        .needsMoreData("PASS \(String(repeating: "x", count: 240))"),
        .parses("USER mrose\r\nPASS secret\r\nSTAT\r\n", .user("mrose"), consumed: 12),
        .parses("STAT\nNOOP\r\n", .stat, consumed: 5),
        .parses("QUIT\r\nUSER", .quit, consumed: 6),
        .fails("NOPE\r\nNOOP\r\n", .unknownCommand("NOPE"), consumed: 6),
        .parses("PASS \(longestPassword)\r\nNOOP\r\n", .pass(longestPassword), consumed: 255),  // exactly 255 octets
        .fails("PASS \(longestPassword)x\r\nNOOP\r\n", .lineTooLong, consumed: 256),  // 256 octets
        .fails("PASS \(longestPassword)x\nNOOP\r\n", .lineTooLong, consumed: 255),  // the limit counts CRLF even for LF
        .parses("PASS \(longestPassword)\nNOOP\r\n", .pass(longestPassword), consumed: 254),
        .fails(String(repeating: "A", count: 255), .lineTooLong, consumed: 255),  // known too long before its end
        .fails(String(repeating: "A", count: 1000) + "\r\nNOOP\r\n", .lineTooLong, consumed: 1002),
    ]

    static let all = authorization + transaction + extensions + unknownAndEncoding + framing

    @Test(arguments: all)
    func parsesOneLine(_ vector: CommandVector) {
        var parser = POP3CommandParser()
        var buffer = ByteBuffer(bytes: vector.input)
        let outcome: Outcome<POP3Command>?
        do {
            outcome = try parser.parseCommand(from: &buffer).map { .value($0) }
        } catch {
            outcome = .failure(error)
        }
        #expect(outcome == vector.expected)
        #expect(vector.input.count - buffer.readableBytes == vector.consumed)
    }

    /// Every vector gives the same outcomes and leaves the same bytes whether it arrives at
    /// once, one byte at a time, or in random pieces.
    @Test(arguments: all)
    func chunkingChangesNothing(_ vector: CommandVector) {
        let reference = feed([vector.input], step: commandStep)
        if let expected = vector.expected {
            #expect(reference.outcomes.first == expected)
        }
        for (name, chunks) in chunkings(of: vector.input) {
            #expect(feed(chunks, step: commandStep) == reference, "\(name)")
        }
    }

    /// Whole streams: what every parse call gives until the parser needs more data.
    static let streams: [(String, [Outcome<POP3Command>])] = [
        (
            "USER mrose\r\nPASS secret\r\nSTAT\r\nLIST\r\nUIDL\r\nQUIT\r\n",
            [.value(.user("mrose")), .value(.pass("secret")), .value(.stat), .value(.list(nil)), .value(.uidl(nil)), .value(.quit)]
        ),
        ("PASS \(longestPassword)x\r\nNOOP\r\n", [.failure(.lineTooLong), .value(.noop)]),
        (String(repeating: "B", count: 10_000) + "\r\nNOOP\r\n", [.failure(.lineTooLong), .value(.noop)]),
        (
            String(repeating: "C", count: 300) + "\r\n" + String(repeating: "D", count: 600) + "\nQUIT\r\n",
            [.failure(.lineTooLong), .failure(.lineTooLong), .value(.quit)]
        ),
        (
            // A CR inside the skipped line does not end it.
            String(repeating: "E", count: 400) + "\r" + String(repeating: "F", count: 400) + "\r\nRSET\r\n",
            [.failure(.lineTooLong), .value(.rset)]
        ),
        (
            "FOO\r\n\r\nSTAT 1\r\nST\u{0}AT\r\nNOOP\r\n",
            [
                .failure(.unknownCommand("FOO")), .failure(.unknownCommand("")), .failure(.invalidArguments("STAT")),
                .failure(.invalidEncoding), .value(.noop),
            ]
        ),
    ]

    @Test(arguments: streams)
    func parsesStream(_ input: String, expected: [Outcome<POP3Command>]) {
        for (name, chunks) in chunkings(of: Array(input.utf8)) {
            let transcript = feed(chunks, step: commandStep)
            #expect(transcript.outcomes == expected, "\(name)")
            #expect(transcript.remaining.isEmpty, "\(name)")
        }
    }

    /// A line many times longer than one read is refused once, never buffered beyond the
    /// limit, and the command after it still parses.
    @Test(arguments: [1, 100, 512, 4096])
    func skipsLineLongerThanSeveralReads(readSize: Int) {
        let input = Array(repeating: UInt8(ascii: "X"), count: 50_000) + Array("\r\nNOOP\r\n".utf8)
        var parser = POP3CommandParser()
        var buffer = ByteBuffer()
        var outcomes: [Outcome<POP3Command>] = []
        var start = 0
        while start < input.count {
            let end = min(start + readSize, input.count)
            buffer.writeBytes(input[start..<end])
            start = end
            while true {
                do {
                    guard let command = try parser.parseCommand(from: &buffer) else { break }
                    outcomes.append(.value(command))
                } catch {
                    outcomes.append(.failure(error))
                }
            }
            #expect(buffer.readableBytes < POP3Limits.commandLineLength)
        }
        #expect(outcomes == [.failure(.lineTooLong), .value(.noop)])
    }

    /// A smaller limit than the default works the same way.
    @Test(arguments: [
        ("NOOP\r\n", [Outcome.value(POP3Command.noop)]),  // 6 octets
        ("USER abc\r\n", [.value(.user("abc"))]),  // 10 octets: exactly the limit
        ("USER abcd\r\nQUIT\r\n", [.failure(.lineTooLong), .value(.quit)]),  // 11 octets
    ])
    func honoursConfiguredLimit(_ input: String, expected: [Outcome<POP3Command>]) {
        for (name, chunks) in chunkings(of: Array(input.utf8)) {
            let transcript = feed(chunks, parser: POP3CommandParser(maximumLineLength: 10), step: commandStep)
            #expect(transcript.outcomes == expected, "\(name)")
        }
    }

    /// The client lines of RFC 1939's example session (§10) and the examples of §§4–7, sent
    /// pipelined in one stream.
    @Test func parsesRFC1939Examples() {
        let lines: [(String, POP3Command)] = [
            ("APOP mrose c4c9334bac560ecc979e58001b3e22fb", .apop(name: "mrose", digest: digest)),
            ("STAT", .stat),
            ("LIST", .list(nil)),
            ("RETR 1", .retr(1)),
            ("DELE 1", .dele(1)),
            ("RETR 2", .retr(2)),
            ("DELE 2", .dele(2)),
            ("QUIT", .quit),
            ("USER frated", .user("frated")),
            ("USER mrose", .user("mrose")),
            ("PASS secret", .pass("secret")),
            ("LIST 2", .list(2)),
            ("LIST 3", .list(3)),
            ("NOOP", .noop),
            ("RSET", .rset),
            ("TOP 1 10", .top(1, lines: 10)),
            ("TOP 100 3", .top(100, lines: 3)),
            ("UIDL", .uidl(nil)),
            ("UIDL 2", .uidl(2)),
            ("UIDL 3", .uidl(3)),
        ]
        let stream = Array(lines.map { $0.0 + "\r\n" }.joined().utf8)
        for (name, chunks) in chunkings(of: stream) {
            let transcript = feed(chunks, step: commandStep)
            #expect(transcript.outcomes == lines.map { .value($0.1) }, "\(name)")
        }
    }

    /// After `reset()` a half-skipped line is forgotten along with the caller's buffer.
    @Test func resetForgetsSkippedLine() throws {
        var parser = POP3CommandParser()
        var buffer = ByteBuffer(bytes: Array(repeating: UInt8(ascii: "Z"), count: 300))
        #expect(throws: POP3ParseError.lineTooLong) { try parser.parseCommand(from: &buffer) }
        parser.reset()
        buffer = ByteBuffer(string: "STAT\r\n")
        #expect(try parser.parseCommand(from: &buffer) == .stat)
    }
}
