import NIOCore
import POP3
import Testing

/// One SASL response byte vector, as ``CommandVector`` is for commands.
struct SASLVector: Sendable, CustomTestStringConvertible {
    let input: [UInt8]
    let expected: Outcome<SASLClientResponse>?
    let consumed: Int

    var testDescription: String { escaped(input) }

    static func parses(_ input: String, _ response: SASLClientResponse, consumed: Int? = nil) -> Self {
        let bytes = Array(input.utf8)
        return Self(input: bytes, expected: .value(response), consumed: consumed ?? bytes.count)
    }

    static func fails(_ input: String, _ error: POP3ParseError, consumed: Int? = nil) -> Self {
        let bytes = Array(input.utf8)
        return Self(input: bytes, expected: .failure(error), consumed: consumed ?? bytes.count)
    }

    static func needsMoreData(_ input: String) -> Self {
        Self(input: Array(input.utf8), expected: nil, consumed: 0)
    }
}

/// A client line of either kind, for streams that switch between commands and SASL.
enum ClientLine: Equatable, Sendable {
    case command(POP3Command)
    case sasl(SASLClientResponse)
}

/// The longest base64 line the default limit allows: 12,284 characters and CRLF.
private let longestResponse = Array(repeating: UInt8(0xA5), count: 9_213)
private let longestResponseText = String(repeating: "paWl", count: 3_071)  // base64 of 0xA5 0xA5 0xA5 is "paWl"

struct POP3CommandParserSASLTests {
    /// RFC 5034 §4: base64 lines, `*` to cancel, an empty line as an empty response.
    static let vectors: [SASLVector] = [
        .parses("*\r\n", .cancel),
        .parses("*\n", .cancel),
        .parses("\r\n", .data([])),
        .parses("AGZvbwBiYXI=\r\n", .data(Array("\0foo\0bar".utf8))),
        .parses("dGVzdA==\r\n", .data(Array("test".utf8))),
        .parses("dGVzdA==\n", .data(Array("test".utf8))),
        .parses("QUIT\r\n", .data([0x41, 0x42, 0x13])),  // mid-exchange, a keyword is just base64
        .parses("*\r\nSTAT\r\n", .cancel, consumed: 3),
        .fails("=\r\n", .invalidBase64),  // "=" is only for AUTH's initial response
        .fails("**\r\n", .invalidBase64),
        .fails("* \r\n", .invalidBase64),
        .fails(" *\r\n", .invalidBase64),
        .fails("dGVzdA=\r\n", .invalidBase64),
        .fails("dGVzdA\r\n", .invalidBase64),
        .fails("dGVz dA==\r\n", .invalidBase64),
        .fails("dGVzdA== \r\n", .invalidBase64),
        .fails("dGVzdB==\r\n", .invalidBase64),
        .fails("dGVzdA==dGVz\r\n", .invalidBase64),
        .fails("dGVz\u{0}dA==\r\n", .invalidBase64),
        .fails("dGVz\rdA==\r\n", .invalidBase64),
        .fails("-_-_\r\n", .invalidBase64),  // the URL-safe alphabet is not SASL's
        .needsMoreData(""),
        .needsMoreData("dGVz"),
        .needsMoreData("*"),
        .needsMoreData("*\r"),
        .parses(longestResponseText + "\r\n", .data(longestResponse)),  // 12,286 octets
        .fails(String(repeating: "A", count: 12_288) + "\r\n*\r\n", .lineTooLong, consumed: 12_290),
        .fails(String(repeating: "A", count: 12_287) + "\n", .lineTooLong),
    ]

    @Test(arguments: vectors)
    func parsesOneLine(_ vector: SASLVector) {
        var parser = POP3CommandParser()
        var buffer = ByteBuffer(bytes: vector.input)
        let outcome: Outcome<SASLClientResponse>?
        do {
            outcome = try parser.parseSASLResponse(from: &buffer).map { .value($0) }
        } catch {
            outcome = .failure(error)
        }
        #expect(outcome == vector.expected)
        #expect(vector.input.count - buffer.readableBytes == vector.consumed)
    }

    @Test(arguments: vectors)
    func chunkingChangesNothing(_ vector: SASLVector) {
        let reference = feed([vector.input], step: saslStep)
        if let expected = vector.expected {
            #expect(reference.outcomes.first == expected)
        }
        for (name, chunks) in chunkings(of: vector.input) {
            #expect(feed(chunks, step: saslStep) == reference, "\(name)")
        }
    }

    /// An over-long response is refused once; the exchange can still be cancelled after it.
    @Test func skipsOverLongResponse() {
        let input = Array(repeating: UInt8(ascii: "Q"), count: 40_000) + Array("\r\n*\r\n".utf8)
        for (name, chunks) in chunkings(of: input, seeds: 1...3) {
            let transcript = feed(chunks, step: saslStep)
            #expect(transcript.outcomes == [.failure(.lineTooLong), .value(.cancel)], "\(name)")
        }
    }

    /// The SASL limit applies only to SASL lines: a command of the same length is too long.
    @Test func commandLimitStillAppliesBetweenExchanges() throws {
        var parser = POP3CommandParser()
        var buffer = ByteBuffer(string: "PASS " + String(repeating: "p", count: 300) + "\r\n")
        #expect(throws: POP3ParseError.lineTooLong) { try parser.parseCommand(from: &buffer) }
        buffer = ByteBuffer(string: String(repeating: "AAAA", count: 100) + "\r\n")
        #expect(try parser.parseSASLResponse(from: &buffer) == .data(Array(repeating: 0, count: 300)))
    }

    /// A whole exchange as a session drives it: commands, then SASL lines after an `AUTH`
    /// without initial response, then commands again, however the bytes arrive.
    @Test func switchesBetweenCommandsAndSASL() {
        let stream = Array(
            "CAPA\r\nAUTH PLAIN\r\nAGZvbwBiYXI=\r\nAUTH SCRAM-SHA-256\r\n*\r\nAUTH PLAIN =\r\nSTAT\r\nQUIT\r\n".utf8
        )
        let expected: [Outcome<ClientLine>] = [
            .value(.command(.capa)),
            .value(.command(.auth(mechanism: "PLAIN", initialResponse: nil))),
            .value(.sasl(.data(Array("\0foo\0bar".utf8)))),
            .value(.command(.auth(mechanism: "SCRAM-SHA-256", initialResponse: nil))),
            .value(.sasl(.cancel)),
            .value(.command(.auth(mechanism: "PLAIN", initialResponse: .empty))),
            .value(.command(.stat)),
            .value(.command(.quit)),
        ]
        for (name, chunks) in chunkings(of: stream) {
            var awaitingResponse = false
            let transcript = feed(chunks) {
                (parser: inout POP3CommandParser, buffer: inout ByteBuffer) throws(POP3ParseError) -> ClientLine? in
                if awaitingResponse {
                    guard let response = try parser.parseSASLResponse(from: &buffer) else { return nil }
                    awaitingResponse = false
                    return ClientLine.sasl(response)
                }
                guard let command = try parser.parseCommand(from: &buffer) else { return nil }
                if case .auth(_?, nil) = command { awaitingResponse = true }
                return ClientLine.command(command)
            }
            #expect(transcript.outcomes == expected, "\(name)")
        }
    }
}
