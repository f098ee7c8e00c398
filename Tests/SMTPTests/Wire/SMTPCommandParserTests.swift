import NIOCore
import Testing

@testable import SMTP

/// One command line and what the parser makes of it.
struct CommandLineVector: Sendable, CustomTestStringConvertible {
    let line: [UInt8]
    let expected: Result<SMTPCommand, SMTPParseError>

    var testDescription: String { ByteChunking.escaped(line) }
}

private func parsed(_ line: String, _ command: SMTPCommand) -> CommandLineVector {
    CommandLineVector(line: Array(line.utf8), expected: .success(command))
}

private func refused(_ line: String, _ error: SMTPParseError) -> CommandLineVector {
    CommandLineVector(line: Array(line.utf8), expected: .failure(error))
}

private func refused(octets: [UInt8], _ error: SMTPParseError) -> CommandLineVector {
    CommandLineVector(line: octets, expected: .failure(error))
}

private func mail(_ path: String, _ parameters: SMTPParameter...) -> SMTPCommand {
    .mail(reversePath: path, parameters: parameters)
}

private func rcpt(_ path: String, _ parameters: SMTPParameter...) -> SMTPCommand {
    .rcpt(forwardPath: path, parameters: parameters)
}

/// 256 octets between the angle brackets: the longest path taken.
private let longestPath = String(repeating: "a", count: 256 - "@example.org".utf8.count) + "@example.org"

