import NIOCore
import SMTP
import Testing

/// What one drain of the parser gave: a reply or an error.
enum ReplyOutcome: Equatable, Sendable {
    case reply(SMTPReply)
    case failure(SMTPReplyParseError)
}

/// Feeds `chunks` into one buffer, draining the parser after each, as a channel handler
/// would; returns every outcome and the bytes left unread.
func feedReplies(_ chunks: [[UInt8]], parser: SMTPReplyParser = SMTPReplyParser()) -> (outcomes: [ReplyOutcome], remaining: [UInt8]) {
    var parser = parser
    var buffer = ByteBuffer()
    var outcomes: [ReplyOutcome] = []
    for chunk in chunks {
        buffer.writeBytes(chunk)
        while true {
            let before = buffer.readerIndex
            do {
                guard let reply = try parser.parse(from: &buffer) else { break }
                outcomes.append(.reply(reply))
            } catch {
                outcomes.append(.failure(error))
                // Every error must consume something, or a driver would loop forever.
                if buffer.readerIndex == before {
                    Issue.record("an error consumed nothing")
                    return (outcomes, Array(buffer.readableBytesView))
                }
            }
        }
    }
    return (outcomes, Array(buffer.readableBytesView))
}

/// One byte vector and everything a drain of it must give.
struct ReplyVector: Sendable, CustomTestStringConvertible {
    let input: [UInt8]
    let outcomes: [ReplyOutcome]
    /// The octets left unread: a reply's last line still incomplete.
    let remaining: [UInt8]

    var testDescription: String { ByteChunking.escaped(input) }

    init(_ input: String, _ outcomes: ReplyOutcome..., remaining: String = "") {
        self.init(bytes: Array(input.utf8), outcomes, remaining: remaining)
    }

    init(bytes: [UInt8], _ outcomes: [ReplyOutcome], remaining: String = "") {
        self.input = bytes
        self.outcomes = outcomes
        self.remaining = Array(remaining.utf8)
    }
}

private func reply(_ code: Int, _ enhanced: String? = nil, _ lines: String...) -> ReplyOutcome {
    .reply(SMTPReply(code, enhanced, lines))
}

private let longText = String(repeating: "x", count: 5000)
private let ehlo = "250-foo.com greets bar.com\r\n250-8BITMIME\r\n250-SIZE\r\n250-DSN\r\n250 HELP\r\n"

struct SMTPReplyParserTests {
    static let valid: [ReplyVector] = [
        .init("220 foo.com Simple Mail Transfer Service Ready\r\n", reply(220, nil, "foo.com Simple Mail Transfer Service Ready")),
        .init(ehlo, reply(250, nil, "foo.com greets bar.com", "8BITMIME", "SIZE", "DSN", "HELP")),
        .init("550 5.1.1 No such user\r\n", reply(550, "5.1.1", "No such user")),
        .init("452-4.5.3 Too many\r\n452 4.5.3 recipients\r\n", reply(452, "4.5.3", "Too many", "recipients")),
        .init("250-2.0.0 first\r\n250 second\r\n", reply(250, "2.0.0", "first", "second")),
        .init("250-2.0.0 first\r\n250 2.1.0 second\r\n", reply(250, "2.0.0", "first", "2.1.0 second")),
        .init("250 2.0.0\r\n", reply(250, "2.0.0", "")),
        .init("554 5.123.456 odd but valid\r\n", reply(554, "5.123.456", "odd but valid")),
        // Not enhanced codes: the class disagrees, too many parts or digits, no space after.
        .init("250 5.0.0 odd\r\n", reply(250, nil, "5.0.0 odd")),
        .init("250 2.0.0.1 x\r\n", reply(250, nil, "2.0.0.1 x")),
        .init("250 2.1234.0 x\r\n", reply(250, nil, "2.1234.0 x")),
        .init("250 2.0.0x\r\n", reply(250, nil, "2.0.0x")),
        .init("250 3.0.0 x\r\n", reply(250, nil, "3.0.0 x")),
        .init("354 Start mail input; end with <CRLF>.<CRLF>\r\n", reply(354, nil, "Start mail input; end with <CRLF>.<CRLF>")),
        .init("250\r\n", reply(250, nil, "")),
        .init("250 \r\n", reply(250, nil, "")),
        .init("250-\r\n250 last\r\n", reply(250, nil, "", "last")),
        .init("250-a\n250 b\n", reply(250, nil, "a", "b")),
        .init("250-a\r\n250 b\n", reply(250, nil, "a", "b")),
        .init("250 a\tb\r\n", reply(250, nil, "a\tb")),
        .init("550 5.1.1 unbekannt: j\u{F6}rg\r\n", reply(550, "5.1.1", "unbekannt: j\u{F6}rg")),
        .init("250 ok\r\n221 bye\r\n", reply(250, nil, "ok"), reply(221, nil, "bye")),
        .init("599 top of range\r\n", reply(599, nil, "top of range")),
        .init("200 bottom of range\r\n", reply(200, nil, "bottom of range")),
    ]

