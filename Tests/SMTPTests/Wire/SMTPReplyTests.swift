import NIOCore
import Testing

@testable import SMTP

/// A reply and its exact octets on the wire.
struct ReplyEncodingVector: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let reply: SMTPReply
    let wire: String
}

let replyEncodingVectors: [ReplyEncodingVector] = [
    .init(
        testDescription: "a bare code and text", reply: SMTPReply(220, nil, "mx.example.org LMTP ready"),
        wire: "220 mx.example.org LMTP ready\r\n"),
    .init(testDescription: "an enhanced code", reply: SMTPReply(250, "2.1.0", "Sender OK"), wire: "250 2.1.0 Sender OK\r\n"),
    .init(
        testDescription: "several lines (RFC 5321 §4.2.1)", reply: SMTPReply(250, nil, ["mx.example.org", "PIPELINING", "SIZE 1000"]),
        wire: "250-mx.example.org\r\n250-PIPELINING\r\n250 SIZE 1000\r\n"),
    .init(
        testDescription: "the enhanced code on every line (RFC 2034 §4)",
        reply: SMTPReply(452, "4.2.2", ["Mailbox full", "try again later"]),
        wire: "452-4.2.2 Mailbox full\r\n452 4.2.2 try again later\r\n"),
    .init(testDescription: "no text", reply: SMTPReply(354, nil, ""), wire: "354\r\n"),
    .init(testDescription: "no lines", reply: SMTPReply(250, nil, []), wire: "250\r\n"),
    .init(testDescription: "an empty line among others", reply: SMTPReply(214, nil, ["a", "", "b"]), wire: "214-a\r\n214-\r\n214 b\r\n"),
    .init(
        testDescription: "CR and LF cannot forge a second reply",
        reply: SMTPReply(550, "5.1.1", "<a@example.org>\r\n250 2.1.5 Recipient OK"),
        wire: "550 5.1.1 <a@example.org>  250 2.1.5 Recipient OK\r\n"),
    .init(testDescription: "a bare LF and a NUL", reply: SMTPReply(501, "5.5.4", "a\nb\u{0}c"), wire: "501 5.5.4 a b c\r\n"),
    .init(
        testDescription: "UTF-8 text is kept", reply: SMTPReply(250, "2.1.5", "δοκιμή@example.org OK"),
        wire: "250 2.1.5 δοκιμή@example.org OK\r\n"),
]

private func encoded(_ reply: SMTPReply) -> [UInt8] {
    var buffer = ByteBuffer()
    reply.encode(into: &buffer)
    return Array(buffer.readableBytesView)
}

/// The lines of `wire`, each without its CRLF; nil when a line ends otherwise.
private func lines(_ wire: [UInt8]) -> [[UInt8]]? {
    var result: [[UInt8]] = []
    var line: [UInt8] = []
    var previous: UInt8 = 0
    for byte in wire {
        if byte == 0x0A {
            guard previous == 0x0D else { return nil }
            result.append(Array(line.dropLast()))
            line = []
        } else {
            line.append(byte)
        }
        previous = byte
    }
    return line.isEmpty ? result : nil
}

struct SMTPReplyTests {
    @Test(arguments: replyEncodingVectors)
    func encoding(_ vector: ReplyEncodingVector) {
        #expect(encoded(vector.reply) == Array(vector.wire.utf8))
    }

    /// RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets, CRLF included.
    @Test
    func aLongLineIsCutAt512Octets() throws {
        let wire = encoded(SMTPReply(550, "5.1.1", String(repeating: "x", count: 600)))
        #expect(wire.count == 512)
        #expect(wire == Array(("550 5.1.1 " + String(repeating: "x", count: 500) + "\r\n").utf8))
    }

    @Test
    func aLineThatJustFitsIsKept() {
        let text = String(repeating: "x", count: 512 - "250 2.0.0 ".utf8.count - 2)
        #expect(encoded(SMTPReply(250, "2.0.0", text)) == Array("250 2.0.0 \(text)\r\n".utf8))
        #expect(encoded(SMTPReply(250, "2.0.0", text + "y")) == Array("250 2.0.0 \(text)\r\n".utf8))
    }

    /// The cut never splits a UTF-8 character: what is sent is still valid UTF-8.
    @Test(arguments: ["é", "€", "😀"])
    func theCutKeepsWholeCharacters(_ character: String) throws {
        for prefix in ["", "a", "ab", "abc"] {
            let text = prefix + String(repeating: character, count: 400)
            let wire = encoded(SMTPReply(550, nil, text))
            let line = try #require(lines(wire)?.first)
            #expect(wire.count <= 512 && wire.count > 512 - character.utf8.count, "\(prefix)")
            let sent = try #require(String(validating: line, as: UTF8.self), "\(prefix)")
            #expect(sent == "550 " + String(text.prefix(prefix.count + (506 - prefix.count) / character.utf8.count)), "\(prefix)")
        }
    }

    @Test
    func everyLineOfALongReplyIsCut() throws {
        let wire = encoded(SMTPReply(250, "2.0.0", [String(repeating: "a", count: 700), "short", String(repeating: "b", count: 513)]))
        let sent = try #require(lines(wire))
        #expect(sent.map(\.count) == [510, 15, 510])
        #expect(sent.map { String(decoding: $0.prefix(10), as: UTF8.self) } == ["250-2.0.0 ", "250-2.0.0 ", "250 2.0.0 "])
    }

    @Test
    func classes() {
        #expect(SMTPReply(250, "2.0.0", "OK").isPositive)
        #expect(SMTPReply(354, nil, "Go on").isIntermediate)
        #expect(SMTPReply(452, "4.2.2", "Full").isTransient)
        #expect(SMTPReply(550, "5.1.1", "Unknown").isPermanent)
        #expect(!SMTPReply(421, "4.7.0", "Bye").isPermanent)
        #expect(!SMTPReply(354, nil, "Go on").isPositive)
    }
}