let commandLineVectors: [CommandLineVector] = [
    // Every verb, in any case (RFC 5321 §2.4).
    parsed("LHLO mx.example.org\r\n", .lhlo("mx.example.org")),
    parsed("lhlo mx.example.org\r\n", .lhlo("mx.example.org")),
    parsed("LhLo   mx.example.org  \r\n", .lhlo("mx.example.org")),
    parsed("LHLO [192.0.2.1]\r\n", .lhlo("[192.0.2.1]")),
    parsed("HELO client.example\r\n", .helo("client.example")),
    parsed("ehlo client.example\r\n", .ehlo("client.example")),
    parsed("MAIL FROM:<a@example.org>\r\n", mail("a@example.org")),
    parsed("mail from:<a@example.org>\r\n", mail("a@example.org")),
    parsed("RCPT TO:<b@example.com>\r\n", rcpt("b@example.com")),
    parsed("Rcpt To:<B@Example.COM>\r\n", rcpt("B@Example.COM")),
    parsed("DATA\r\n", .data),
    parsed("data\r\n", .data),
    parsed("BDAT 100 LAST\r\n", .bdat(size: 100, last: true)),
    parsed("bdat 100 last\r\n", .bdat(size: 100, last: true)),
    parsed("BDAT 0\r\n", .bdat(size: 0, last: false)),
    parsed("BDAT 0 LAST\r\n", .bdat(size: 0, last: true)),
    parsed("BDAT 000123\r\n", .bdat(size: 123, last: false)),
    parsed("RSET\r\n", .rset),
    parsed("NOOP\r\n", .noop),
    parsed("noop\r\n", .noop),
    // RFC 5321 §4.1.1.9: NOOP may carry a string, which is ignored.
    parsed("NOOP are you there?\r\n", .noop),
    parsed("QUIT\r\n", .quit),
    parsed("VRFY postmaster\r\n", .vrfy("postmaster")),
    parsed("HELP\r\n", .help),
    parsed("HELP MAIL\r\n", .help),
    parsed("STARTTLS\r\n", .starttls),
    parsed("starttls\r\n", .starttls),
    // A bare LF ends a line too.
    parsed("NOOP\n", .noop),
    parsed("MAIL FROM:<a@example.org>\n", mail("a@example.org")),
    // Paths.
    parsed("MAIL FROM:<>\r\n", mail("")),
    parsed("MAIL FROM: <a@example.org>\r\n", mail("a@example.org")),
    parsed("RCPT TO: <b@example.com>\r\n", rcpt("b@example.com")),
    parsed("MAIL FROM:<\"odd> name\"@example.org>\r\n", mail("\"odd> name\"@example.org")),
    parsed("RCPT TO:<\"a\\\" >b\"@example.com>\r\n", rcpt("\"a\\\" >b\"@example.com")),
    parsed("RCPT TO:<@relay1.example,@relay2.example:user@example.com>\r\n", rcpt("user@example.com")),
    parsed("MAIL FROM:<@relay.example:a@example.org>\r\n", mail("a@example.org")),
    parsed("RCPT TO:<δοκιμή@παράδειγμα.δοκιμή>\r\n", rcpt("δοκιμή@παράδειγμα.δοκιμή")),
    parsed("RCPT TO:<\(longestPath)>\r\n", rcpt(longestPath)),
    // Parameters: the keyword upper-cased, the value as sent.
    parsed(
        "MAIL FROM:<a@example.org> SIZE=1000 BODY=8BITMIME\r\n",
        mail("a@example.org", SMTPParameter("SIZE", "1000"), SMTPParameter("BODY", "8BITMIME"))),
    parsed(
        "MAIL FROM:<a@example.org> size=1000 body=8bitmime smtputf8\r\n",
        mail("a@example.org", SMTPParameter("SIZE", "1000"), SMTPParameter("BODY", "8bitmime"), SMTPParameter("SMTPUTF8"))),
    parsed("MAIL FROM:<> RET=hdrs ENVID=QQ+2Bx\r\n", mail("", SMTPParameter("RET", "hdrs"), SMTPParameter("ENVID", "QQ+2Bx"))),
    parsed(
        "RCPT TO:<b@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b+40example.com\r\n",
        rcpt("b@example.com", SMTPParameter("NOTIFY", "SUCCESS,FAILURE"), SMTPParameter("ORCPT", "rfc822;b+40example.com"))),
    parsed("MAIL FROM:<a@example.org>   X-TRACE=a=b  \r\n", mail("a@example.org", SMTPParameter("X-TRACE", "a=b"))),
    parsed("MAIL FROM:<a@example.org> SIZE=\r\n", mail("a@example.org", SMTPParameter("SIZE", ""))),
    parsed("HELO a\tb\r\n", .helo("a\tb")),

    // Bad paths (RFC 5321 §4.1.2).
    refused("MAIL FROM:a@example.org\r\n", .syntax("the address must be in angle brackets")),
    refused("MAIL FROM:\r\n", .syntax("the address must be in angle brackets")),
    refused("MAIL FROM:<a@example.org\r\n", .syntax("unterminated address")),
    refused("MAIL FROM:<alice>\r\n", .syntax("the address must be local-part@domain")),
    refused("MAIL FROM:<@example.org>\r\n", .syntax("the address must be local-part@domain")),
    refused("RCPT TO:<b@>\r\n", .syntax("the address must be local-part@domain")),
    refused("RCPT TO:<b c@example.com>\r\n", .syntax("spaces in the address")),
    refused("RCPT TO:<a\(longestPath)>\r\n", .syntax("address too long")),
    refused("RCPT TO:<>\r\n", .syntax("an empty recipient")),
    refused("MAIL TO:<a@example.org>\r\n", .syntax("expected FROM:<address>")),
    refused("RCPT FROM:<a@example.org>\r\n", .syntax("expected TO:<address>")),
    refused("MAIL\r\n", .syntax("expected FROM:<address>")),
    refused("MAIL FROM:<a@example.org> =1\r\n", .syntax("bad parameter")),
    refused("MAIL FROM:<a@example.org> -X=1\r\n", .syntax("bad parameter")),
    refused("MAIL FROM:<a@example.org> X_Y=1\r\n", .syntax("bad parameter")),
    // Bad BDAT (RFC 3030 §2).
    refused("BDAT\r\n", .syntax("BDAT needs a chunk size")),
    refused("BDAT LAST\r\n", .syntax("BDAT needs a chunk size")),
    refused("BDAT -1\r\n", .syntax("BDAT needs a chunk size")),
    refused("BDAT +1\r\n", .syntax("BDAT needs a chunk size")),
    refused("BDAT 1234567890123456789\r\n", .syntax("BDAT needs a chunk size")),
    refused("BDAT 10 LAST now\r\n", .syntax("BDAT needs a chunk size")),
    refused("BDAT 10 FIRST\r\n", .syntax("BDAT takes only LAST after the size")),
    // Other bad arguments.
    refused("LHLO\r\n", .syntax("LHLO needs one domain")),
    refused("LHLO two words\r\n", .syntax("LHLO needs one domain")),
    refused("DATA now\r\n", .syntax("DATA takes no argument")),
    refused("RSET all\r\n", .syntax("RSET takes no argument")),
    refused("QUIT please\r\n", .syntax("QUIT takes no argument")),
    refused("STARTTLS now\r\n", .syntax("STARTTLS takes no argument")),
    refused("VRFY\r\n", .syntax("VRFY needs an argument")),
    // Unknown verbs: reported upper-cased, at most 12 characters.
    refused("EXPN staff\r\n", .unknownCommand("EXPN")),
    refused("xyzzy plugh\r\n", .unknownCommand("XYZZY")),
    refused("ABCDEFGHIJKLMNOPQRSTUVWXYZ now\r\n", .unknownCommand("ABCDEFGHIJKL")),
    refused("\r\n", .unknownCommand("")),
    refused(" NOOP\r\n", .unknownCommand("")),
    refused("GET / HTTP/1.1\r\n", .unknownCommand("GET")),
    // Octets that are not text.
    refused("NOOP\u{0}\r\n", .invalidOctets),
    refused("NO\rOP\r\n", .invalidOctets),
    refused("HELO a\u{1B}[31mb\r\n", .invalidOctets),
    refused("HELO \u{7F}\r\n", .invalidOctets),
    refused(octets: Array("HELO ".utf8) + [0xC3, 0x28, 0x0D, 0x0A], .invalidOctets),
    refused(octets: Array("RCPT TO:<".utf8) + [0xFF] + Array("@example.com>\r\n".utf8), .invalidOctets),
    refused(octets: Array("HELO ".utf8) + [0xC0, 0xAF, 0x0D, 0x0A], .invalidOctets),
]