    static let incomplete: [ReplyVector] = [
        .init("", remaining: ""),
        .init("25", remaining: "25"),
        .init("250 ok\r", remaining: "250 ok\r"),
        .init("250-a\r\n250 b", remaining: "250 b"),
        .init("250-a\r\n", remaining: ""),
        .init("250 ok\r\n251", reply(250, nil, "ok"), remaining: "251"),
    ]

    static let invalid: [ReplyVector] = [
        .init("25O ok\r\n", .failure(.malformedCode)),
        .init("2500 ok\r\n", .failure(.malformedCode)),
        .init("150 ok\r\n", .failure(.malformedCode)),
        .init("600 ok\r\n", .failure(.malformedCode)),
        .init("\r\n", .failure(.malformedCode)),
        .init("25\r\n", .failure(.malformedCode)),
        .init("250_ok\r\n", .failure(.malformedCode)),
        .init(" 250 ok\r\n", .failure(.malformedCode)),
        .init("+OK pop3 server ready\r\n", .failure(.malformedCode)),
        .init("250-a\r\n251 b\r\n", .failure(.inconsistentCodes)),
        .init("250-a\r\n251-b\r\n250 c\r\n", .failure(.inconsistentCodes), reply(250, nil, "c")),
        .init("250 a\u{0}b\r\n", .failure(.invalidCharacter)),
        .init("250 a\rb\r\n", .failure(.invalidCharacter)),
        .init("250 a\u{1B}[31mred\r\n", .failure(.invalidCharacter)),
        .init("250 a\u{7F}\r\n", .failure(.invalidCharacter)),
        .init(bytes: Array("250 ".utf8) + [0xFF, 0xFE] + Array("\r\n".utf8), [.failure(.invalidCharacter)]),
        .init(bytes: Array("250 j".utf8) + [0xF6] + Array("rg\r\n".utf8), [.failure(.invalidCharacter)]),
        // An error ends the reply being read; what follows is read afresh.
        .init("250-a\r\nxyz\r\n250 ok\r\n", .failure(.malformedCode), reply(250, nil, "ok")),
        .init("250 \(longText)\r\n250 ok\r\n", .failure(.lineTooLong), reply(250, nil, "ok")),
        .init("250-a\r\n250-\(longText)\n250 ok\r\n", .failure(.lineTooLong), reply(250, nil, "ok")),
        .init("250 \(longText)", .failure(.lineTooLong)),
    ]

    @Test("valid replies", arguments: valid)
    func parsesValid(_ vector: ReplyVector) {
        check(vector)
    }

    @Test("incomplete replies wait for more", arguments: incomplete)
    func waitsForMore(_ vector: ReplyVector) {
        check(vector)
    }

    @Test("invalid replies throw the right error and consume the bad line", arguments: invalid)
    func refusesInvalid(_ vector: ReplyVector) {
        check(vector)
    }

    /// Whole, byte by byte and in random splits, the parser must give the same outcomes.
    private func check(_ vector: ReplyVector, sourceLocation: SourceLocation = #_sourceLocation) {
        for (name, chunks) in ByteChunking.splits(of: vector.input) {
            let (outcomes, remaining) = feedReplies(chunks)
            #expect(outcomes == vector.outcomes, "fed \(name)", sourceLocation: sourceLocation)
            #expect(remaining == vector.remaining, "fed \(name)", sourceLocation: sourceLocation)
        }
    }

