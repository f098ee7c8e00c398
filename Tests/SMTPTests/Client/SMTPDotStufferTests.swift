import NIOCore
import SMTP
import Testing

/// A raw message and its exact DATA form.
struct DataFormVector: Sendable, CustomTestStringConvertible {
    let message: [UInt8]
    let dataForm: [UInt8]

    var testDescription: String { ByteChunking.escaped(message) }

    init(_ message: String, _ dataForm: String) {
        self.message = Array(message.utf8)
        self.dataForm = Array(dataForm.utf8)
    }
}

/// Runs `chunks` through one stuffer and finishes it.
private func stuff(_ chunks: [[UInt8]]) -> [UInt8] {
    var stuffer = SMTPDotStuffer()
    var output = ByteBuffer()
    for chunk in chunks { stuffer.encode(ByteBuffer(bytes: chunk), into: &output) }
    stuffer.finish(into: &output)
    return Array(output.readableBytesView)
}

struct SMTPDotStufferTests {
    static let vectors: [DataFormVector] = [
        // The empty message is the terminator alone.
        .init("", ".\r\n"),
        .init("a\r\n", "a\r\n.\r\n"),
        // A last line without a line end gets CRLF before the terminator.
        .init("a", "a\r\n.\r\n"),
        .init("a\r\nb", "a\r\nb\r\n.\r\n"),
        // RFC 5321 §4.5.2: a line that starts with a dot gets another.
        .init(".\r\n", "..\r\n.\r\n"),
        .init(".", "..\r\n.\r\n"),
        .init("..\r\n", "...\r\n.\r\n"),
        .init("a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n"),
        .init(".a\r\n.b\r\n", "..a\r\n..b\r\n.\r\n"),
        .init("x.y\r\n. \r\n", "x.y\r\n.. \r\n.\r\n"),
        // Bare LF becomes CRLF.
        .init("a\nb\n", "a\r\nb\r\n.\r\n"),
        .init("a\n.b", "a\r\n..b\r\n.\r\n"),
        .init("\n\n", "\r\n\r\n.\r\n"),
        // A bare CR is a line end too, and so becomes CRLF.
        .init("a\rb", "a\r\nb\r\n.\r\n"),
        .init("a\r", "a\r\n.\r\n"),
        .init("a\r.b", "a\r\n..b\r\n.\r\n"),
        .init("a\r\r\nb", "a\r\n\r\nb\r\n.\r\n"),
        .init("a\n\rb", "a\r\n\r\nb\r\n.\r\n"),
        .init("\r\n", "\r\n.\r\n"),
        // Octets other than line ends and a leading dot pass unchanged.
        .init("Subject: gr\u{FC}\u{DF}e\r\n\r\nbody\u{0}\u{7F}\r\n", "Subject: gr\u{FC}\u{DF}e\r\n\r\nbody\u{0}\u{7F}\r\n.\r\n"),
    ]

    @Test("DATA form, byte for byte, whole and in chunks", arguments: vectors)
    func dataForm(_ vector: DataFormVector) {
        for (name, chunks) in ByteChunking.splits(of: vector.message) {
            #expect(stuff(chunks) == vector.dataForm, "fed \(name)")
        }
        let whole = SMTPDotStuffer.dataForm(of: ByteBuffer(bytes: vector.message))
        #expect(Array(whole.readableBytesView) == vector.dataForm)
    }

    @Test("a line's leading dot right after a chunk boundary is still doubled")
    func dotAfterChunkBoundary() {
        #expect(stuff([Array("a\r\n".utf8), Array(".b\r\n".utf8)]) == Array("a\r\n..b\r\n.\r\n".utf8))
        #expect(stuff([Array("a\r".utf8), Array("\n.b".utf8)]) == Array("a\r\n..b\r\n.\r\n".utf8))
        #expect(stuff([Array("a\r".utf8), Array(".b".utf8)]) == Array("a\r\n..b\r\n.\r\n".utf8))
        #expect(stuff([Array("a\r".utf8), [], Array("\n".utf8), Array(".".utf8)]) == Array("a\r\n..\r\n.\r\n".utf8))
    }

    @Test("a dot inside a line is left alone even when a chunk starts with it")
    func dotInsideLineAfterChunkBoundary() {
        #expect(stuff([Array("a".utf8), Array(".b\r\n".utf8)]) == Array("a.b\r\n.\r\n".utf8))
    }

    @Test("finish() readies the stuffer for the next message")
    func reuse() {
        var stuffer = SMTPDotStuffer()
        var output = ByteBuffer()
        stuffer.encode(ByteBuffer(string: "one"), into: &output)
        stuffer.finish(into: &output)
        stuffer.encode(ByteBuffer(string: ".two\r"), into: &output)
        stuffer.finish(into: &output)
        #expect(String(buffer: output) == "one\r\n.\r\n..two\r\n.\r\n")
    }

    @Test("only the chunk's readable bytes are read")
    func readableBytesOnly() {
        var chunk = ByteBuffer(string: "skip.me\r\nbody")
        chunk.moveReaderIndex(forwardBy: 4)
        var stuffer = SMTPDotStuffer()
        var output = ByteBuffer()
        stuffer.encode(chunk, into: &output)
        stuffer.finish(into: &output)
        #expect(String(buffer: output) == "..me\r\nbody\r\n.\r\n")
    }
}