/// Feeds `chunks` to one parser as the server's driver does (parse until nil after each
/// read, reply to an error and go on) and returns every outcome and what was left unread.
private func parse(
    _ chunks: [[UInt8]], maximumLineLength: Int = SMTPLimits.commandLineLength
) -> (outcomes: [Result<SMTPCommand, SMTPParseError>], unread: [UInt8]) {
    var parser = SMTPCommandParser(maximumLineLength: maximumLineLength)
    var buffer = ByteBuffer()
    var outcomes: [Result<SMTPCommand, SMTPParseError>] = []
    for chunk in chunks {
        buffer.writeBytes(chunk)
        while true {
            do {
                guard let command = try parser.parseCommand(from: &buffer) else { break }
                outcomes.append(.success(command))
            } catch {
                outcomes.append(.failure(error))
            }
        }
    }
    return (outcomes, Array(buffer.readableBytesView))
}

struct SMTPCommandParserTests {
    @Test(arguments: commandLineVectors)
    func oneLine(_ vector: CommandLineVector) {
        let result = parse([vector.line])
        #expect(result.outcomes == [vector.expected])
        #expect(result.unread.isEmpty)
    }

    /// Pipelined commands (RFC 2920): every vector back to back, cut every way; a refused
    /// line costs only itself.
    @Test
    func everyLineBackToBackInAnySplit() {
        let stream = commandLineVectors.flatMap(\.line)
        for split in ByteChunking.splits(of: stream) {
            let result = parse(split.chunks)
            #expect(result.outcomes == commandLineVectors.map(\.expected), "\(split.name)")
            #expect(result.unread.isEmpty, "\(split.name)")
        }
    }

    @Test
    func aLineSplitAcrossReadsWaitsForItsEnd() throws {
        var parser = SMTPCommandParser()
        var buffer = ByteBuffer(string: "MAIL FR")
        #expect(try parser.parseCommand(from: &buffer) == nil)
        buffer.writeString("OM:<a@example.org> SIZE=12\r")
        #expect(try parser.parseCommand(from: &buffer) == nil)
        buffer.writeString("\nRCPT TO:<b@example.com>\r\nDA")
        #expect(try parser.parseCommand(from: &buffer) == mail("a@example.org", SMTPParameter("SIZE", "12")))
        #expect(try parser.parseCommand(from: &buffer) == rcpt("b@example.com"))
        #expect(try parser.parseCommand(from: &buffer) == nil)
        #expect(Array(buffer.readableBytesView) == Array("DA".utf8))
        buffer.writeString("TA\r\n")
        #expect(try parser.parseCommand(from: &buffer) == .data)
        #expect(buffer.readableBytes == 0)
    }