    @Test("the line length limit counts two octets for the line end, whichever is sent")
    func lineLengthBoundary() {
        let limit = SMTPClientLimits.replyLineLength
        let fits = "250 " + String(repeating: "a", count: limit - 6)
        let overflows = fits + "a"
        #expect(feedReplies([Array((fits + "\r\n").utf8)]).outcomes == [reply(250, nil, String(fits.dropFirst(4)))])
        #expect(feedReplies([Array((fits + "\n").utf8)]).outcomes == [reply(250, nil, String(fits.dropFirst(4)))])
        #expect(feedReplies([Array((overflows + "\r\n").utf8)]).outcomes == [.failure(.lineTooLong)])
        #expect(feedReplies([Array((overflows + "\n").utf8)]).outcomes == [.failure(.lineTooLong)])
    }

    @Test("a reply may have up to the line count limit, and no more")
    func lineCountLimit() {
        let limit = SMTPClientLimits.replyLineCount
        let most = String(repeating: "250-x\r\n", count: limit - 1) + "250 y\r\n"
        let outcomes = feedReplies([Array(most.utf8)]).outcomes
        #expect(outcomes == [.reply(SMTPReply(250, nil, Array(repeating: "x", count: limit - 1) + ["y"]))])
        let tooMany = String(repeating: "250-x\r\n", count: limit) + "250 y\r\n"
        #expect(feedReplies([Array(tooMany.utf8)]).outcomes == [.failure(.tooManyLines), reply(250, nil, "y")])
    }

    @Test("smaller limits can be configured")
    func configuredLimits() {
        let parser = SMTPReplyParser(maximumLineLength: 16, maximumLineCount: 2)
        #expect(feedReplies([Array("250 0123456789\r\n".utf8)], parser: parser).outcomes == [reply(250, nil, "0123456789")])
        #expect(feedReplies([Array("250 01234567890\r\n".utf8)], parser: parser).outcomes == [.failure(.lineTooLong)])
        #expect(
            feedReplies([Array("250-a\r\n250-b\r\n250 c\r\n".utf8)], parser: parser).outcomes == [
                .failure(.tooManyLines), reply(250, nil, "c"),
            ])
    }

    @Test("parse(encode(reply)) gives the reply back")
    func roundTrip() {
        let replies = [
            SMTPReply(250, nil, ["mx.example.org", "PIPELINING", "SIZE 10240000"]),
            SMTPReply(550, "5.1.1", "<nobody@example.org>: no such user"),
            SMTPReply(452, "4.5.3", ["Too many recipients", "try again later"]),
            SMTPReply(221, "2.0.0", ""),
            SMTPReply(354, nil, ""),
        ]
        for original in replies {
            var buffer = ByteBuffer()
            original.encode(into: &buffer)
            for (name, chunks) in ByteChunking.splits(of: Array(buffer.readableBytesView)) {
                #expect(feedReplies(chunks).outcomes == [.reply(original)], "fed \(name)")
            }
        }
    }

    @Test("reset() forgets a partial reply, such as plain text injected before TLS")
    func resetForgetsPartialReply() throws {
        var parser = SMTPReplyParser()
        var buffer = ByteBuffer(string: "250-injected\r\n250 in")
        #expect(try parser.parse(from: &buffer) == nil)
        parser.reset()
        buffer.clear()
        buffer.writeString("250 fresh\r\n")
        #expect(try parser.parse(from: &buffer) == SMTPReply(250, nil, "fresh"))
    }

    @Test("junk never crashes or stalls the parser")
    func junk() {
        var generator = ByteChunking.SeededGenerator(seed: 2_025)
        let alphabet = Array("0123456789 -.\r\n\t25abcXYZ".utf8) + [0x00, 0x7F, 0xC3, 0xFF]
        for _ in 0..<300 {
            let length = Int.random(in: 0...600, using: &generator)
            let junk = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            let whole = feedReplies([junk])
            let bytewise = feedReplies(junk.map { [$0] })
            #expect(whole.outcomes == bytewise.outcomes, "\(ByteChunking.escaped(junk))")
            #expect(whole.remaining == bytewise.remaining, "\(ByteChunking.escaped(junk))")
        }
    }
}
