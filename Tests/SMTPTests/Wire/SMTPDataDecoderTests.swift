import NIOCore
import Testing

@testable import SMTP

/// What follows DATA on the wire, and what the store must get of it.
struct DataVector: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let wire: [UInt8]
    /// The message, unstuffed.
    let message: [UInt8]
    /// Whether the wire holds the end of the message.
    let complete: Bool
    /// What is left for the command parser.
    let rest: [UInt8]

    init(_ description: String, _ wire: String, message: String, rest: String = "", complete: Bool = true) {
        self.init(description, Array(wire.utf8), message: Array(message.utf8), rest: Array(rest.utf8), complete: complete)
    }

    init(_ description: String, _ wire: [UInt8], message: [UInt8], rest: [UInt8] = [], complete: Bool = true) {
        testDescription = description
        self.wire = wire
        self.message = message
        self.rest = rest
        self.complete = complete
    }
}

let dataVectors: [DataVector] = [
    DataVector("a one-line message", "Hello\r\n.\r\n", message: "Hello\r\n"),
    DataVector("an empty message", ".\r\n", message: ""),
    DataVector("empty lines", "\r\n\r\n.\r\n", message: "\r\n\r\n"),
    // RFC 5321 §4.5.2: the first dot of a line starting with one is removed.
    DataVector("a stuffed dot", "..\r\n.\r\n", message: ".\r\n"),
    DataVector("a stuffed dot before text", "..hidden\r\n.\r\n", message: ".hidden\r\n"),
    DataVector("three dots", "...\r\n.\r\n", message: "..\r\n"),
    DataVector("a dot line that was not stuffed", ".x\r\n.\r\n", message: "x\r\n"),
    DataVector(
        "RFC 2033 §4.3's stuffed line", "Blah blah blah...\r\n...etc. etc. etc.\r\n.\r\n",
        message: "Blah blah blah...\r\n..etc. etc. etc.\r\n"),
    DataVector("dots inside lines are content", "a.\r\n .\r\na..b\r\n.\r\n", message: "a.\r\n .\r\na..b\r\n"),
    DataVector("the next command stays", "a\r\n.\r\nMAIL FROM:<>\r\n", message: "a\r\n", rest: "MAIL FROM:<>\r\n"),
    DataVector("a dot line in pipelined commands", "a\r\n.\r\n.\r\nQUIT\r\n", message: "a\r\n", rest: ".\r\nQUIT\r\n"),
    // A bare LF ends a line, so `.` LF ends the message.
    DataVector("bare LF lines", "a\n..b\n.\nQUIT\r\n", message: "a\n.b\n", rest: "QUIT\r\n"),
    DataVector("CRLF lines ended by dot LF", "a\r\n.\n", message: "a\r\n"),
    // `.` CR without LF: the dot was stuffing, the CR is content.
    DataVector("dot CR then text", ".\rx\r\n.\r\n", message: "\rx\r\n"),
    DataVector("dot CR then dot", ".\r.\r\n.\r\n", message: "\r.\r\n"),
    DataVector("dot CR CR LF", ".\r\r\n.\r\n", message: "\r\r\n"),
    DataVector("dot CR then bare-LF line end", "a\r\n.\r\r\n.\n", message: "a\r\n\r\r\n"),
    // A lone CR ends nothing.
    DataVector("a dot after a lone CR", "a\r.\r\n", message: "a\r.\r\n", complete: false),
    // Not ended yet: everything but a possible terminator is handed over.
    DataVector("no end yet", "Hello\r\n", message: "Hello\r\n", complete: false),
    DataVector("a dot at the end of the input", "Hello\r\n.", message: "Hello\r\n", complete: false),
    DataVector("dot CR at the end of the input", "Hello\r\n.\r", message: "Hello\r\n", complete: false),
    DataVector("a stuffed dot at the end of the input", "Hello\r\n..", message: "Hello\r\n.", complete: false),
    // Any octet is kept.
    DataVector(
        "NUL and 8-bit octets", [0x00, 0x41, 0x0D, 0x0A, 0xFF, 0xC3, 0xA9, 0x00, 0x0D, 0x0A, 0x2E, 0x0D, 0x0A],
        message: [0x00, 0x41, 0x0D, 0x0A, 0xFF, 0xC3, 0xA9, 0x00, 0x0D, 0x0A]),
    DataVector("a NUL after a dot", [0x2E, 0x00, 0x0D, 0x0A, 0x2E, 0x0D, 0x0A], message: [0x00, 0x0D, 0x0A]),
    DataVector(
        "a line longer than RFC 5321's 1,000 octets", String(repeating: "z", count: 5000) + "\r\n.\r\n",
        message: String(repeating: "z", count: 5000) + "\r\n"),
]

