import ManageSieve
import NIOCore
import Testing

/// The client's side of an AUTHENTICATE exchange (RFC 5804 §2.1).
@Suite struct ManageSieveCommandParserSASLTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let input: String
        let expected: Outcome<ManageSieveSASLResponse>
        var testDescription: String { escaped(Array(input.utf8)) }
    }

    static let vectors: [Vector] = [
        Vector(input: "\"AHRpbQ==\"\r\n", expected: .value(.data([0, 0x74, 0x69, 0x6D]))),
        Vector(input: "\"\"\r\n", expected: .value(.data([]))),
        Vector(input: "\"*\"\r\n", expected: .value(.cancel)),
        Vector(input: "{1+}\r\n*\r\n", expected: .value(.cancel)),
        Vector(input: "{4+}\r\nAA==\r\n", expected: .value(.data([0]))),
        Vector(input: "{4}\r\nAA==\n", expected: .value(.data([0]))),
        Vector(input: "AHRpbQ==\r\n", expected: .failure(.invalidSASLResponse)),
        Vector(input: "\"a\" \"b\"\r\n", expected: .failure(.invalidSASLResponse)),
        Vector(input: "\r\n", expected: .failure(.invalidSASLResponse)),
        Vector(input: "\"abc\"\r\n", expected: .failure(.invalidBase64)),
        Vector(input: "\"AB==\"\r\n", expected: .failure(.invalidBase64)),  // unused bits set
        Vector(input: "\"A===\"\r\n", expected: .failure(.invalidBase64)),
        Vector(input: "\"AA==AA==\"\r\n", expected: .failure(.invalidBase64)),
        Vector(input: "{20000+}\r\n" + String(repeating: "A", count: 20_000) + "\r\n", expected: .failure(.literalTooLarge(""))),
    ]

    @Test(arguments: vectors)
    func responseParsesTheSameHoweverItIsSplit(_ vector: Vector) {
        let input = Array((vector.input + "\"*\"\r\n").utf8)
        for (name, chunks) in chunkings(of: input) {
            let transcript = feed(chunks, step: saslStep)
            #expect(transcript.outcomes == [vector.expected, .value(.cancel)], "\(name)")
            #expect(transcript.remaining.isEmpty, "\(name)")
        }
    }

    @Test(arguments: [
        ManageSieveSASLResponse.cancel, .data([]), .data(Array("\u{0}tim\u{0}tanstaaf".utf8)), .data(Array(repeating: 7, count: 2_000)),
    ])
    func roundTrip(_ response: ManageSieveSASLResponse) throws {
        var buffer = ByteBuffer()
        response.encode(into: &buffer)
        var parser = ManageSieveCommandParser()
        #expect(try parser.parseSASLResponse(from: &buffer) == response)
        #expect(buffer.readableBytes == 0)
    }
}