    @Test
    func aCommandFedOneOctetAtATime() {
        let line = Array("MAIL FROM:<\"x y\"@example.org> BODY=8BITMIME\r\n".utf8)
        let result = parse(line.map { [$0] })
        #expect(result.outcomes == [.success(mail("\"x y\"@example.org", SMTPParameter("BODY", "8BITMIME")))])
        #expect(result.unread.isEmpty)
    }

    // MARK: - Line length (RFC 5321 §4.5.3.1.4, SMTPLimits.commandLineLength)

    @Test
    func aLineOfExactlyTheLimitIsTaken() {
        let line = "NOOP " + String(repeating: "x", count: SMTPLimits.commandLineLength - 7) + "\r\n"
        #expect(line.utf8.count == 2048)
        for split in ByteChunking.splits(of: Array(line.utf8)) {
            #expect(parse(split.chunks).outcomes == [.success(.noop)], "\(split.name)")
        }
    }

    @Test
    func oneOctetOverTheLimitIsRefusedOnceAndTheNextCommandRead() {
        let line = "NOOP " + String(repeating: "x", count: SMTPLimits.commandLineLength - 6) + "\r\n"
        #expect(line.utf8.count == 2049)
        for split in ByteChunking.splits(of: Array((line + "RSET\r\n").utf8)) {
            let result = parse(split.chunks)
            #expect(result.outcomes == [.failure(.lineTooLong), .success(.rset)], "\(split.name)")
            #expect(result.unread.isEmpty, "\(split.name)")
        }
    }

    @Test
    func theLimitCountsABareLFAsIfItWereCRLF() {
        let taken = "NOOP " + String(repeating: "x", count: 2041) + "\n"
        let refusedLine = "NOOP " + String(repeating: "x", count: 2042) + "\n"
        for split in ByteChunking.splits(of: Array((taken + refusedLine + "QUIT\n").utf8)) {
            #expect(parse(split.chunks).outcomes == [.success(.noop), .failure(.lineTooLong), .success(.quit)], "\(split.name)")
        }
    }

    /// A 10,000-octet line, with what looks like commands in it, is one error however
    /// the reads cut it, and the client stays in step: the command after it is read.
    @Test
    func aLongLineOverManyReadsIsOneError() {
        let junk = String(repeating: "x", count: 4000) + " QUIT\r" + String(repeating: "y", count: 6000) + " QUIT"
        let stream = Array(("MAIL FROM:<a@example.org>\r\n" + junk + "\r\nRSET\r\nNOOP\r\n").utf8)
        var splits = ByteChunking.splits(of: stream)
        splits.append(
            ("1000-octet reads", stride(from: 0, to: stream.count, by: 1000).map { Array(stream[$0..<min($0 + 1000, stream.count)]) }))
        for split in splits {
            let result = parse(split.chunks)
            #expect(
                result.outcomes == [.success(mail("a@example.org")), .failure(.lineTooLong), .success(.rset), .success(.noop)],
                "\(split.name)")
            #expect(result.unread.isEmpty, "\(split.name)")
        }
    }

    @Test
    func aSmallerLimitIsHonoured() {
        let stream = Array("NOOP 12345678\r\nNOOP 123456789\r\nQUIT\r\n".utf8)
        for split in ByteChunking.splits(of: stream) {
            #expect(
                parse(split.chunks, maximumLineLength: 15).outcomes == [.success(.noop), .failure(.lineTooLong), .success(.quit)],
                "\(split.name)")
        }
    }

    /// After the caller throws its buffer away, the rest of a long line is no longer skipped.
    @Test
    func resetForgetsALongLine() throws {
        var parser = SMTPCommandParser()
        var buffer = ByteBuffer(bytes: [UInt8](repeating: UInt8(ascii: "x"), count: 3000))
        #expect(throws: SMTPParseError.lineTooLong) { try parser.parseCommand(from: &buffer) }
        parser.reset()
        var fresh = ByteBuffer(string: "NOOP\r\n")
        #expect(try parser.parseCommand(from: &fresh) == .noop)
    }
}