/// Feeds `chunks` as the server's driver does: each read is appended to one buffer and
/// decoded; once the end is seen, the later reads only pile up for the command parser.
private func decode(_ chunks: [[UInt8]]) -> (message: [UInt8], complete: Bool, rest: [UInt8]) {
    var decoder = SMTPDataDecoder()
    var buffer = ByteBuffer()
    var message: [UInt8] = []
    var complete = false
    for chunk in chunks {
        buffer.writeBytes(chunk)
        if !complete { complete = decoder.decode(from: &buffer, into: &message) == .complete }
    }
    return (message, complete, Array(buffer.readableBytesView))
}

struct SMTPDataDecoderTests {
    @Test(arguments: dataVectors)
    func inAnySplit(_ vector: DataVector) {
        for split in ByteChunking.splits(of: vector.wire) {
            let result = decode(split.chunks)
            #expect(result.message == vector.message, "\(split.name)")
            #expect(result.complete == vector.complete, "\(split.name)")
            #expect(result.rest == vector.rest, "\(split.name)")
        }
    }

    /// A small message with every tricky spot, cut in two and in three at every place,
    /// empty reads included: the terminator and the stuffed dots land on every boundary.
    @Test
    func everyCutOfASmallMessage() {
        let wire = Array("a\r\n..b\r\n.\rc\n.\r\nNOOP\r\n".utf8)
        let message = Array("a\r\n.b\r\n\rc\n".utf8)
        let rest = Array("NOOP\r\n".utf8)
        for first in 0...wire.count {
            for second in first...wire.count {
                let result = decode([Array(wire[..<first]), Array(wire[first..<second]), Array(wire[second...])])
                #expect(result.message == message, "cut at \(first) and \(second)")
                #expect(result.complete, "cut at \(first) and \(second)")
                #expect(result.rest == rest, "cut at \(first) and \(second)")
            }
        }
    }

    /// Each call reports its own progress and consumes everything before the end.
    @Test
    func progressOfEachRead() {
        var decoder = SMTPDataDecoder()
        var message: [UInt8] = []
        var buffer = ByteBuffer(string: "Subject: hi\r\n\r\n.")
        #expect(decoder.decode(from: &buffer, into: &message) == .needMore)
        #expect(buffer.readableBytes == 0)
        #expect(message == Array("Subject: hi\r\n\r\n".utf8))
        buffer.writeString("\r")
        #expect(decoder.decode(from: &buffer, into: &message) == .needMore)
        #expect(buffer.readableBytes == 0)
        buffer.writeString("\nQUIT\r\n")
        #expect(decoder.decode(from: &buffer, into: &message) == .complete)
        #expect(message == Array("Subject: hi\r\n\r\n".utf8))
        #expect(buffer.readableBytesView.elementsEqual("QUIT\r\n".utf8))
    }

    /// The inverse of dot-stuffing: any text, stuffed as RFC 5321 §4.5.2 says and ended
    /// with `.` CRLF, comes back as it was.
    @Test(arguments: ["", "x\r\n", ".\r\n", "..\r\n.x\r\n", "a\r\n.\r\n.\r\nb\r\n", "\r\n.\r\n\r\n", ". \r\n.\t\r\n"])
    func unstuffingUndoesStuffing(_ text: String) {
        var lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if lines.last == [] { lines.removeLast() }
        let stuffed = lines.flatMap { line in (line.first == 0x2E ? [0x2E] : []) + line + [0x0A] } + Array(".\r\n".utf8)
        for split in ByteChunking.splits(of: stuffed) {
            let result = decode(split.chunks)
            #expect(result.message == Array(text.utf8), "\(split.name)")
            #expect(result.complete, "\(split.name)")
        }
    }
}
